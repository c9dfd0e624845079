/**
 * Many stacks of one project through the engine, each in a process of its own (worker.ts says why),
 * at most `concurrency` at a time (concurrency.ts derives it from the machine and Neon's rate
 * limit). Each stack's result carries its own figures: when it started and ended, the CPU of its
 * process and everything it started (the Pulumi CLI, the provider processes), and the peak memory
 * of that process tree; the run carries the peak of all of them together.
 *
 * One stack failing never stops the others: its result says why (the engine's message, or how its
 * process ended). Aborting `signal` cancels the updates in flight as Ctrl-C does and starts no more.
 * Nothing outlives the fleet: a stack process that dies without a result has its CLI cancelled
 * (SIGINT: the engine records the steps in flight and unlocks; its launcher then ends the CLI's
 * plugins) and waited for before the stack's result is given.
 */
import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { redactSecrets } from "../../provider/client/internal/redact";
import { engineReference } from "../engine";
import { runningEnginePid } from "../processGroup";
import { pulumiProcessRunning } from "../recovery/staleLock";
import type { RunnerOptions } from "../stack";
import { childrenByParent, readProcesses, residentBytes, treeOf } from "./processTree";
import type { FleetCommand, FleetJob, WorkerMessage } from "./protocol";

export type { FleetCommand } from "./protocol";

export interface FleetStack {
  readonly stackName: string;
  /** A stack config file to use instead of the project's committed `Pulumi.<stack>.yaml`. */
  readonly configFile?: string;
}

export interface FleetOptions {
  /** The Pulumi project's folder (it holds `Pulumi.yaml`); its main module is each stack's program. */
  readonly projectDir: string;
  readonly stacks: readonly FleetStack[];
  readonly command: FleetCommand;
  /** Stacks run at once (at least 1). */
  readonly concurrency: number;
  readonly discardPendingCreates?: boolean;
  /** destroy only: remove each stack from the backend once destroyed. */
  readonly removeAfterDestroy?: boolean;
  /** The engine's progress of each stack as it comes (not asked for: not sent between processes). */
  readonly onOutput?: (stackName: string, text: string) => void;
  readonly onStackDone?: (result: FleetStackResult) => void;
  readonly signal?: AbortSignal;
  /** How often memory is read (Linux); default 250 ms, at least 10. */
  readonly sampleEveryMs?: number;
}

export interface FleetStackResult {
  readonly stackName: string;
  readonly ok: boolean;
  /** Why it failed: the engine's message, or how the stack's process ended (secrets redacted). */
  readonly error?: string;
  /** The engine's count of resources per operation. */
  readonly changes?: Record<string, number>;
  readonly summary?: string;
  /** Wall-clock milliseconds (Date.now()). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** CPU of the stack's process and all it started (Linux); absent elsewhere. */
  readonly cpuMs?: number;
  /** Peak resident memory of the stack's process tree as sampled (Linux); absent elsewhere. */
  readonly peakRssBytes?: number;
}

