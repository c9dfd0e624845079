/**
 * Opening a stack of one of our Pulumi projects through the Automation API, the one way the
 * repository runs the engine (npm start, the tests, the examples).
 *
 * - The workspace's `workDir` is the project's own folder, so the CLI reads the same `Pulumi.yaml`
 *   a `pulumi up -s <stack>` user has, and the program is the function the project's main module
 *   exports, run inline (no Node.js language host needed).
 * - The runner never writes into the checkout: no `projectSettings` (the workspace would rewrite
 *   `Pulumi.yaml`), and the CLI reads stack config through `--config-file` from a copy, made before
 *   each command, of the project's committed `Pulumi.<stack>.yaml` (or of a file the caller owns,
 *   such as a test's temporary one). The commands that take no `--config-file` and would write the
 *   passphrase salt into the project's stack file (`stack init`, `stack output`) run in a project
 *   folder of the runner's own, of the same name, where that copy is the stack file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackNotFoundError,
  type DestroyResult,
  type EngineEvent,
  type OutputMap,
  type PreviewResult,
  type PulumiFn,
  type RefreshResult,
  type UpResult,
} from "@pulumi/pulumi/automation";
import type { Engine } from "./engine";
import { enginePidFileVariable, groupedEngineCommand, runningEnginePid } from "./processGroup";
import { engineEnvironment, localPassphrase, runnerPaths, type RunnerPaths } from "./environment";
import { neonClientFor } from "../provider/resources/common/providerConfig";
import { StackLockedError, StackSetupError } from "./errors";
import { writeFileIfChanged } from "./files";
import { withCompleteEvents } from "./completeEvents";
import { isolateEngineConnections } from "./engineConnections";
import { programOf } from "./program";
import { recoverPendingCreates, type ExportedState, type RecoveryReport } from "./recovery";
import { lastRunStart, runRecordFile, writeRunRecord } from "./recovery/runRecord";
import { assertLocksStale, lockHoldersIn, pulumiProcessRunning, readLockFiles } from "./recovery/staleLock";

export interface RunnerOptions {
  engine: Engine;
  /** The runner's folder: file backend, PULUMI_HOME, passphrase, stack config copies. */
  stateDir: string;
  /** Another backend (`s3://…`, `postgres://…`); default `file://<stateDir>/backend`. */
  backendUrl?: string;
  /**
   * Environment for the CLI and the providers it starts (NEON_API_KEY, NEON_API_HOST, …). A
   * PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE here replaces the state folder's own.
   */
  env?: Record<string, string>;
}

export interface StackOptions {
  /** The Pulumi project's folder (it holds `Pulumi.yaml`). */
  projectDir: string;
  stackName: string;
  /** The program; default: the function the project's `main` module exports. */
  program?: PulumiFn;
  /**
   * Run the project's program through the Pulumi CLI's Node.js language host, as `pulumi up -s
   * <stack>` does, instead of inline. Needs `pulumi-language-nodejs` on PATH.
   */
  languageHost?: boolean;
  /**
   * The stack config to run with, read before each command (a test's temporary file). Default:
   * the project's committed `Pulumi.<stack>.yaml` (none: empty config). Never written to.
   */
  configFile?: string;
}

export interface OperationOptions {
  /** The engine's progress, as the CLI prints it. */
  onOutput?: (text: string) => void;
  /**
   * Structured engine events (what `pulumi preview --json` and PR summaries are made from). For a
   * preview they come once it has ended, and only whole (runner/completeEvents.ts).
   */
  onEvent?: (event: EngineEvent) => void;
  /** Aborting sends SIGINT: the engine finishes the steps in flight, records them and unlocks. */
  signal?: AbortSignal;
  color?: "always" | "never" | "auto";
  /**
   * Drop pending creates that an interrupted update left and that cannot be settled safely (the
   * runner's recovery refused them, naming the objects), as Pulumi's `--clear-pending-creates` does.
   */
  discardPendingCreates?: boolean;
}

export interface RunnerStack {
  readonly projectName: string;
  readonly stackName: string;
  /** The copy of the stack config the CLI reads (it adds the passphrase salt there). */
  readonly configFile: string;
  /** The stack's state file, for file backends. */
  readonly stateFile: string | undefined;
  preview(options?: OperationOptions): Promise<PreviewResult>;
  up(options?: OperationOptions): Promise<UpResult>;
  refresh(options?: OperationOptions): Promise<RefreshResult>;
  destroy(options?: OperationOptions): Promise<DestroyResult>;
  outputs(): Promise<OutputMap>;
  /** Removes the stack from the backend (after a destroy: Pulumi refuses while it holds resources). */
  remove(): Promise<void>;
  /** The state as stored on disk (secrets stay ciphertext); undefined before the first update. */
  readState(): StoredState | undefined;
  /** The pid of the Pulumi CLI running a program command (preview, up, refresh, destroy) of this stack now, in a process group of its own, if one runs. */
  enginePid(): number | undefined;
  /**
   * Settles the creates an interrupted update left pending (also done before every up, refresh and
   * destroy): see runner/recovery. A stale lock of this host is removed first.
   */
  recover(options?: OperationOptions): Promise<RecoveryReport>;
}

