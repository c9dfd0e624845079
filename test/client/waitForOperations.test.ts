import * as assert from "node:assert/strict";
import { NeonAbortError, NeonConfigurationError, NeonOperationFailedError, NeonOperationTimeoutError } from "../../provider/client";
import { createdBranch, operation } from "./helpers/fixtures";
import { scriptedServerForSuite } from "./helpers/scriptedServer";
import { rejectionOf, testClient } from "./helpers/testClient";

const BRANCHES = "/projects/p-1/branches";
const op = (id: string) => `/projects/p-1/operations/${id}`;

describe("waiting for Neon operations", () => {
  const server = scriptedServerForSuite();

  it("polls only the operations not yet terminal, backing off from a short first poll", async () => {
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([operation("op-a", "finished"), operation("op-b", "running")]) });
    server.on(
      "GET",
      op("op-b"),
      { status: 200, body: { operation: operation("op-b", "running") } },
      { status: 200, body: { operation: operation("op-b", "scheduling") } },
      { status: 200, body: { operation: operation("op-b", "finished") } },
    );
    const { client, clock } = testClient(server);

    const created = await client.branches.create("p-1");

    assert.deepEqual(created.operations.map((o) => [o.id, o.status]), [["op-a", "finished"], ["op-b", "finished"]]);
    assert.equal(server.requestsTo("GET", op("op-a")).length, 0);
    assert.equal(server.requestsTo("GET", op("op-b")).length, 3);
    assert.deepEqual(clock.sleeps, [200, 300, 450]);
  });

  it("caps the poll interval", async () => {
    server.on("GET", op("op-b"), ...Array.from({ length: 6 }, () => ({ status: 200, body: { operation: operation("op-b", "running") } })), {
      status: 200,
      body: { operation: operation("op-b", "finished") },
    });
    const { client, clock } = testClient(server, { operations: { firstPollDelayMs: 100, backoffFactor: 2, maxPollIntervalMs: 1000 } });

    await client.waitForOperations([operation("op-b", "running")]);

    assert.deepEqual(clock.sleeps, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("treats skipped as success and keeps waiting through cancelling and unknown statuses", async () => {
    server.on(
      "GET",
      op("op-b"),
      { status: 200, body: { operation: operation("op-b", "cancelling") } },
      { status: 200, body: { operation: operation("op-b", "some_future_status") } },
      { status: 200, body: { operation: operation("op-b", "skipped") } },
    );
    const { client } = testClient(server);

    const [final] = await client.waitForOperations([operation("op-b", "scheduling")]);

    assert.equal(final?.status, "skipped");
    assert.equal(server.requests.length, 3);
  });

  for (const status of ["failed", "error", "cancelled"]) {
    it(`raises NeonOperationFailedError when an operation ends ${status}`, async () => {
      server.on(
        "GET",
        op("op-b"),
        { status: 200, body: { operation: operation("op-b", "running") } },
        { status: 200, body: { operation: operation("op-b", status, { action: "start_compute", endpoint_id: "ep-1", error: "compute failed to start" }) } },
      );
      const { client } = testClient(server);

      const error = await rejectionOf(client.waitForOperations([operation("op-b", "running"), operation("op-c", "finished")]));

      assert.ok(error instanceof NeonOperationFailedError, String(error));
      assert.equal(error.operationId, "op-b");
      assert.equal(error.action, "start_compute");
      assert.equal(error.status, status);
      assert.equal(error.projectId, "p-1");
      assert.equal(error.branchId, "br-1");
      assert.equal(error.endpointId, "ep-1");
      assert.equal(error.operationError, "compute failed to start");
      assert.equal(error.message, `Neon operation op-b (start_compute) on project p-1 branch br-1 ended ${status}: compute failed to start`);
    });
  }

  it("fails at once, without polling, for an operation that arrived already failed", async () => {
    const { client, clock } = testClient(server);
    const error = await rejectionOf(client.waitForOperations([operation("op-x", "failed")]));
    assert.ok(error instanceof NeonOperationFailedError);
    assert.equal(server.requests.length, 0);
    assert.deepEqual(clock.sleeps, []);
  });

  it("raises NeonOperationTimeoutError at the deadline, naming what is still pending", async () => {
    server.on("GET", op("op-b"), { status: 200, body: { operation: operation("op-b", "running", { action: "create_timeline" }) } });
    const { client, clock } = testClient(server, { operations: { deadlineMs: 1000 } });

    const error = await rejectionOf(client.waitForOperations([operation("op-b", "scheduling")]));

    assert.ok(error instanceof NeonOperationTimeoutError, String(error));
    assert.equal(error.operationId, "op-b");
    assert.equal(error.action, "create_timeline");
    assert.equal(error.status, "running");
    assert.equal(error.projectId, "p-1");
    assert.equal(error.waitedMs, 1000);
    assert.deepEqual(error.pending.map((p) => p.operationId), ["op-b"]);
    // 200, 300, 450, then only the 50 ms left before the deadline.
    assert.deepEqual(clock.sleeps, [200, 300, 450, 50]);
    assert.equal(server.requests.length, 4);
  });

  it("lets a call skip the wait, and a client turn waiting off", async () => {
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([operation("op-b", "running")]) });

    const { client } = testClient(server);
    const created = await client.branches.create("p-1", {}, { waitForOperations: false });
    assert.equal(created.operations[0]?.status, "running");

    const { client: noWait } = testClient(server, { operations: { waitAfterMutations: false } });
    await noWait.branches.create("p-1");

    assert.equal(server.requests.filter((r) => r.method === "GET").length, 0);
  });

  it("refuses a deadline that is not a whole number of milliseconds instead of waiting forever", async () => {
    const { client } = testClient(server);
    for (const deadlineMs of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5, 1.5]) {
      const error = await rejectionOf(client.waitForOperations([operation("op-a", "running")], { deadlineMs }));
      assert.ok(error instanceof NeonConfigurationError, `${deadlineMs}: ${String(error)}`);
    }
    assert.equal(server.requests.length, 0, "nothing was polled");
  });

  it("stops waiting when the caller aborts, with a NeonAbortError naming the operation", async () => {
    const controller = new AbortController();
    const { client } = testClient(server, {
      clock: { now: () => 0, sleep: () => (controller.abort(new Error("deploy cancelled")), Promise.reject(controller.signal.reason)) },
    });

    const error = await rejectionOf(client.waitForOperations([operation("op-b", "running")], { signal: controller.signal }));

    assert.ok(error instanceof NeonAbortError, String(error));
    assert.equal(error.message, "waiting for Neon operation op-b (create_branch) on project p-1 was aborted by the caller");
    assert.equal(server.requests.length, 0);
  });

  it("uses a per-wait deadline when given one", async () => {
    server.on("GET", op("op-b"), { status: 200, body: { operation: operation("op-b", "running") } });
    const { client, clock } = testClient(server);
    const error = await rejectionOf(client.waitForOperations([operation("op-b", "running")], { deadlineMs: 500 }));
    assert.ok(error instanceof NeonOperationTimeoutError);
    assert.deepEqual(clock.sleeps, [200, 300]);
  });
});
