#!/usr/bin/env node
/**
 * `neon-pulumi-dynamic <command>`: the runner for workflows and terminals.
 *
 *   changed-stacks --base <rev>          stacks a change touches, as a JSON array (for a CI matrix)
 *   preview --stack <name>...            preview stacks through the engine
 *   up --stack <name>...                 update stacks; several run as a fleet (docs/fleet.md), each in a
 *                                        process of its own, --concurrency <n> at a time (default: planned)
 *   destroy --stack <name>... [--remove] destroy stacks (and remove them from the backend)
 *   up and destroy first settle the creates an interrupted update left pending (docs/engine.md);
 *   --discard-pending-creates drops those that cannot be settled safely.
 *   preview-summary [--stack <name>... | --changed --base <rev> | --events <path>...]
 *                   [--save-events <dir>] [--output <file>] [--post [--pull-request <n>] [--comment-author <login>]]
 *
 * Common options: --project-dir (default: the current folder), --state-dir (default
 * <project-dir>/.neon-pulumi: the engine's home and config copies, and the file backend unless
 * PULUMI_BACKEND_URL names another), --config-file (a stack config file to use instead of the
 * project's committed Pulumi.<stack>.yaml; one stack). Credentials come from the environment: NEON_API_KEY (and
 * NEON_API_HOST), PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, GITHUB_TOKEN for --post.
 * Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { ensureEngine } from "./engine";
import { defaultRateLimits } from "../provider/client/rateLimiter";
import { RunnerError } from "./errors";
import { runFleet } from "./fleet";
import { planFleet, thisMachine, typicalTenantCost } from "./fleet/concurrency";
import { renderChangeSummary } from "./report";
import { openStack, type RunnerOptions } from "./stack";
import { changedStacks, existingStacks, gitChangedFiles, type StackLayout } from "./summary/changedStacks";
import { previewStacks, readSavedPreviews, toStackPreview, writeSavedPreviews } from "./summary/collect";
import { upsertSummaryComment } from "./summary/githubComment";
import { hasChanges, renderSummary } from "./summary/render";

export class CliUsageError extends RunnerError {}

const commonOptions = {
  "project-dir": { type: "string" },
  "state-dir": { type: "string" },
  "config-file": { type: "string" },
} as const;

const stackCommandOptions = {
  ...commonOptions,
  stack: { type: "string", multiple: true },
  remove: { type: "boolean" },
  "discard-pending-creates": { type: "boolean" },
  concurrency: { type: "string" },
} as const;

/** Each command's options (the workflow tests check that the example workflows use only these). */
export const commandOptions = {
  "changed-stacks": { ...commonOptions, base: { type: "string" }, "all-stacks-on": { type: "string", multiple: true } },
  preview: stackCommandOptions,
  up: stackCommandOptions,
  destroy: stackCommandOptions,
  "preview-summary": {
    ...commonOptions,
    stack: { type: "string", multiple: true },
    changed: { type: "boolean" },
    base: { type: "string" },
    "all-stacks-on": { type: "string", multiple: true },
    events: { type: "string", multiple: true },
    "save-events": { type: "string" },
    output: { type: "string" },
    post: { type: "boolean" },
    "pull-request": { type: "string" },
    "comment-author": { type: "string" },
    title: { type: "string" },
  },
} as const;

interface Common {
  projectDir: string;
  stateDir: string;
  /** A stack config file to use instead of the project's committed one (one stack only). */
  configFile?: string;
}

function common(values: { "project-dir"?: string; "state-dir"?: string; "config-file"?: string }): Common {
  const projectDir = path.resolve(values["project-dir"] ?? ".");
  if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) throw new CliUsageError(`--project-dir: ${projectDir} has no Pulumi.yaml`);
  const configFile = values["config-file"] !== undefined ? path.resolve(values["config-file"]) : undefined;
  if (configFile !== undefined && !fs.existsSync(configFile)) throw new CliUsageError(`--config-file: ${configFile} does not exist`);
  return { projectDir, stateDir: path.resolve(values["state-dir"] ?? path.join(projectDir, ".neon-pulumi")), ...(configFile ? { configFile } : {}) };
}