/** The parts of a stored Pulumi checkpoint the runner's callers read. */
export interface StoredState {
  checkpoint: { latest?: { resources?: StoredResource[]; pending_operations?: unknown[] } };
}

export interface StoredResource {
  urn: string;
  type: string;
  id?: string;
  protect?: boolean;
  parent?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export async function openStack(runner: RunnerOptions, options: StackOptions): Promise<RunnerStack> {
  const paths = runnerPaths(runner.stateDir, runner.backendUrl);
  const projectDir = path.resolve(options.projectDir);
  if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) throw new StackSetupError(`${projectDir} has no Pulumi.yaml`);
  if (paths.backendDir) fs.mkdirSync(paths.backendDir, { recursive: true });
  // The CLI's pid while a command runs (each stack its own file: stacks may run side by side).
  const enginePidFile = path.join(runner.stateDir, "pids", `${options.stackName}.pid`);
  fs.mkdirSync(path.dirname(enginePidFile), { recursive: true });
  const envVars = { ...runnerEnvironment(runner, paths), [enginePidFileVariable]: enginePidFile };
  const redirect = { configWorkDir: "" };
  const grouped = groupedEngineCommand(runner.engine.command, path.join(runner.stateDir, "bin"));
  const pulumiCommand = routedCommand(runner.engine.command, grouped, () => redirect.configWorkDir);
  const workspace = await LocalWorkspace.create({ workDir: projectDir, pulumiCommand, pulumiHome: paths.pulumiHome, envVars });
  const settings = await workspace.projectSettings();
  // The runner's own project folder of the same name, whose stack files are the copies the CLI
  // reads (see routedCommand).
  const configWorkDir = path.join(paths.configDir, settings.name);
  writeFileIfChanged(path.join(configWorkDir, "Pulumi.yaml"), `name: ${JSON.stringify(settings.name)}\nruntime: nodejs\n`);
  redirect.configWorkDir = configWorkDir;
  // Pulumi's Node.js runtime treats a program as TypeScript unless `runtime.options.typescript` is false.
  const typescript = typeof settings.runtime === "object" ? settings.runtime.options?.typescript !== false : true;
  if (!options.languageHost) {
    isolateEngineConnections();
    workspace.program = options.program ?? programOf(projectDir, settings.main, typescript);
  }

  // `stackConfigDir` is read by the CLI but missing from the SDK's ProjectSettings type.
  const stackConfigDir = (settings as { stackConfigDir?: string }).stackConfigDir ?? ".";
  const configSource = options.configFile ? path.resolve(options.configFile) : path.join(projectDir, stackConfigDir, `Pulumi.${options.stackName}.yaml`);
  const configFile = path.join(configWorkDir, `Pulumi.${options.stackName}.yaml`);
  const refreshConfigCopy = () => {
    if (fs.existsSync(configSource)) fs.copyFileSync(configSource, configFile);
    else if (options.configFile) throw new StackSetupError(`the stack config file ${configSource} does not exist`);
    else fs.writeFileSync(configFile, "config: {}\n");
  };
  refreshConfigCopy();

  const stack = await selectOrCreate(options.stackName, workspace);
  const stateFile = paths.backendDir ? path.join(paths.backendDir, ".pulumi", "stacks", settings.name, `${options.stackName}.json`) : undefined;

  const operation = (o: OperationOptions = {}) => {
    refreshConfigCopy();
    return { configFile, color: o.color ?? "never", onOutput: o.onOutput, onEvent: o.onEvent, signal: o.signal } as const;
  };

