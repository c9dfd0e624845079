/**
 * What the engine-driven suites (test/engine) share: the engine (found, never built here: `npm
 * test` runs `npm run engine` before mocha), a Neon API to run against, and stacks of our Pulumi
 * projects opened through the runner with a temporary state folder and a temporary stack config
 * file, so nothing is written into the checkout.
 *
 * The Neon API is the local one, started in-process (its request log counts the calls each step
 * makes; its traffic is checked against the OpenAPI document like every other test's), unless
 * NEON_E2E_API_KEY and NEON_E2E_ORG_ID point the suites at the real Neon API (docs/engine.md).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { stringify as stringifyYaml } from "yaml";
import type { Exchange, NeonLocal, RequestLogEntry } from "../../emulator";
import { defaultOrganizations } from "../../emulator";
import { NeonClient } from "../../provider/client";
import { eventsArrivedWhole } from "../../runner/completeEvents";
import { locateEngine, type Engine } from "../../runner/engine";
import { openStack, type OperationOptions, type RunnerStack } from "../../runner/stack";
import { packageRoot } from "../../runner/packageRoot";
import { startTestNeon } from "./neonLocal";

export const repoRoot = packageRoot();

/** The engine `npm test` found or built before mocha started; a missing one fails the suite. */
export async function requireEngine(): Promise<Engine> {
  const engine = await locateEngine();
  if (!engine) throw new Error("no Pulumi engine: `npm test` builds it first with `npm run engine`; run that (it takes minutes when cold)");
  return engine;
}

// ---------------------------------------------------------------------------------------------
// The Neon API the stacks run against
// ---------------------------------------------------------------------------------------------

export interface NeonTarget {
  readonly kind: "local" | "real";
  /** Environment for the engine's providers (API host and key, polling). */
  readonly env: Record<string, string>;
  /** For checking what Neon holds after each step. */
  readonly client: NeonClient;
  /** The organization tenants start in, and the one a tier move takes them to (undefined: not testable). */
  readonly organizations: { readonly start?: string; readonly moveTo?: string };
  /** The local Neon API's requests since the last `mark()`; undefined against the real API. */
  requestsSince(mark: number): RequestLogEntry[] | undefined;
  mark(): number;
  close(): Promise<void>;
  /** The local Neon API itself (faults, state), when it is the target. */
  readonly local?: NeonLocal;
  /** Calls `listener` with each exchange the local Neon API finishes (none against the real API); returns the way to stop. */
  onExchange(listener: (exchange: Exchange) => void): () => void;
}

/**
 * The local Neon API with operations of `operationDelayMs` (the provider polls them every 10 ms,
 * unless `polling` is "default": the provider's own, as in production), or the real one when
 * NEON_E2E_API_KEY is set.
 */
export async function startNeonTarget(operationDelayMs = 30, polling: "every 10 ms" | "default" = "every 10 ms"): Promise<NeonTarget> {
  const realKey = process.env.NEON_E2E_API_KEY;
  if (realKey) {
    const orgId = process.env.NEON_E2E_ORG_ID;
    if (!orgId) throw new Error("NEON_E2E_API_KEY is set: NEON_E2E_ORG_ID must name the organization the test tenants are created in");
    const host = process.env.NEON_E2E_API_HOST ?? "https://console.neon.tech/api/v2";
    return {
      kind: "real",
      env: { NEON_API_KEY: realKey, NEON_API_HOST: host },
      client: new NeonClient({ apiKey: realKey, baseUrl: host, logger: false }),
      organizations: { start: orgId, moveTo: process.env.NEON_E2E_MOVE_TO_ORG_ID },
      requestsSince: () => undefined,
      mark: () => 0,
      close: async () => undefined,
      onExchange: () => () => undefined,
    };
  }
  const listeners = new Set<(exchange: Exchange) => void>();
  const neon: NeonLocal = await startTestNeon({ operationDelayMs, onExchange: (e) => listeners.forEach((l) => l(e)) });
  const [sponsored, paid] = defaultOrganizations;
  return {
    kind: "local",
    env: { NEON_API_KEY: neon.apiKey, NEON_API_HOST: neon.url, ...(polling === "default" ? {} : { NEON_OPERATION_POLL_MS: "10" }) },
    client: new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, rateLimit: false, logger: false }),
    organizations: { start: sponsored.id, moveTo: paid.id },
    // The log keeps its most recent entries only; the suites stay far below its size.
    requestsSince: (mark) => neon.requestLog.slice(mark),
    mark: () => neon.requestLog.length,
    close: () => neon.close(),
    local: neon,
    onExchange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const writeMethods = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export function writesAmong(requests: RequestLogEntry[]): RequestLogEntry[] {
  return requests.filter((r) => writeMethods.has(r.method));
}