/** The environment variables a run passes on: credentials, and a backend or passphrase of the user's. */
function passedEnvironment(): Record<string, string> {
  const names = ["NEON_API_KEY", "NEON_API_HOST", "NEON_OPERATION_POLL_MS", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"];
  return Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
}

async function runnerFor(options: Common): Promise<RunnerOptions> {
  const engine = await ensureEngine((line) => process.stderr.write(`${line}\n`));
  return { engine, stateDir: options.stateDir, env: passedEnvironment(), ...(process.env.PULUMI_BACKEND_URL ? { backendUrl: process.env.PULUMI_BACKEND_URL } : {}) };
}

/**
 * The project's stack folder and the paths that reshape every tenant: the project file, the
 * package's manifest and lock, and the program: the `main` folder (or the folder of a `main`
 * file); without `main`, the program is the project folder itself, so any file there but a stack
 * file counts (previewing too much is safe, too little is not).
 */
function layoutOf(projectDir: string, extra: readonly string[]): StackLayout {
  const project = (parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) ?? {}) as { main?: unknown; stackConfigDir?: unknown };
  const relative = (value: unknown) => (typeof value === "string" ? path.posix.normalize(value.replace(/\\/g, "/")) : ".").replace(/^\.\/|\/+$/g, "");
  const stackConfigDir = relative(project.stackConfigDir) || ".";
  let main = relative(project.main);
  if (main !== "" && main !== "." && fs.existsSync(path.join(projectDir, main)) && fs.statSync(path.join(projectDir, main)).isFile()) main = path.posix.dirname(main);
  const programPaths = main === "" || main === "." ? [""] : [`${main}/`];
  return { stackConfigDir, affectsAllStacks: ["Pulumi.yaml", "package.json", "package-lock.json", ...programPaths, ...extra] };
}

async function changed(projectDir: string, base: string, extra: readonly string[]): Promise<{ stacks: string[]; removed: string[] }> {
  const layout = layoutOf(projectDir, extra);
  const files = await gitChangedFiles(projectDir, base);
  const result = changedStacks(files, existingStacks(projectDir, layout.stackConfigDir), layout);
  if (result.removed.length > 0) process.stderr.write(`stack files removed (destroy them deliberately): ${result.removed.join(", ")}\n`);
  return result;
}

function stacksOption(values: { stack?: string[] }): string[] {
  const stacks = values.stack ?? [];
  for (const s of stacks) if (!/^[\w.-]+$/.test(s)) throw new CliUsageError(`--stack must be a stack name, got "${s}"`);
  return stacks;
}

function concurrencyOption(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) throw new CliUsageError(`--concurrency must be a whole number from 1 to 1000, got "${raw}"`);
  return Number(raw);
}

/** Each line of a stack's output, prefixed with the stack's name (a stack's partial line waits for its end). */
function prefixedLines(write: (text: string) => void): { add(stackName: string, text: string): void; flush(): void } {
  const partial = new Map<string, string>();
  return {
    add(stackName, text) {
      const lines = ((partial.get(stackName) ?? "") + text).split("\n");
      partial.set(stackName, lines.pop()!);
      for (const line of lines) write(`[${stackName}] ${line}\n`);
    },
    flush() {
      for (const [stackName, rest] of partial) if (rest !== "") write(`[${stackName}] ${rest}\n`);
      partial.clear();
    },
  };
}

async function fleetCommand(
  runner: RunnerOptions,
  o: { projectDir: string; stacks: string[]; command: "up" | "destroy"; concurrency: number | undefined; remove: boolean; discard: boolean },
): Promise<number> {
  const plan = planFleet(o.stacks.length, typicalTenantCost, thisMachine(), defaultRateLimits);
  const concurrency = o.concurrency ?? plan.concurrency;
  process.stderr.write(`${o.command} of ${o.stacks.length} stacks, ${concurrency} at a time${o.concurrency ? "" : ` (bound by ${plan.bound})`}\n`);
  const output = prefixedLines((text) => process.stdout.write(text));
  const result = await runFleet(runner, {
    projectDir: o.projectDir,
    stacks: o.stacks.map((stackName) => ({ stackName })),
    command: o.command,
    concurrency,
    removeAfterDestroy: o.remove,
    discardPendingCreates: o.discard,
    onOutput: (stackName, text) => output.add(stackName, text),
  });
  output.flush();
  process.stdout.write("\n");
  for (const r of result.stacks) process.stdout.write(`${r.stackName}: ${r.ok ? r.summary : `failed: ${r.error?.split("\n").find((l) => l.trim() !== "") ?? "unknown error"}`}\n`);
  const failed = result.stacks.filter((r) => !r.ok);
  if (failed.length > 0) process.stderr.write(`${failed.length} of ${o.stacks.length} stacks failed: ${failed.map((r) => r.stackName).join(", ")}\n`);
  return failed.length > 0 ? 1 : 0;
}

