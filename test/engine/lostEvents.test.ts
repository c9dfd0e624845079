/**
 * A preview whose engine events do not arrive, through the real engine (runner/completeEvents.ts).
 *
 * The Pulumi CLI streams its events to the Automation API over gRPC and, when the stream fails,
 * drops them and exits successfully. The failure is made here on the Automation API's side: a
 * server interceptor on the SDK's gRPC server options (which its events server is built with)
 * refuses the CLI's event stream, so the CLI takes its own silent path. Without the runner's check
 * the preview of a new tenant would report no change.
 */
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEventsLostError } from "../../runner/errors";
import type { Engine } from "../../runner/engine";
import { changedResources, openTestStack, repoRoot, requireEngine, startNeonTarget, stepsOf, type NeonTarget, type TestStack } from "../support/engineHarness";

/** The SDK's gRPC server options (internal): its events server is built with them for each command. */
const sdkServerOptions = require("@pulumi/pulumi/runtime/settings").grpcChannelOptions as { interceptors?: grpc.ServerInterceptor[] };

/** Refuses the next `refusals` event streams the CLI opens, as a broken connection would. */
function refuseEventStreams(refusals: number): { refused: () => number } {
  let refused = 0;
  const interceptor: grpc.ServerInterceptor = (method, call) => {
    if (method.path !== "/pulumirpc.Events/StreamEvents" || refused >= refusals) return new grpc.ServerInterceptingCall(call);
    refused++;
    const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({ onReceiveMessage: () => undefined });
        intercepting.sendStatus({ code: grpc.status.UNAVAILABLE, details: "event stream refused by the test" });
      },
    });
    return intercepting;
  };
  sdkServerOptions.interceptors = [interceptor];
  return { refused: () => refused };
}

describe("a preview whose engine events are lost on the way", function () {
  this.timeout(120_000);
  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget();
    stack = await openTestStack({ engine, target, projectDir: repoRoot, config: { "tenant:id": `lost-events-${Date.now().toString(36)}`, "tenant:tier": "free" } });
  });

  afterEach(() => {
    delete sdkServerOptions.interceptors;
  });

  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it("is run again when the events of a preview did not arrive whole, and reports the complete one", async () => {
    const streams = refuseEventStreams(1);
    const events: EngineEvent[] = [];
    let output = "";
    const result = await stack.runner.preview({ onEvent: (e) => events.push(e), onOutput: (t) => (output += t) });
    assert.equal(streams.refused(), 1, "the first preview's event stream was refused");
    assert.match(output, /the engine's events did not arrive whole \(no summary event\); previewing again/);
    assert.deepEqual(Object.keys(changedResources(stepsOf(events))).sort(), ["project", "tenant"]);
    assert.equal(events.filter((e) => e.summaryEvent).length, 1, "the events of one preview, not of both");
    assert.equal(result.changeSummary.create, 3, "the change summary counts the stack and its two resources");
  });

  it("fails when the events are lost again, rather than report no changes", async () => {
    const streams = refuseEventStreams(Infinity);
    await assert.rejects(stack.runner.preview({ onEvent: () => undefined }), (err: Error) => {
      assert.ok(err instanceof EngineEventsLostError);
      assert.match(err.message, /^the preview of stack e2e-\w+: the engine's events did not arrive whole 2 times in a row/);
      return true;
    });
    assert.equal(streams.refused(), 2);
  });
});