/** `METHOD route` per request, for readable assertion messages. */
export function describeRequests(requests: RequestLogEntry[]): string {
  return requests.map((r) => `${r.method} ${r.route ?? r.path} → ${r.status}`).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Stacks
// ---------------------------------------------------------------------------------------------

export type StackConfig = Record<string, unknown>;

/**
 * Writes a stack config file, as a user would. The CLI adds the `encryptionsalt` from the stack's
 * state to its copy (PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER).
 */
export function writeStackConfig(file: string, config: StackConfig): void {
  const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  fs.writeFileSync(file, stringifyYaml({ config: defined }));
}

export interface TestStack {
  readonly runner: RunnerStack;
  readonly target: NeonTarget;
  /** The config the stack runs with now. */
  config(): StackConfig;
  /** Replaces some config keys (undefined removes a key) in the stack's temporary config file. */
  setConfig(changes: StackConfig): void;
  /** Runs an operation and returns what it did: its result, the engine's steps, and the Neon API requests it made. */
  run<T>(operation: (options: OperationOptions) => Promise<T>): Promise<StepRun<T>>;
  /** The same stack (state, config) run with other environment variables for the engine (e.g. another API key). */
  withEnvironment(env: Record<string, string>): Promise<RunnerStack>;
  /** Removes the temporary state folder. */
  remove(): void;
}

export interface StepRun<T> {
  result: T;
  /** For each resource (by its name in the program), the step ops the engine announced. */
  steps: Map<string, OpType[]>;
  /** The local Neon API's requests during the run (undefined against the real API). */
  requests: RequestLogEntry[] | undefined;
  output: string;
}

/** Resource name of a URN (`urn:pulumi:stack::project::type::name`). */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export function stepsOf(events: EngineEvent[]): Map<string, OpType[]> {
  const steps = new Map<string, OpType[]>();
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || metadata.type === "pulumi:pulumi:Stack" || metadata.type.startsWith("pulumi:providers:")) continue;
    const name = resourceName(metadata.urn);
    steps.set(name, [...(steps.get(name) ?? []), metadata.op]);
  }
  return steps;
}

/** Names of resources whose steps include anything but `same`. */
export function changedResources(steps: Map<string, OpType[]>): Record<string, OpType[]> {
  return Object.fromEntries([...steps].filter(([, ops]) => ops.some((op) => op !== "same")));
}

export async function openTestStack(options: {
  engine: Engine;
  target: NeonTarget;
  projectDir: string;
  config: StackConfig;
  stackName?: string;
  /** Run the program through the CLI's Node.js language host instead of inline. */
  languageHost?: boolean;
}): Promise<TestStack> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-engine-test-"));
  const stackName = options.stackName ?? `e2e-${randomBytes(3).toString("hex")}`;
  const configFile = path.join(stateDir, `Pulumi.${stackName}.yaml`);
  let config = { ...options.config };
  writeStackConfig(configFile, config);
  const runner = await openStack(
    { engine: options.engine, stateDir: path.join(stateDir, "runner"), env: options.target.env },
    { projectDir: options.projectDir, stackName, configFile, languageHost: options.languageHost },
  );
  return {
    runner,
    target: options.target,
    config: () => ({ ...config }),
    setConfig(changes) {
      config = { ...config, ...changes };
      for (const [key, value] of Object.entries(changes)) if (value === undefined) delete config[key];
      writeStackConfig(configFile, config);
    },
    async run(operation) {
      const events: EngineEvent[] = [];
      let output = "";
      const mark = options.target.mark();
      try {
        const result = await operation({ onEvent: (e) => events.push(e), onOutput: (text) => (output += text) });
        // An engine command's events end with its summary; without it they were lost on the way
        // (the CLI drops them silently when its event stream fails) and the steps are unknown.
        if (result && typeof result === "object" && "stdout" in result && !eventsArrivedWhole(events)) {
          throw new Error(`the engine's events of this run did not arrive whole (no summary event, ${events.length} events): its steps are unknown\n--- engine output ---\n${output}`);
        }
        return { result, steps: stepsOf(events), requests: options.target.requestsSince(mark), output };
      } catch (err) {
        // A CommandError's message already holds what the CLI printed.
        if (output && !(err as Error).message.includes(output.trim().slice(0, 200))) (err as Error).message += `\n--- engine output ---\n${output}`;
        throw err;
      }
    },
    withEnvironment: (env) =>
      openStack(
        { engine: options.engine, stateDir: path.join(stateDir, "runner"), env: { ...options.target.env, ...env } },
        { projectDir: options.projectDir, stackName, configFile, languageHost: options.languageHost },
      ),
    remove: () => fs.rmSync(stateDir, { recursive: true, force: true }),
  };
}

/**
 * The package's CLI (`neon-pulumi-dynamic`, compiled) as a workflow runs it: a child process in the
 * repository, with no NEON_, PULUMI_ or GITHUB_ variables from this process, only `env`.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEON_|PULUMI_|GITHUB_)/.test(k)));
  const child = spawn(process.execPath, [path.join(repoRoot, "dist", "runner", "cli.js"), ...args], { cwd: repoRoot, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/**
 * For a describe whose tests build on each other: after one fails, the rest of it are skipped.
 * (Not Mocha's `this.bail()`, which also skips the whole suite when a test elsewhere failed before.)
 */
export function skipRestAfterFailure(): void {
  let broken = false;
  afterEach(function () {
    if (this.currentTest?.state === "failed") broken = true;
  });
  beforeEach(function () {
    if (broken) this.skip();
  });
}