function pullRequestNumber(explicit: string | undefined): number {
  if (explicit !== undefined) return Number(explicit);
  const eventPath = process.env.GITHUB_EVENT_PATH;
  const event = eventPath && fs.existsSync(eventPath) ? JSON.parse(fs.readFileSync(eventPath, "utf8")) : undefined;
  const number = event?.pull_request?.number;
  if (typeof number !== "number") throw new CliUsageError("--post needs --pull-request <n> (or a pull_request event in GITHUB_EVENT_PATH)");
  return number;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "changed-stacks": {
      const { values } = parseArgs({ args: rest, options: commandOptions["changed-stacks"], strict: true });
      if (!values.base) throw new CliUsageError("changed-stacks needs --base <git revision>, e.g. origin/main");
      const projectDir = path.resolve(values["project-dir"] ?? ".");
      const result = await changed(projectDir, values.base, values["all-stacks-on"] ?? []);
      process.stdout.write(`${JSON.stringify(result.stacks)}\n`);
      return 0;
    }
    case "preview":
    case "up":
    case "destroy": {
      const { values } = parseArgs({ args: rest, options: commandOptions[command], strict: true });
      const stacks = stacksOption(values);
      if (stacks.length === 0) throw new CliUsageError(`${command} needs --stack <name>`);
      const options = common(values);
      if (options.configFile && stacks.length > 1) throw new CliUsageError("--config-file takes one --stack");
      if (values.concurrency !== undefined && (command === "preview" || stacks.length < 2)) throw new CliUsageError("--concurrency is for up or destroy of several stacks");
      const concurrency = values.concurrency === undefined ? undefined : concurrencyOption(values.concurrency);
      const runner = await runnerFor(options);
      if (command !== "preview" && stacks.length > 1) {
        return fleetCommand(runner, { projectDir: options.projectDir, stacks, command, concurrency, remove: values.remove === true, discard: values["discard-pending-creates"] === true });
      }
      for (const stackName of stacks) {
        const stack = await openStack(runner, { projectDir: options.projectDir, stackName, ...(options.configFile ? { configFile: options.configFile } : {}) });
        const stream = { onOutput: (text: string) => process.stdout.write(text), discardPendingCreates: values["discard-pending-creates"] === true };
        if (command === "preview") await stack.preview(stream);
        else if (command === "up") process.stdout.write(`\n${stackName}: ${renderChangeSummary((await stack.up(stream)).summary.resourceChanges)}\n`);
        else {
          await stack.destroy(stream);
          if (values.remove) await stack.remove();
        }
      }
      return 0;
    }
    case "preview-summary": {
      const { values } = parseArgs({ args: rest, options: commandOptions["preview-summary"], strict: true });
      const sources = [values.stack !== undefined, values.changed === true, values.events !== undefined].filter(Boolean).length;
      if (sources !== 1) throw new CliUsageError("preview-summary takes one of --stack <name>..., --changed --base <rev>, or --events <path>...");
      let saved;
      if (values.events) {
        saved = readSavedPreviews(values.events, path.basename(path.resolve(values["project-dir"] ?? ".")));
      } else {
        const options = common(values);
        let stacks = stacksOption(values);
        if (values.changed) {
          if (!values.base) throw new CliUsageError("--changed needs --base <git revision>");
          stacks = (await changed(options.projectDir, values.base, values["all-stacks-on"] ?? [])).stacks;
        }
        saved = stacks.length > 0 ? await previewStacks(await runnerFor(options), options.projectDir, stacks, (text) => process.stderr.write(text)) : [];
      }
      if (values["save-events"]) writeSavedPreviews(values["save-events"], saved);
      const previews = saved.map(toStackPreview);
      const runUrl =
        process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
          ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
          : undefined;
      const body = renderSummary(previews, { ...(runUrl ? { runUrl } : {}), ...(values.title ? { title: values.title } : {}) });
      if (values.output) fs.writeFileSync(values.output, body);
      else if (!values.post) process.stdout.write(body);
      if (values.post) {
        const token = process.env.GITHUB_TOKEN;
        const repository = process.env.GITHUB_REPOSITORY;
        if (!token || !repository) throw new CliUsageError("--post needs GITHUB_TOKEN and GITHUB_REPOSITORY in the environment");
        const outcome = await upsertSummaryComment(
          {
            token,
            repository,
            pullRequest: pullRequestNumber(values["pull-request"]),
            ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}),
            ...(values["comment-author"] ? { author: values["comment-author"] } : {}),
          },
          body,
          hasChanges(previews),
        );
        process.stderr.write(`pull request comment: ${outcome}\n`);
      }
      return previews.some((p) => p.failure !== undefined) ? 1 : 0;
    }
    default:
      throw new CliUsageError(`unknown command "${command ?? ""}": use changed-stacks, preview, up, destroy or preview-summary`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      const usage = err instanceof CliUsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
      process.stderr.write(`neon-pulumi-dynamic: ${err.message}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