  const readState = () => (stateFile && fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as StoredState) : undefined);
  const runRecord = runRecordFile(runner.stateDir, settings.name, options.stackName);
  const lockDir = paths.backendDir ? path.join(paths.backendDir, ".pulumi", "locks", "organization", settings.name, options.stackName) : undefined;
  /**
   * Before any recovery touches Neon: a live update may be creating these very objects. Stale
   * locks of this host go; a live one (or, where the backend's locks cannot be read here, a CLI of
   * this runner running the stack) stops the recovery.
   */
  const clearStaleLockOrThrow = async () => {
    const holders = lockDir ? readLockFiles(lockDir) : [];
    if (holders.length > 0) {
      assertLocksStale(options.stackName, holders);
      await stack.cancel();
      return holders;
    }
    const running = runningEnginePid(enginePidFile);
    if (running !== undefined && pulumiProcessRunning(running)) {
      throw new StackLockedError(`stack ${options.stackName} is being run by this runner now (Pulumi CLI pid ${running}): wait for it to end`);
    }
    return [];
  };
  const recover = async (o: OperationOptions = {}) => {
    removeTornSidecar(stateFile);
    for (const h of await clearStaleLockOrThrow()) o.onOutput?.(`recovery: removed the lock left by ${h.user}@${h.host} (pid ${h.pid}, since ${h.at}): that process is gone\n`);
    return recoverPendingCreates({
      stackName: options.stackName,
      hasPendingCreates: () => {
        if (!stateFile) return undefined;
        // A compressed state (PULUMI_DIY_BACKEND_GZIP / _ZSTD) is read through the CLI.
        if (fs.existsSync(`${stateFile}.gz`) || fs.existsSync(`${stateFile}.zst`)) return undefined;
        const pending = readState()?.checkpoint.latest?.pending_operations ?? [];
        return pending.some((op) => (op as { type?: string }).type === "creating");
      },
      exportState: () => stack.exportStack() as never,
      importState: (state) => importPrivately(workspace, runner.stateDir, options.stackName, state),
      neonClient: async () => {
        refreshConfigCopy();
        const config = await stack.getAllConfig();
        return neonClientFor({ apiKey: config["neon:apiKey"]?.value, apiHost: config["neon:apiHost"]?.value }, { ...process.env, ...envVars });
      },
      interruptedAtMs: lastRunStart(runRecord),
      discardUnsettled: o.discardPendingCreates,
      log: (line) => o.onOutput?.(`recovery: ${line}\n`),
    });
  };
  /** A command that changes the state: stale locks cleared, interrupted creates settled, its start recorded. */
  const changing = async <T>(command: string, o: OperationOptions | undefined, run: () => Promise<T>): Promise<T> => {
    // Cancelled before the CLI runs (before or during the recovery): the Automation API only
    // listens for a signal that comes once the CLI runs, so one that came before would be lost and
    // the whole command would run.
    o?.signal?.throwIfAborted();
    await recover(o);
    o?.signal?.throwIfAborted();
    writeRunRecord(runRecord, command, Date.now());
    return withStaleLockCleared(options.stackName, stack, run);
  };

  return {
    projectName: settings.name,
    stackName: options.stackName,
    configFile,
    stateFile,
    preview: async (o) => {
      removeTornSidecar(stateFile);
      o?.signal?.throwIfAborted();
      return withCompleteEvents((onEvent) => stack.preview({ ...operation(o), onEvent }), {
        onEvent: o?.onEvent,
        onOutput: o?.onOutput,
        signal: o?.signal,
        what: `the preview of stack ${options.stackName}`,
      });
    },
    up: (o) => changing("up", o, () => stack.up(operation(o))),
    refresh: (o) => changing("refresh", o, () => stack.refresh(operation(o))),
    destroy: (o) => changing("destroy", o, () => stack.destroy(operation(o))),
    outputs: () => {
      refreshConfigCopy();
      return stack.outputs();
    },
    remove: async () => {
      await workspace.removeStack(options.stackName);
      fs.rmSync(configFile, { force: true });
    },
    readState,
    enginePid: () => runningEnginePid(enginePidFile),
    recover: (o) => recover(o),
  };
}

/**
 * A CLI killed while saving a checkpoint can leave the file backend's metadata sidecar
 * (`<stack>.json.attrs`, which the blob store writes in place, unlike the state itself) empty; every
 * command then fails with "failed to load checkpoint: EOF". The sidecar holds nothing the state
 * needs (a missing one is tolerated), so an empty one is removed.
 */
function removeTornSidecar(stateFile: string | undefined): void {
  const attrs = stateFile ? `${stateFile}.attrs` : undefined;
  if (attrs && fs.existsSync(attrs) && fs.statSync(attrs).size === 0) fs.rmSync(attrs);
}

/**
 * `pulumi stack import` from a file only this user can read, in the runner's own folder, removed
 * whatever happens: the deployment holds the secrets in plain text (the Automation API's own
 * importStack writes it world-readable to the system's temporary folder and leaves it there when
 * the import fails).
 */
