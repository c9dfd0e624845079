/**
 * Which tenant stacks a change touches: the stacks whose stack file changed; every stack when the
 * program, the project file or the package changed (they shape every tenant). Stack files that were
 * removed are reported apart: removing a tenant is a `destroy`, which no workflow should run
 * unasked. The decision is a pure function of the changed paths; `gitChangedFiles` asks git.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { RunnerError } from "../errors";

export interface StackLayout {
  /** The stack files' folder, relative to the repository root (`stacks`). */
  readonly stackConfigDir: string;
  /** Paths (files, or folders ending in `/`; `""` for every file) whose change affects every stack. */
  readonly affectsAllStacks: readonly string[];
}

export interface ChangedStacks {
  /** Stacks to preview or update, sorted. */
  readonly stacks: string[];
  /** Stacks whose stack file was removed. */
  readonly removed: string[];
  /** Why: `all` (the program or package changed), `stack files`, or `none`. */
  readonly reason: "all" | "stack files" | "none";
}

export interface ChangedFile {
  readonly path: string;
  /** git's status letter: A, M, D, R… */
  readonly status: string;
}

function stackOfFile(file: string, stackConfigDir: string): string | undefined {
  const dir = stackConfigDir.replace(/\/+$/, "");
  const prefix = dir === "" || dir === "." ? "" : `${dir}/`;
  if (!file.startsWith(prefix)) return undefined;
  const match = /^Pulumi\.([^/]+)\.ya?ml$/.exec(file.slice(prefix.length));
  return match ? match[1] : undefined;
}

export function changedStacks(changes: readonly ChangedFile[], existingStacks: readonly string[], layout: StackLayout): ChangedStacks {
  const touchesAll = changes.some((change) =>
    stackOfFile(change.path, layout.stackConfigDir) === undefined &&
    layout.affectsAllStacks.some((p) => (p === "" || p.endsWith("/") ? change.path.startsWith(p) : change.path === p)),
  );
  const removed = changes.filter((c) => c.status.startsWith("D")).map((c) => stackOfFile(c.path, layout.stackConfigDir)).filter((s): s is string => s !== undefined);
  if (touchesAll) return { stacks: [...existingStacks].sort(), removed: removed.sort(), reason: "all" };
  const stacks = new Set(
    changes
      .filter((c) => !c.status.startsWith("D"))
      .map((c) => stackOfFile(c.path, layout.stackConfigDir))
      .filter((s): s is string => s !== undefined && existingStacks.includes(s)),
  );
  return { stacks: [...stacks].sort(), removed: removed.sort(), reason: stacks.size > 0 ? "stack files" : "none" };
}

/** The stacks that have a stack file in the working tree. */
export function existingStacks(repositoryRoot: string, stackConfigDir: string): string[] {
  const dir = path.join(repositoryRoot, stackConfigDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => stackOfFile(f, ""))
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Files changed between `base` (e.g. `origin/main`) and HEAD, as `git diff base...HEAD` lists them,
 * relative to `repositoryRoot` (which may be a project folder below the repository's root: git
 * prints paths from the repository's root otherwise, and files outside the folder are left out).
 */
export async function gitChangedFiles(repositoryRoot: string, base: string): Promise<ChangedFile[]> {
  if (!/^[\w./~^@{}-]+$/.test(base)) throw new RunnerError(`--base must be a git revision, got "${base}"`);
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("git", ["diff", "--name-status", "--no-renames", "--relative", `${base}...HEAD`], { cwd: repositoryRoot, maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    throw new RunnerError(`git could not compare ${base} with HEAD (is the base fetched? actions/checkout needs fetch-depth: 0): ${(err as Error).message.split("\n")[0]}`);
  }
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [status, file] = line.split("\t");
      return { status, path: file };
    });
}
