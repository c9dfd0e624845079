/**
 * Where the Pulumi engine comes from. A `pulumi` on PATH is used when the Automation API accepts it
 * with our SDK's version as the floor (users who have the CLI never build anything). Otherwise the
 * CLI is built from Pulumi's Go modules into `<package>/.engine/bin` (git-ignored), once: a stamp
 * of the tool module and the flags skips later builds. The dynamic-provider launcher, which ships
 * in the `@pulumi/pulumi` npm package, is installed beside the built binary, because the CLI looks
 * for bundled plugins next to itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { expectedStamp, goVersion, isBuildCurrent, runGoBuild, type BuildTarget } from "./engineBuild";
import { EngineUnavailableError } from "./errors";
import { packageRoot } from "./packageRoot";

export interface Engine {
  readonly command: PulumiCommand;
  /** The CLI's version, e.g. `3.248.0`. */
  readonly version: string;
  /** `path`: a `pulumi` found on PATH; `built`: our build under `.engine/`. */
  readonly source: "path" | "built";
  /** Folders to put first on PATH for the CLI, so it finds the dynamic-provider launcher. */
  readonly pathEntries: readonly string[];
}

export interface EngineLocation {
  /** Folder holding `bin/pulumi` and the build stamp. Default: see defaultEngineDir. */
  engineDir?: string;
  /** The Go tool module pinning the CLI. Default `<package>/tools/pulumi`. */
  toolModuleDir?: string;
}

const launcherName = "pulumi-resource-pulumi-nodejs";

/** The oldest CLI we run: the version of the `@pulumi/pulumi` SDK installed beside us. */
export function minimumCliVersion(): string {
  return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/**
 * Where a built engine lives by default: `.engine/` of the project that installed this package
 * (the folder above its outermost node_modules), or of the checkout when run from it, so that
 * reinstalling the package does not throw the build away and every copy of the package in one
 * project shares one engine. NEON_PULUMI_ENGINE_DIR overrides it.
 */
export function defaultEngineDir(root: string = packageRoot()): string {
  if (process.env.NEON_PULUMI_ENGINE_DIR) return path.resolve(process.env.NEON_PULUMI_ENGINE_DIR);
  const parts = root.split(path.sep);
  const first = parts.indexOf("node_modules");
  return path.join(first > 0 ? parts.slice(0, first).join(path.sep) || path.sep : root, ".engine");
}

function resolveLocation(location: EngineLocation = {}): Required<EngineLocation> {
  return {
    engineDir: location.engineDir ?? defaultEngineDir(),
    toolModuleDir: location.toolModuleDir ?? path.join(packageRoot(), "tools", "pulumi"),
  };
}

function buildTarget(location: Required<EngineLocation>): BuildTarget {
  return {
    toolModuleDir: location.toolModuleDir,
    output: path.join(location.engineDir, "bin", "pulumi"),
    stampFile: path.join(location.engineDir, "stamp"),
  };
}

/** The folder of `@pulumi/pulumi`, which holds the dynamic-provider launcher script. */
function sdkLauncherDir(): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

// The Automation API takes its version floor as a SemVer of the copy it uses itself.
type CliVersion = NonNullable<NonNullable<Parameters<typeof PulumiCommand.get>[0]>["version"]>;
const { SemVer } = require(require.resolve("semver", { paths: [sdkLauncherDir()] })) as { SemVer: new (v: string) => CliVersion };

/** A `pulumi` on PATH that the Automation API accepts, or why there is none. */
async function cliOnPath(): Promise<{ engine?: Engine; reason?: string }> {
  const floor = minimumCliVersion();
  try {
    const command = await PulumiCommand.get({ version: new SemVer(floor) });
    // A CLI installed from Pulumi's archives has the launcher beside it; the SDK's copy comes
    // after it on PATH, for installs that lack it.
    return { engine: { command, version: command.version?.toString() ?? floor, source: "path", pathEntries: [sdkLauncherDir()] } };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/ENOENT|not found/i.test(message)) return { reason: "no `pulumi` on PATH" };
    return { reason: `the \`pulumi\` on PATH cannot be used: ${message.split("\n")[0]}` };
  }
}

