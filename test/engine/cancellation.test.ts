/**
 * Cancelling an update through the runner (what Ctrl-C during `npm start` does): the engine gets
 * SIGINT, lets the steps in flight finish and records them, and unlocks the stack, so the next
 * update carries on from there without duplicating anything.
 */
import assert from "node:assert/strict";
import type { Engine } from "../../runner/engine";
import { openTestStack, repoRoot, requireEngine, startNeonTarget, type NeonTarget, type TestStack } from "../support/engineHarness";

/** The project, its checkpoint, Neon Auth and the Data API. */
const tenantResources = 4;

describe("cancelling an update through the runner", function () {
  this.timeout(120_000);
  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;

  before(async function () {
    engine = await requireEngine();
    // Operations slow enough that the update is still creating when it is cancelled.
    target = await startNeonTarget(1500);
    if (target.kind !== "local") this.skip(); // counts projects in the local Neon API
    stack = await openTestStack({ engine, target, projectDir: repoRoot, config: {
        "tenant:id": "cancelled",
        "tenant:tier": "free",
        "tenant:auth": { enabled: true },
        "tenant:dataApi": { enabled: true },
        "tenant:checkpoints": ["baseline"],
      },
    });
  });

  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it("records the steps in flight, leaves no lock or pending operation, and the next update finishes without duplicates", async () => {
    const abort = new AbortController();
    let output = "";
    const update = stack.runner.up({
      signal: abort.signal,
      onOutput: (text) => {
        output += text;
        // Cancel once the project exists and the resources that need it have started.
        if (/NeonProject project created/.test(output) && !abort.signal.aborted) abort.abort();
      },
    });
    await assert.rejects(update);
    assert.ok(abort.signal.aborted, `the update ended before it could be cancelled:\n${output}`);

    const state = stack.runner.readState()!;
    assert.deepEqual(state.checkpoint.latest?.pending_operations ?? [], [], "the engine recorded every step it had started");
    const recorded = (state.checkpoint.latest?.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/neon:"));
    assert.ok(recorded.some((r) => r.type.endsWith(":NeonProject")), "the project created before the cancel is in the state");
    assert.ok(recorded.length < tenantResources, `the update was cancelled before it created everything (${recorded.length} recorded)`);

    // The stack is not locked: the next update runs, and creates only what is missing.
    const result = await stack.runner.up();
    assert.equal(result.summary.resourceChanges?.create, tenantResources - recorded.length);
    const projects = (await target.client.projects.list({})).projects.filter((p) => p.name === "cancelled");
    assert.equal(projects.length, 1, "one project, not a duplicate");
    await stack.runner.destroy();
  });

  it("runs nothing when cancelled before the engine starts (during the recovery before an update)", async () => {
    const abort = new AbortController();
    abort.abort();
    const mark = target.mark();
    const runsBefore = stack.runner.readState()?.checkpoint.latest?.resources?.length ?? 0;
    await assert.rejects(stack.runner.up({ signal: abort.signal }), { name: "AbortError" });
    await assert.rejects(stack.runner.preview({ signal: abort.signal }), { name: "AbortError" });
    assert.deepEqual(target.requestsSince(mark) ?? [], [], "no call to Neon");
    assert.equal(stack.runner.readState()?.checkpoint.latest?.resources?.length ?? 0, runsBefore, "the state is as it was");
  });
});