export interface FleetResult {
  readonly stacks: FleetStackResult[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** Peak resident memory of this process and every stack's process tree together, as sampled. */
  readonly peakRssBytes?: number;
}

const commands: readonly FleetCommand[] = ["preview", "up", "refresh", "destroy"];
const stackNamePattern = /^[\w.-]+$/;

/** The fleet's options as given, or an error naming the one that is wrong. */
function checkOptions(options: FleetOptions): void {
  if (!commands.includes(options.command)) throw new RangeError(`command must be one of ${commands.join(", ")}, got ${JSON.stringify(options.command)}`);
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a whole number of at least 1, got ${options.concurrency}`);
  if (options.sampleEveryMs !== undefined && !(Number.isFinite(options.sampleEveryMs) && options.sampleEveryMs >= 10)) {
    throw new RangeError(`sampleEveryMs must be a number of milliseconds of at least 10, got ${options.sampleEveryMs}`);
  }
  const seen = new Set<string>();
  for (const { stackName } of options.stacks) {
    if (typeof stackName !== "string" || !stackNamePattern.test(stackName)) throw new RangeError(`stacks: "${stackName}" is not a stack name (letters, digits, '-', '_', '.')`);
    if (seen.has(stackName)) throw new RangeError(`stacks: ${stackName} is given twice (two processes would update one stack)`);
    seen.add(stackName);
  }
}

/** The stack process's module: compiled beside this one, or run through ts-node from the sources. */
function workerModule(): { file: string; execArgv: string[] } {
  const fromSources = path.extname(__filename) === ".ts";
  return {
    file: path.join(__dirname, `worker${path.extname(__filename)}`),
    execArgv: fromSources ? ["--require", require.resolve("ts-node/register/transpile-only")] : [],
  };
}

const stderrTailBytes = 4000;

/** Waits until `pid` is no Pulumi CLI any more (the launcher ends the rest of its session), SIGKILLing it after `graceMs`. */
async function stopCli(pid: number, graceMs = 30_000): Promise<void> {
  if (!pulumiProcessRunning(pid)) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (pulumiProcessRunning(pid)) {
    if (Date.now() > until) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Running {
  readonly stackName: string;
  readonly child: ChildProcess;
  peakRssBytes: number;
}

export async function runFleet(runner: RunnerOptions, options: FleetOptions): Promise<FleetResult> {
  checkOptions(options);
  const worker = workerModule();
  const running = new Set<Running>();
  const startedAt = Date.now();
  // Values that must never appear in a result: the credentials and passphrase the stacks run with.
  const secrets = [...Object.values(runner.env ?? {}), runner.backendUrl ?? ""].filter((v) => v.length > 0);
  const redact = (text: string) => redactSecrets(text, secrets);
  let fleetPeak = 0;
  let sampled = false;
  const sample = () => {
    const processes = readProcesses();
    if (processes.length === 0) return;
    sampled = true;
    const byParent = childrenByParent(processes);
    let total = processes.find((p) => p.pid === process.pid)?.rssBytes ?? 0;
    for (const r of running) {
      const bytes = r.child.pid !== undefined ? residentBytes(treeOf(r.child.pid, processes, byParent)) : 0;
      r.peakRssBytes = Math.max(r.peakRssBytes, bytes);
      total += bytes;
    }
    fleetPeak = Math.max(fleetPeak, total);
  };
  const sampler = setInterval(sample, options.sampleEveryMs ?? 250);
  sampler.unref();
  // A Ctrl-C of the caller reaches every stack process once, through here (they run detached).
  const onAbort = () => {
    for (const r of running) r.child.kill("SIGINT");
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const call = <A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A) => {
    try {
      callback?.(...args);
    } catch {
      // A caller's callback failing must not stop the fleet or leave its processes unwatched.
    }
  };

  const runOne = (stack: FleetStack): Promise<FleetStackResult> =>
    new Promise((resolve) => {
      const began = Date.now();
      let result: WorkerMessage | undefined;
      let stderr = "";
      let settled = false;
      let entry: Running | undefined;
      const settle = async (how: string) => {
        if (settled) return;
        settled = true;
        sample();
        if (entry) running.delete(entry);
        const figures = { startedAt: began, ...(entry && entry.peakRssBytes > 0 ? { peakRssBytes: entry.peakRssBytes } : {}) };
        if (result?.kind === "result") {
          const cpu = result.cpuMs !== undefined ? { cpuMs: result.cpuMs } : {};
          resolve(
            result.ok
              ? { stackName: stack.stackName, ok: true, changes: result.changes, summary: result.summary, ...figures, endedAt: Date.now(), ...cpu }
              : { stackName: stack.stackName, ok: false, error: redact(result.error), ...figures, endedAt: Date.now(), ...cpu },
          );
          return;
        }
        // Its CLI may still run (a launcher outlives a killed parent): cancel it and wait for it.
        const cli = runningEnginePid(path.join(runner.stateDir, "pids", `${stack.stackName}.pid`));
        if (cli !== undefined) await stopCli(cli);
        const tail = stderr.trim() ? `:\n${stderr.trim()}` : "";
        resolve({ stackName: stack.stackName, ok: false, error: redact(`the stack's process ${how} before reporting a result${tail}`), ...figures, endedAt: Date.now() });
      };
      try {
        // Detached: a terminal's Ctrl-C reaches the fleet's process, which passes it on once (onAbort);
        // reaching the stack processes too, it would arrive twice, and a second SIGINT makes Pulumi stop at once.
        const child = fork(worker.file, [], { execArgv: worker.execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced", detached: true });
        entry = { stackName: stack.stackName, child, peakRssBytes: 0 };
        running.add(entry);
        child.stderr?.on("data", (chunk: Buffer) => {
          stderr = (stderr + chunk.toString("utf8")).slice(-stderrTailBytes);
        });
        child.on("message", (message: WorkerMessage) => {
          if (message.kind === "output") call(options.onOutput, stack.stackName, message.text);
          else result = message;
        });
        // 'close' comes after the IPC channel and stderr are drained ('exit' may come before the result is read).
        child.once("close", (code, signal) => void settle(signal ? `was killed by ${signal}` : `exited with code ${code}`));
        child.once("error", (err) => {
          stderr += `\n${err.message}`;
          // No pid: it never started, and no 'close' will come.
          if (child.pid === undefined) void settle("could not be started");
        });
        const job: FleetJob = {
          runner: { ...runner, engine: engineReference(runner.engine) },
          stack: { projectDir: path.resolve(options.projectDir), stackName: stack.stackName, ...(stack.configFile ? { configFile: path.resolve(stack.configFile) } : {}) },
          command: options.command,
          ...(options.discardPendingCreates ? { discardPendingCreates: true } : {}),
          ...(options.removeAfterDestroy ? { removeAfterDestroy: true } : {}),
          ...(options.onOutput ? { streamOutput: true } : {}),
        };
        if (child.pid !== undefined) {
          child.send(job);
          if (options.signal?.aborted) child.kill("SIGINT");
        }
      } catch (err) {
        stderr += `\n${(err as Error).message}`;
        entry?.child.kill("SIGKILL");
        void settle("could not be started");
      }
    });

  const queue = [...options.stacks];
  const results: FleetStackResult[] = [];
  const lane = async () => {
    while (queue.length > 0 && !options.signal?.aborted) {
      const result = await runOne(queue.shift()!);
      results.push(result);
      call(options.onStackDone, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.stacks.length) }, lane));
  } finally {
    clearInterval(sampler);
    options.signal?.removeEventListener("abort", onAbort);
  }
  const now = Date.now();
  for (const stack of queue) results.push({ stackName: stack.stackName, ok: false, error: "not started: the run was cancelled", startedAt: now, endedAt: now });
  const order = new Map(options.stacks.map((s, i) => [s.stackName, i]));
  results.sort((a, b) => order.get(a.stackName)! - order.get(b.stackName)!);
  return { stacks: results, startedAt, endedAt: Date.now(), ...(sampled ? { peakRssBytes: fleetPeak } : {}) };
}