async function builtCli(location: Required<EngineLocation>): Promise<Engine | undefined> {
  const target = buildTarget(location);
  const go = await goVersion();
  // Without Go the stamp cannot be checked; a binary that is there is still the pinned build.
  const current = go === undefined ? fs.existsSync(target.output) : isBuildCurrent(target, expectedStamp(target, go));
  if (!current) return undefined;
  installLauncher(path.dirname(target.output));
  const command = await PulumiCommand.get({ root: location.engineDir });
  return { command, version: command.version?.toString() ?? "", source: "built", pathEntries: [path.dirname(target.output)] };
}

function installLauncher(binDir: string): void {
  const target = path.join(binDir, launcherName);
  const source = path.join(sdkLauncherDir(), launcherName);
  if (fs.existsSync(target) && fs.readFileSync(target, "utf8") === fs.readFileSync(source, "utf8")) return;
  fs.copyFileSync(source, target);
  fs.chmodSync(target, 0o755);
}

/**
 * What another process needs to use the same engine (the fleet's stack processes): an Engine holds
 * a PulumiCommand, which does not cross a process boundary.
 */
export interface EngineReference {
  /** The CLI's path (absolute for a built one, `pulumi` for one on PATH). */
  readonly commandPath: string;
  readonly version: string;
  readonly source: Engine["source"];
  readonly pathEntries: readonly string[];
}

export function engineReference(engine: Engine): EngineReference {
  return { commandPath: engine.command.command, version: engine.version, source: engine.source, pathEntries: engine.pathEntries };
}

/** The engine a reference names, without building or checking anything (the referring process did). */
export function engineFromReference(reference: EngineReference): Engine {
  // The constructor is public in JavaScript; `get` would run `pulumi version` once more per process.
  const Command = PulumiCommand as unknown as new (command: string, version: unknown) => PulumiCommand;
  const version = reference.version === "" ? null : new SemVer(reference.version);
  return { command: new Command(reference.commandPath, version), version: reference.version, source: reference.source, pathEntries: reference.pathEntries };
}

/** The engine if one is ready (on PATH, or already built); never builds. */
export async function locateEngine(location?: EngineLocation): Promise<Engine | undefined> {
  const onPath = await cliOnPath();
  return onPath.engine ?? (await builtCli(resolveLocation(location)));
}

/** The engine, building it first when needed (a cold build takes minutes; progress goes to `onProgress`). */
export async function ensureEngine(onProgress: (line: string) => void, location?: EngineLocation): Promise<Engine> {
  const onPath = await cliOnPath();
  if (onPath.engine) return onPath.engine;
  const resolved = resolveLocation(location);
  const existing = await builtCli(resolved);
  if (existing) return existing;
  const go = await goVersion();
  const hasToolModule = fs.existsSync(path.join(resolved.toolModuleDir, "go.mod"));
  if (go === undefined || !hasToolModule) {
    throw new EngineUnavailableError(engineUnavailableMessage({ pathReason: onPath.reason ?? "no `pulumi` on PATH", go, hasToolModule, floor: minimumCliVersion() }));
  }
  onProgress(`engine: ${onPath.reason ?? "no usable pulumi on PATH"}; building the Pulumi CLI with ${go} (a cold build takes about 7 minutes on 2 cores; later runs reuse it)`);
  await runGoBuild(buildTarget(resolved), go, onProgress);
  const built = await builtCli(resolved);
  if (!built) throw new EngineUnavailableError("the Pulumi CLI was built but its stamp does not match; run `npm run engine` again");
  return built;
}

/** The one paragraph shown when no engine can be had. */
export function engineUnavailableMessage(facts: { pathReason: string; go: string | undefined; hasToolModule: boolean; floor: string }): string {
  const buildProblem =
    facts.go === undefined
      ? "Go is not installed, so it cannot be built from Pulumi's Go modules either"
      : "this installation has no Go tool module (tools/pulumi) to build it from";
  return (
    `No Pulumi engine is available: ${facts.pathReason}, and ${buildProblem}. ` +
    `Install the Pulumi CLI ${facts.floor} or later (https://www.pulumi.com/docs/install/) and put it on PATH, ` +
    `or install Go 1.25 or later (https://go.dev/dl/) and run \`npm run engine\` in the neon-pulumi-dynamic checkout.`
  );
}
