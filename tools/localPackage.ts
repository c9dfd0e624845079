/**
 * This package installed into a `node_modules` folder the way `npm install` of the packed package
 * would put it there: a real copy of the published files (package.json and the `files` entries),
 * not a link. `npm run build` installs it into the repository's own node_modules, so every Pulumi
 * project folder of the checkout (`stacks/`, `examples/*`, each with a package.json of its own that
 * ends this package's scope) imports `neon-pulumi-dynamic` exactly as a user's program does, and
 * Pulumi stores `__provider` as the one-line `require("neon-pulumi-dynamic/dist/…/provider.js")`.
 * A link would not do: Node resolves it to the checkout, outside any node_modules, and the
 * serializer then inlines the provider by value. The tests' throwaway programs use it too.
 *
 * Usage: `ts-node tools/localPackage.ts` (installs into `<repo>/node_modules`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StaleBuildError } from "../runner/errors";
import { packageName, packageRoot } from "../runner/packageRoot";

interface Manifest {
  files: string[];
}

function manifest(root: string): Manifest {
  const raw = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return { files: raw.files ?? [] };
}

/** The published entries a program can load: package.json and the `files` entries that exist. */
function publishedEntries(root: string): string[] {
  return ["package.json", ...manifest(root).files].filter((entry) => fs.existsSync(path.join(root, entry)));
}

/**
 * Copies the package into `<nodeModulesDir>/neon-pulumi-dynamic` and returns that folder. The copy
 * is assembled beside the target and renamed into place, so a program that loads the package
 * meanwhile sees the old copy or the new one, never half of each (for the instant between the two
 * renames, none; if the second rename fails, the old copy is put back).
 */
export function installPackageCopy(nodeModulesDir: string, root: string = packageRoot()): string {
  const target = path.join(nodeModulesDir, packageName);
  const staging = `${target}.installing-${process.pid}`;
  const retired = `${target}.old-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    for (const entry of publishedEntries(root)) {
      fs.cpSync(path.join(root, entry), path.join(staging, entry), { recursive: true });
    }
    if (fs.existsSync(target)) fs.renameSync(target, retired);
    try {
      fs.renameSync(staging, target);
    } catch (err) {
      // Put the previous copy back rather than leave none.
      if (fs.existsSync(retired) && !fs.existsSync(target)) fs.renameSync(retired, target);
      throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(retired, { recursive: true, force: true });
  }
  linkBins(nodeModulesDir, target);
  return target;
}

/** `node_modules/.bin/<name>` for each of the package's `bin` entries, as npm links them. */
function linkBins(nodeModulesDir: string, packageDir: string): void {
  const bins = (JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).bin ?? {}) as Record<string, string>;
  for (const [name, file] of Object.entries(bins)) {
    const script = path.join(packageDir, file);
    if (!fs.existsSync(script)) continue;
    fs.chmodSync(script, 0o755);
    const link = path.join(nodeModulesDir, ".bin", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(path.dirname(link), script), link);
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function sameContent(a: string, b: string): boolean {
  return fs.statSync(a).size === fs.statSync(b).size && fs.readFileSync(a).equals(fs.readFileSync(b));
}

/**
 * Fails unless `dist/` is newer than every TypeScript source it is compiled from (provider/,
 * runner/, emulator/, spec/), and the copy in `<root>/node_modules` matches `dist/` file for file.
 */
export function assertBuildIsFresh(root: string = packageRoot()): void {
  for (const folder of ["provider", "runner", "emulator", "spec"]) {
    for (const source of listFiles(path.join(root, folder)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
      const relative = path.relative(root, source);
      const compiled = path.join(root, "dist", relative.replace(/\.ts$/, ".js"));
      if (!fs.existsSync(compiled)) throw new StaleBuildError(`dist/ is missing or incomplete (no ${path.relative(root, compiled)}): run npm run build`);
      if (fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs) {
        throw new StaleBuildError(`dist/ is older than the sources (${relative} changed after it was compiled): run npm run build`);
      }
    }
  }
  const installed = path.join(root, "node_modules", packageName);
  for (const entry of manifest(root).files.filter((f) => f.startsWith("dist/"))) {
    for (const file of listFiles(path.join(root, entry))) {
      const copy = path.join(installed, path.relative(root, file));
      if (!fs.existsSync(copy) || !sameContent(copy, file)) {
        throw new StaleBuildError(`node_modules/${packageName} is not the current build (${path.relative(root, file)} differs): run npm run build`);
      }
    }
  }
}

if (require.main === module) {
  const target = installPackageCopy(path.join(packageRoot(), "node_modules"));
  process.stdout.write(`installed ${packageName} into ${path.relative(process.cwd(), target) || target}\n`);
}
