/**
 * `npm run build`: generates the types of Neon's spec (tools/specTypes.ts), compiles the TypeScript
 * into `dist/` and installs the package into the repository's own node_modules
 * (tools/localPackage.ts), so the Pulumi programs of the checkout load it as users' programs do.
 * With `--if-stale` (what `npm start` uses) nothing is done when the generated types, `dist/` and
 * that copy are already current.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { StaleBuildError } from "../runner/errors";
import { packageRoot } from "../runner/packageRoot";
import { assertBuildIsFresh, installPackageCopy } from "./localPackage";
import { specTypesAreCurrent, writeSpecTypes } from "./specTypes";

function isFresh(root: string): boolean {
  if (!specTypesAreCurrent(root)) return false;
  try {
    assertBuildIsFresh(root);
    return true;
  } catch (err) {
    if (err instanceof StaleBuildError) return false;
    throw err;
  }
}

const root = packageRoot();
if (process.argv.includes("--if-stale") && isFresh(root)) process.exit(0);
writeSpecTypes(root);
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
installPackageCopy(path.join(root, "node_modules"), root);
