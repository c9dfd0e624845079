/**
 * Building the Pulumi CLI from Pulumi's own Go modules: the pinned version comes from our tool
 * module (`tools/pulumi/go.mod`), the flags are the ones verified on our machines (issue 11), and
 * a stamp of go.mod, go.sum, the flags and the Go version lets a later run skip the build. The
 * pure parts (version, flags, stamp, progress line) are exported for tests.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { EngineBuildError } from "./errors";

/** The Go package of the CLI inside Pulumi's module. */
export const cliPackage = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const pkgModule = "github.com/pulumi/pulumi/pkg/v3";

/** `go version` (with the local toolchain only), or undefined when Go is not installed. */
export async function goVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("go", ["version"], { env: { ...process.env, GOTOOLCHAIN: "local" } });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** The CLI version our tool module pins (`require github.com/pulumi/pulumi/pkg/v3 vX.Y.Z`), without the `v`. */
export function pinnedCliVersion(goMod: string): string {
  const match = goMod.match(/^\s*github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+\S*)/m);
  if (!match) throw new EngineBuildError(`the tool module's go.mod does not require ${pkgModule}`);
  return match[1];
}

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
}

/**
 * `go build` of the CLI into `output`. No cgo (a static binary that runs on any Linux of the
 * architecture), `-trimpath` (no local paths in the binary), the tags Pulumi's release builds use
 * (`osusergo`: pure-Go user lookup; `grpcnotrace`: no gRPC tracing), stripped symbols, and the
 * version string the Automation API checks (`pulumi version` prints it). `-v` lists each package
 * as it is compiled, which is how progress is shown. `GOFLAGS=-mod=readonly` keeps go.mod and
 * go.sum as committed; `GOTOOLCHAIN=local` forbids fetching another Go.
 */
export function buildCommand(version: string, output: string): BuildCommand {
  return {
    args: [
      "build",
      "-v",
      "-trimpath",
      "-tags",
      "osusergo,grpcnotrace",
      "-ldflags",
      `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`,
      "-o",
      output,
      cliPackage,
    ],
    env: { CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
  };
}

/**
 * `go build` of any Go tool module's tool (the repository's actionlint, say): static, trimmed,
 * `go.mod` and `go.sum` as committed, no other Go fetched.
 */
export function goToolCommand(goPackage: string, output: string): BuildCommand {
  return { args: ["build", "-v", "-trimpath", "-ldflags", "-s -w", "-o", output, goPackage], env: { CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" } };
}

/** What must be unchanged for an existing build to be reused. */
export function buildStamp(inputs: { goMod: string; goSum: string; goVersion: string; command: BuildCommand }): string {
  const { args, env } = inputs.command;
  // The output path is not part of what is built.
  const flags = args.filter((_, i) => args[i - 1] !== "-o" && args[i] !== "-o");
  const hash = createHash("sha256");
  for (const part of [inputs.goMod, inputs.goSum, inputs.goVersion, JSON.stringify(flags), JSON.stringify(env)]) hash.update(part).update("\0");
  return hash.digest("hex");
}

/** One progress line: elapsed time and what Go has done so far. */
export function progressLine(elapsedMs: number, modulesDownloaded: number, packagesCompiled: number, what = "engine: building the Pulumi CLI"): string {
  const seconds = Math.floor(elapsedMs / 1000);
  const elapsed = `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${what} … ${elapsed}, ${modulesDownloaded} modules downloaded, ${packagesCompiled} packages compiled`;
}

export interface BuildTarget {
  /** The Go tool module (`tools/pulumi`). */
  toolModuleDir: string;
  /** The binary to write. */
  output: string;
  /** Where the stamp of the last successful build is kept. */
  stampFile: string;
  /** The build command for an output path (default: the Pulumi CLI at the tool module's pinned version). */
  command?: (output: string) => BuildCommand;
  /** How progress lines start. */
  label?: string;
}

function commandFor(target: BuildTarget, output: string): BuildCommand {
  if (target.command) return target.command(output);
  const goMod = fs.readFileSync(path.join(target.toolModuleDir, "go.mod"), "utf8");
  return buildCommand(pinnedCliVersion(goMod), output);
}

/** The stamp the binary at `target.output` needs to be reused. */
export function expectedStamp(target: BuildTarget, goVersion: string): string {
  const goMod = fs.readFileSync(path.join(target.toolModuleDir, "go.mod"), "utf8");
  const goSum = fs.readFileSync(path.join(target.toolModuleDir, "go.sum"), "utf8");
  return buildStamp({ goMod, goSum, goVersion, command: commandFor(target, target.output) });
}

export function isBuildCurrent(target: BuildTarget, stamp: string): boolean {
  if (!fs.existsSync(target.output) || !fs.existsSync(target.stampFile)) return false;
  return fs.readFileSync(target.stampFile, "utf8").trim() === stamp;
}

/**
 * Runs the build, calling `onProgress` about every `progressEveryMs` and when it ends. The binary
 * is written next to its final name and renamed into place only after Go succeeded, so an
 * interrupted build never leaves a half-written `pulumi` behind.
 */
export async function runGoBuild(
  target: BuildTarget,
  goVersion: string,
  onProgress: (line: string) => void,
  progressEveryMs = 15_000,
): Promise<void> {
  const partial = `${target.output}.${process.pid}.partial`;
  const command = commandFor(target, partial);
  const label = target.label ?? "engine: building the Pulumi CLI";
  fs.mkdirSync(path.dirname(target.output), { recursive: true });
  fs.rmSync(partial, { force: true });
  const started = Date.now();
  const counts = { downloaded: 0, compiled: 0 };
  const tail: string[] = [];
  const child = spawn("go", command.args, { cwd: target.toolModuleDir, env: { ...process.env, ...command.env }, stdio: ["ignore", "ignore", "pipe"] });
  let pending = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("go: downloading ")) counts.downloaded++;
      else if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line.trim())) counts.compiled++;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  });
  const timer = setInterval(() => onProgress(progressLine(Date.now() - started, counts.downloaded, counts.compiled, label)), progressEveryMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  }).finally(() => clearInterval(timer));
  if (code !== 0) {
    fs.rmSync(partial, { force: true });
    const output = tail.filter((l) => !/^[\w.-]+(\/[\w.~-]+)*$/.test(l.trim())).join("\n").trim();
    throw new EngineBuildError(`go build in ${target.toolModuleDir} failed (exit code ${code}):\n${output || "(no output)"}`);
  }
  fs.renameSync(partial, target.output);
  fs.writeFileSync(target.stampFile, `${expectedStamp(target, goVersion)}\n`);
  onProgress(`${label.replace("building", "built")} in ${Math.round((Date.now() - started) / 1000)} s (${counts.compiled} packages compiled)`);
}
