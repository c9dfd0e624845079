import * as assert from "node:assert/strict";
import { NeonAbortError, NeonConfigurationError, NeonOperationFailedError, NeonOperationTimeoutError } from "../../provider/client";
import { createdBranch, operation } from "./helpers/fixtures";
import { scriptedServerForSuite } from "./helpers/scriptedServer";
import { rejectionOf, testClient } from "./helpers/testClient";

const BRANCHES = "/projects/p-1/branches";
const op = (id: string) => `/projects/p-1/operations/${id}`;

describe("waiting for Neon operations", () => {
  const server = scriptedServerForSuite();

  it("polls only the operations not yet terminal, first when one is assumed to end, then backing off", async () => {
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
    // Nothing seen finish yet: 300 ms assumed; then running late, backing off by 1.5.
    assert.deepEqual(clock.sleeps, [300, 450, 675]);
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
    // 300, 450, then only the 250 ms left before the deadline.
    assert.deepEqual(clock.sleeps, [300, 450, 250]);
    assert.equal(server.requests.length, 3);
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
    assert.deepEqual(clock.sleeps, [300, 200]);
  });

  describe("one look per project, when the operations should have ended", () => {
    const LIST = "/projects/p-1/operations";
    const running = (id: string, action: string) => operation(id, "running", { action });
    const finished = (id: string, action: string, totalMs: number) => operation(id, "finished", { action, total_duration_ms: totalMs });

    it("reads every pending operation of a project with one listing per look, and learns how long each action takes", async () => {
      server.on(
        "GET",
        LIST,
        { status: 200, body: { operations: [running("op-b", "start_compute"), finished("op-a", "create_timeline", 300)] } },
      );
      server.on("GET", op("op-b"), { status: 200, body: { operation: finished("op-b", "start_compute", 600) } });
      const { client, clock } = testClient(server, { operations: { firstPollDelayMs: 200 } });

      const final = await client.waitForOperations([running("op-a", "create_timeline"), running("op-b", "start_compute")]);

      assert.deepEqual(final.map((o) => o.status), ["finished", "finished"]);
      // Then only op-b is left: read on its own.
      assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}?${r.query}`), [`GET ${LIST}?limit=12`, `GET ${op("op-b")}?`]);
      // Nothing known yet: 200 ms assumed per action (as configured), queued one after the other (400). Then
      // create_timeline is known to take 300 ms, so start_compute (queued behind it, which ended at
      // 300) is expected at 600.
      assert.deepEqual(clock.sleeps, [400, 200]);
    });

    it("looks once, when the same action took last time, for an operation that finishes on time", async () => {
      server.on(
        "GET",
        op("op-1"),
        { status: 200, body: { operation: running("op-1", "create_branch") } },
        { status: 200, body: { operation: finished("op-1", "create_branch", 350) } },
      );
      server.on("GET", op("op-2"), { status: 200, body: { operation: finished("op-2", "create_branch", 350) } });
      const { client, clock } = testClient(server);
      await client.waitForOperations([running("op-1", "create_branch")]);
      const sleepsBefore = clock.sleeps.length;
      const requestsBefore = server.requests.length;

      await client.waitForOperations([running("op-2", "create_branch")]);

      assert.deepEqual(clock.sleeps.slice(sleepsBefore), [350]);
      assert.equal(server.requests.length - requestsBefore, 1);
    });

    it("answers two waits on one project with the same look", async () => {
      server.on("GET", LIST, {
        status: 200,
        body: { operations: [finished("op-b", "create_branch", 200), finished("op-a", "create_branch", 150)] },
      });
      const { client } = testClient(server);

      await Promise.all([client.waitForOperations([running("op-a", "create_branch")]), client.waitForOperations([running("op-b", "create_branch")])]);

      assert.deepEqual(server.requests.map((r) => r.path), [LIST]);
    });

    it("holds a change to a project until the operations it started there have ended, instead of meeting a 423", async () => {
      server.on("POST", BRANCHES, { status: 201, body: createdBranch([running("op-b", "create_branch")]) }, { status: 201, body: createdBranch([]) });
      server.on("GET", op("op-b"), { status: 200, body: { operation: finished("op-b", "create_branch", 100) } });
      const { client } = testClient(server);

      await client.branches.create("p-1", {}, { waitForOperations: false });
      await client.branches.create("p-1");

      assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [`POST ${BRANCHES}`, `GET ${op("op-b")}`, `POST ${BRANCHES}`]);
    });

    it("sends two changes made side by side one after the other: the second once the first's operations have ended", async () => {
      server.on(
        "POST",
        BRANCHES,
        { status: 201, body: createdBranch([running("op-1", "create_branch")]) },
        { status: 201, body: createdBranch([running("op-2", "create_branch")]) },
      );
      server.on("GET", op("op-1"), { status: 200, body: { operation: finished("op-1", "create_branch", 100) } });
      server.on("GET", op("op-2"), { status: 200, body: { operation: finished("op-2", "create_branch", 100) } });
      const { client } = testClient(server);

      await Promise.all([client.branches.create("p-1"), client.branches.create("p-1")]);

      assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [`POST ${BRANCHES}`, `GET ${op("op-1")}`, `POST ${BRANCHES}`, `GET ${op("op-2")}`]);
    });

    it("lets the change go ahead when the operation it waited for failed (the project is free; that failure is its own caller's)", async () => {
      server.on("POST", BRANCHES, { status: 201, body: createdBranch([running("op-b", "create_branch")]) }, { status: 201, body: createdBranch([]) });
      server.on("GET", op("op-b"), { status: 200, body: { operation: operation("op-b", "failed", { error: "disk full" }) } });
      const { client } = testClient(server);

      await client.branches.create("p-1", {}, { waitForOperations: false });
      const second = await client.branches.create("p-1");

      assert.deepEqual(second.operations, []);
      assert.equal(server.requests.filter((r) => r.method === "POST").length, 2);
    });

    it("does not hold changes to other projects", async () => {
      server.on("POST", BRANCHES, { status: 201, body: createdBranch([running("op-b", "create_branch")]) });
      server.on("POST", "/projects/p-2/branches", { status: 201, body: createdBranch([]) });
      const { client } = testClient(server);

      await client.branches.create("p-1", {}, { waitForOperations: false });
      await client.branches.create("p-2");

      assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [`POST ${BRANCHES}`, "POST /projects/p-2/branches"]);
    });
  });
});
