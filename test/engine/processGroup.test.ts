/**
 * No process the Pulumi CLI started outlives it. Killed with SIGKILL in the middle of an update
 * (a crashed runner, an OOM kill), the CLI leaves its plugins behind, the dynamic provider's Node
 * process among them, which may even finish a create later (issue 13). The runner starts every CLI
 * command in a session of its own, records its pid, and ends what is left of the session.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { Engine } from "../../runner/engine";
import { openTestStack, repoRoot, requireEngine, startNeonTarget, type NeonTarget, type TestStack } from "../support/engineHarness";

/** The live pids in session `sid` (Linux's /proc): the CLI's, and its plugins' in groups of their own. */
function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) === sid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

describe("the engine's processes", function () {
  this.timeout(120_000);
  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;

  before(async function () {
    if (process.platform !== "linux") this.skip(); // reads /proc
    engine = await requireEngine();
    target = await startNeonTarget(1500); // slow operations: the update is still creating when killed
    stack = await openTestStack({ engine, target, projectDir: repoRoot, config: { "tenant:id": "killed", "tenant:tier": "free", "tenant:checkpoints": ["baseline"] } });
  });
  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it("ends the CLI's plugins, the dynamic provider among them, when the CLI is killed in the middle of an update", async () => {
    let output = "";
    let killed: { pid: number; members: number[] } | undefined;
    const update = stack.runner.up({
      onOutput: (text) => {
        output += text;
        if (killed || !/created/.test(output)) return;
        const pid = stack.runner.enginePid();
        if (pid === undefined) return;
        killed = { pid, members: sessionMembers(pid) };
        process.kill(pid, "SIGKILL");
      },
    });
    await assert.rejects(update);
    assert.ok(killed, `the CLI was never seen running:\n${output}`);
    assert.ok(killed.members.length >= 2, `the CLI had started its plugins (session ${killed.pid}: ${killed.members.join(", ")})`);
    assert.deepEqual(sessionMembers(killed.pid), [], "nothing the CLI started is left");
    assert.equal(stack.runner.enginePid(), undefined, "the pid file is gone with the CLI");
  });
});