async function importPrivately(workspace: LocalWorkspace, stateDir: string, stackName: string, state: ExportedState): Promise<void> {
  const dir = path.join(stateDir, "import");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, `${stackName}.${process.pid}.json`);
  try {
    fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    await (workspace as unknown as { runPulumiCmd(args: string[]): Promise<unknown> }).runPulumiCmd(["stack", "import", "--file", file, "--stack", stackName]);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Runs `command`; when it fails because the stack is locked, removes the lock if every holder is
 * provably gone (this host, process not running: an engine that was killed) and runs it once more.
 * A live or foreign lock is never removed: StackLockedError says whose it is.
 */
async function withStaleLockCleared<T>(stackName: string, stack: Stack, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    const holders = lockHoldersIn(err instanceof Error ? err.message : String(err));
    if (holders === undefined) throw err;
    assertLocksStale(stackName, holders, err);
    await stack.cancel();
    return command();
  }
}

function runnerEnvironment(runner: RunnerOptions, paths: RunnerPaths): Record<string, string> {
  // An unset secret in CI arrives as "": that is no passphrase, not an empty one.
  const extra = Object.fromEntries(
    Object.entries(runner.env ?? {}).filter(([name, value]) => !(name.startsWith("PULUMI_CONFIG_PASSPHRASE") && value === "")),
  );
  const ownPassphrase = extra.PULUMI_CONFIG_PASSPHRASE === undefined && extra.PULUMI_CONFIG_PASSPHRASE_FILE === undefined;
  if (ownPassphrase && runner.backendUrl !== undefined) {
    // A passphrase made for this state folder would be lost with it (a CI job's), leaving the shared
    // backend's secrets unreadable: a shared backend needs the team's own.
    throw new StackSetupError(
      `the backend ${runner.backendUrl.replace(/\/\/[^@/]*@/, "//…@")} is not this state folder's own: give its passphrase in PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE`,
    );
  }
  // The launcher of dynamic providers: beside a built CLI already; after PATH for a CLI from PATH.
  const pathValue = [process.env.PATH ?? "", ...runner.engine.pathEntries].filter((p) => p !== "").join(path.delimiter);
  return engineEnvironment(paths, ownPassphrase ? localPassphrase(paths) : undefined, { PATH: pathValue, ...extra });
}

/** Selects the stack, first creating it when the backend has none (its salt lands in the config copy). */
async function selectOrCreate(stackName: string, workspace: LocalWorkspace): Promise<Stack> {
  try {
    return await Stack.select(stackName, workspace);
  } catch (err) {
    if (!(err instanceof StackNotFoundError)) throw err;
  }
  return Stack.create(stackName, workspace);
}

/** Commands that run the program: they take `--config-file` and must run in the project's folder. */
const programCommands = new Set(["preview", "up", "refresh", "destroy"]);

/**
 * The engine's command as the workspace runs it:
 * - Commands that run the program start plugins, so they go through the launcher that keeps them
 *   in a process group of their own (`grouped`). The others (`stack select`, `stack init`,
 *   `stack output`, `stack history`, `stack import`, `cancel`, …) start none and run the CLI
 *   directly: the launcher is a Node process, about 130 ms of CPU and 40 MB each, and the
 *   Automation API runs four such commands around every update.
 * - Commands that do not run the program run in the runner's config folder instead of the
 *   project's. They take no `--config-file`, and with the passphrase provider they write the salt
 *   into the stack file they find (`Pulumi.<stack>.yaml` beside the project's `Pulumi.yaml`, under
 *   `stackConfigDir`), i.e. into the checkout. In the config folder, beside a `Pulumi.yaml` of the
 *   same project name, that file is the runner's copy.
 */
function routedCommand(direct: PulumiCommand, grouped: PulumiCommand, configWorkDir: () => string): PulumiCommand {
  const plain = direct as RunnableCommand;
  const launched = grouped as RunnableCommand;
  const routed = Object.create(launched) as RunnableCommand;
  routed.run = (args, cwd, ...rest) =>
    programCommands.has(args[0]) ? launched.run(args, cwd, ...rest) : plain.run(args, configWorkDir() === "" ? cwd : configWorkDir(), ...rest);
  return routed;
}

/**
 * `PulumiCommand.run`, through which the Automation API runs every CLI command. The SDK's type
 * declarations leave it out (it is marked internal), yet it has been the one entry point since
 * `PulumiCommand` appeared; the npm start and engine suites fail if a later SDK changes it.
 */
type RunnableCommand = PulumiCommand & {
  run(args: string[], cwd: string, ...rest: unknown[]): Promise<unknown>;
};
