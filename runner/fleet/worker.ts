/**
 * One stack of a fleet, in a process of its own (started by runFleet, never by hand). Each stack's
 * inline program runs in its own Node process because the Automation API catches a program's
 * unhandled rejections and uncaught exceptions with process-wide handlers: in a shared process, one
 * tenant's failing program fails every update running beside it (issue 13 measured it). Here it
 * fails its own update only, and a crash ends this process alone.
 *
 * Protocol (Node's IPC channel): the parent sends one FleetJob; this process answers with output
 * messages when asked to stream, then one result, and exits. SIGINT/SIGTERM, or the parent going
 * away, cancel the update as Ctrl-C does (the engine finishes the steps in flight and unlocks).
 */
import { engineFromReference } from "../engine";
import { renderChangeSummary } from "../report";
import { openStack } from "../stack";
import { ownAndChildrenCpuMs } from "./processTree";
import type { FleetJob, WorkerMessage } from "./protocol";

const cancel = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => cancel.abort());
process.on("disconnect", () => cancel.abort());

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(job: FleetJob): Promise<WorkerMessage> {
  const stack = await openStack(
    { ...job.runner, engine: engineFromReference(job.runner.engine) },
    { projectDir: job.stack.projectDir, stackName: job.stack.stackName, ...(job.stack.configFile ? { configFile: job.stack.configFile } : {}) },
  );
  const options = {
    signal: cancel.signal,
    discardPendingCreates: job.discardPendingCreates === true,
    ...(job.streamOutput ? { onOutput: (text: string) => void send({ kind: "output", text }) } : {}),
  };
  let changes: Record<string, number> = {};
  switch (job.command) {
    case "preview":
      changes = (await stack.preview(options)).changeSummary as Record<string, number>;
      break;
    case "up":
      changes = ((await stack.up(options)).summary.resourceChanges ?? {}) as Record<string, number>;
      break;
    case "refresh":
      changes = ((await stack.refresh(options)).summary.resourceChanges ?? {}) as Record<string, number>;
      break;
    case "destroy":
      changes = ((await stack.destroy(options)).summary.resourceChanges ?? {}) as Record<string, number>;
      if (job.removeAfterDestroy) await stack.remove();
      break;
    default:
      throw new Error(`unknown fleet command ${JSON.stringify(job.command)}`);
  }
  return { kind: "result", ok: true, changes, summary: renderChangeSummary(changes), cpuMs: ownAndChildrenCpuMs() };
}

process.once("message", (job: FleetJob) => {
  run(job)
    .catch((err: unknown): WorkerMessage => ({ kind: "result", ok: false, error: err instanceof Error ? err.message : String(err), cpuMs: ownAndChildrenCpuMs() }))
    .then((result) => {
      // Should the channel never confirm the send, the process still ends (the parent then reports it).
      setTimeout(() => process.exit(0), 10_000).unref();
      return send(result);
    })
    .then(() => process.exit(0));
});
