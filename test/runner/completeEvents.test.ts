/**
 * withCompleteEvents (runner/completeEvents.ts) with a stand-in for the engine: which attempt's
 * events reach the caller, when a preview is run again, and what a failed preview passes on.
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { withCompleteEvents } from "../../runner/completeEvents";
import { EngineEventsLostError } from "../../runner/errors";

const step = (name: string): EngineEvent => ({ sequence: 1, timestamp: 0, resourcePreEvent: { metadata: { op: "create", urn: `urn::${name}`, type: "t", provider: "" } as never } });
const summary: EngineEvent = { sequence: 2, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: 1 }, policyPacks: {} } };

/** A preview that sends, on its nth run, the nth list of events (then returns n). */
function previews(...attempts: EngineEvent[][]) {
  let runs = 0;
  const run = async (onEvent: (e: EngineEvent) => void) => {
    attempts[runs++].forEach(onEvent);
    return runs;
  };
  return { run, runs: () => runs };
}

describe("a preview's events, whole or not at all", () => {
  it("passes on the events of a preview whose stream ended with its summary, run once", async () => {
    const seen: EngineEvent[] = [];
    const p = previews([step("a"), summary]);
    assert.equal(await withCompleteEvents(p.run, { onEvent: (e) => seen.push(e), what: "the preview" }), 1);
    assert.deepEqual(seen, [step("a"), summary]);
  });

  it("runs the preview again when its events came without a summary, and passes on only the second run's", async () => {
    const seen: EngineEvent[] = [];
    let output = "";
    const p = previews([step("partial")], [step("a"), step("b"), summary]);
    const result = await withCompleteEvents(p.run, { onEvent: (e) => seen.push(e), onOutput: (t) => (output += t), what: "the preview of stack acme" });
    assert.equal(result, 2);
    assert.deepEqual(seen, [step("a"), step("b"), summary]);
    assert.equal(output, "the preview of stack acme: the engine's events did not arrive whole (no summary event); previewing again\n");
  });

  it("fails after two runs without a summary, passing on nothing", async () => {
    const seen: EngineEvent[] = [];
    const p = previews([], [step("a")], [summary]);
    await assert.rejects(withCompleteEvents(p.run, { onEvent: (e) => seen.push(e), what: "the preview of stack acme" }), (err: Error) => {
      assert.ok(err instanceof EngineEventsLostError);
      assert.match(err.message, /^the preview of stack acme: the engine's events did not arrive whole 2 times in a row/);
      return true;
    });
    assert.equal(p.runs(), 2, "not a third time");
    assert.deepEqual(seen, []);
  });

  it("does not run the preview again once cancelled", async () => {
    const controller = new AbortController();
    let runs = 0;
    const cancelledDuring = async (onEvent: (e: EngineEvent) => void) => {
      runs++;
      onEvent(step("partial"));
      controller.abort(new Error("cancelled by the user"));
      return runs;
    };
    await assert.rejects(withCompleteEvents(cancelledDuring, { signal: controller.signal, what: "the preview" }), /cancelled by the user/);
    assert.equal(runs, 1);
  });

  it("reports a failed preview's own error even when the caller's onEvent fails on its events", async () => {
    const failing = async (onEvent: (e: EngineEvent) => void) => {
      onEvent(step("a"));
      throw new Error("preview failed");
    };
    const throwingOnEvent = () => {
      throw new Error("caller bug");
    };
    await assert.rejects(withCompleteEvents(failing, { onEvent: throwingOnEvent, what: "the preview" }), /preview failed/);
  });

  it("passes on what a failed preview sent (its error diagnostics), then its error, without running it again", async () => {
    const seen: EngineEvent[] = [];
    const diagnostic: EngineEvent = { sequence: 1, timestamp: 0, diagnosticEvent: { message: "tenant:tier: must be one of free, paid", color: "never", severity: "error" } };
    let runs = 0;
    const failing = async (onEvent: (e: EngineEvent) => void) => {
      runs++;
      onEvent(diagnostic);
      throw new Error("preview failed");
    };
    await assert.rejects(withCompleteEvents(failing, { onEvent: (e) => seen.push(e), what: "the preview" }), /preview failed/);
    assert.equal(runs, 1);
    assert.deepEqual(seen, [diagnostic]);
  });
});
