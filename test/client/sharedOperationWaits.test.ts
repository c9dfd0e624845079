import * as assert from "node:assert/strict";
import { NeonAbortError, NeonOperationFailedError } from "../../provider/client";
import { createdBranch, operation } from "./helpers/fixtures";
import { neonError, scriptedServerForSuite } from "./helpers/scriptedServer";
import { testClient } from "./helpers/testClient";
import { VirtualClock } from "./helpers/virtualClock";

const BRANCHES = "/projects/p-1/branches";
const op = (id: string, project = "p-1") => `/projects/${project}/operations/${id}`;
const running = (id: string, extra: Record<string, unknown> = {}) => operation(id, "running", extra);

/** Lets pending microtasks run without letting the virtual clock's pump (setImmediate) advance time. */
async function microtasks(n = 50): Promise<void> {
  for (let i = 0; i < n; i += 1) await Promise.resolve();
}

/**
 * Waits and changes that share one project's operations (the process-wide tracker): what an
 * independent review found could hang, lose a failure, ignore an abort, spin or poll twice.
 */
describe("waits and changes sharing a project's operations", () => {
  const server = scriptedServerForSuite();

  it("a change's idle whose look fails must not make a concurrent wait stop reading its operation", async () => {
    // op-b runs until t0+2000, then finishes. The idle's read (the 1st GET) fails once (retries used up).
    const clock = new VirtualClock();
    const t0 = clock.now();
    let gets = 0;
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([running("op-b")]) }, { status: 201, body: createdBranch([]) });
    server.on("GET", op("op-b"), () => {
      gets += 1;
      if (gets === 1) return neonError(500, "INTERNAL", "blip");
      return { status: 200, body: { operation: clock.now() - t0 >= 2000 ? operation("op-b", "finished") : running("op-b") } };
    });
    const { client } = testClient(server, { clock, retry: { maxAttempts: 1 }, operations: { deadlineMs: 20_000 } });

    await client.branches.create("p-1", {}, { waitForOperations: false });
    // Another resource changes the project: its idle sleeps first, so it owns the first look.
    const change = client.branches.create("p-1");
    await microtasks();
    const waited = client.waitForOperations([running("op-b")]).then(
      (ops) => ({ ops, at: clock.now() - t0 }),
      (error: unknown) => ({ error, at: clock.now() - t0 }),
    );
    await change;
    const outcome = await waited;

    assert.ok("ops" in outcome, `(${gets} GETs of op-b in all) the wait failed at +${outcome.at} ms: ${String("error" in outcome ? outcome.error : "")}`);
    assert.equal(outcome.ops[0]?.status, "finished");
  });

  it("a wait over two projects must not report a pending operation as done when another change's idle gave up on it", async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    server.on("GET", op("op-1"), () => ({ status: 200, body: { operation: clock.now() - t0 >= 3000 ? operation("op-1", "finished") : running("op-1") } }));
    // op-2 (project p-2) runs until +5000 and then fails.
    server.on("GET", op("op-2", "p-2"), () => ({
      status: 200,
      body: { operation: clock.now() - t0 >= 5000 ? operation("op-2", "failed", { project_id: "p-2", error: "disk full" }) : running("op-2", { project_id: "p-2" }) },
    }));
    server.on("POST", "/projects/p-2/branches", { status: 201, body: createdBranch([]) });
    // The client's deadline (used by a change's idle) is shorter than this wait's own deadline.
    const { client } = testClient(server, { clock, operations: { deadlineMs: 1000 } });

    const waited = client.waitForOperations([running("op-1"), running("op-2", { project_id: "p-2" })], { deadlineMs: 60_000 }).then(
      (ops) => `resolved at +${clock.now() - t0} ms with ${ops.map((o) => `${o.id}=${o.status}`).join(", ")}`,
      (error: unknown) => error,
    );
    await client.branches.create("p-2");
    const error = await waited;

    assert.ok(error instanceof NeonOperationFailedError, `expected op-2's failure, got: ${String(error)}`);
  });

  it("a change whose signal aborts while queued behind another change rejects at once", async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([running("op-b")]) }, { status: 201, body: createdBranch([]) });
    server.on("GET", op("op-b"), () => ({ status: 200, body: { operation: clock.now() - t0 >= 60_000 ? operation("op-b", "finished") : running("op-b") } }));
    const { client } = testClient(server, { clock });

    await client.branches.create("p-1", {}, { waitForOperations: false });
    const first = client.branches.create("p-1"); // held until op-b ends, at +60 s
    const controller = new AbortController();
    const second = client.branches.create("p-1", {}, { signal: controller.signal }).then(
      () => ({ at: clock.now() - t0, error: undefined as unknown }),
      (error: unknown) => ({ at: clock.now() - t0, error }),
    );
    await microtasks();
    controller.abort(new Error("deploy cancelled"));
    const outcome = await second;
    await first;

    assert.ok(outcome.error instanceof NeonAbortError, String(outcome.error));
    assert.ok(outcome.at < 1000, `the aborted change settled only at +${outcome.at} ms`);
  });

  it("does not spin without sleeping when polls are configured back to back (firstPollDelayMs 0, backoffFactor 1) and the clock has not moved", async () => {
    const clock = new VirtualClock();
    let nowCalls = 0;
    let spun = false;
    const counting = {
      now: () => {
        nowCalls += 1;
        // A guard so that the test ends: after a long spin, let a millisecond pass.
        if (nowCalls % 100_000 === 0) {
          spun = true;
          clock.advance(1);
        }
        return clock.now();
      },
      sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal),
    };
    server.on(
      "GET",
      op("op-b"),
      { status: 200, body: { operation: running("op-b") } },
      { status: 200, body: { operation: running("op-b") } },
      { status: 200, body: { operation: operation("op-b", "finished") } },
    );
    const { client } = testClient(server, { clock: counting, operations: { firstPollDelayMs: 0, backoffFactor: 1 } });

    await client.waitForOperations([running("op-b")]);

    assert.equal(spun, false, `now() was called ${nowCalls} times: a microtask loop that never sleeps nor reads`);
  });

  it("two waits on one late operation share looks instead of each polling on its own schedule", async () => {
    async function getsWith(waiters: 1 | 2): Promise<number> {
      server.reset();
      const clock = new VirtualClock();
      const t0 = clock.now();
      let gets = 0;
      server.on("GET", op("op-b"), () => {
        gets += 1;
        return { status: 200, body: { operation: clock.now() - t0 >= 20_000 ? operation("op-b", "finished") : running("op-b") } };
      });
      const { client } = testClient(server, { clock });
      const first = client.waitForOperations([running("op-b")]);
      if (waiters === 1) {
        await first;
        return gets;
      }
      while (gets < 1) await new Promise((r) => setImmediate(r));
      await clock.sleep(200); // a second resource starts waiting for the same operation between two looks
      await Promise.all([first, client.waitForOperations([running("op-b")])]);
      return gets;
    }
    const one = await getsWith(1);
    const two = await getsWith(2);
    assert.ok(two <= one + 1, `one waiter made ${one} GETs, two waiters made ${two}`);
  });

  it("answers a second wait on an operation already seen to end without a request", async () => {
    server.on("GET", op("op-1"), { status: 200, body: { operation: operation("op-1", "finished", { total_duration_ms: 100 }) } });
    const { client } = testClient(server);
    await client.waitForOperations([running("op-1")]);
    const before = server.requests.length;

    const [again] = await client.waitForOperations([running("op-1")]);

    assert.equal(again?.status, "finished");
    assert.equal(server.requests.length, before);
  });

  it("wakes a wait as soon as another wait's look sees its operation fail, not at its own expected end", async () => {
    server.on("GET", "/projects/p-1/operations", {
      status: 200,
      body: { operations: [operation("op-b", "failed", { error: "disk full" }), operation("op-a", "running")] },
    });
    server.on("GET", op("op-a"), { status: 200, body: { operation: operation("op-a", "finished", { total_duration_ms: 900 }) } });
    // Time moves only when the test says: the look's answer is in before anything else is due.
    const clock = new SteppedClock();
    const { client } = testClient(server, { clock });
    // op-b is queued behind op-a: expected at 600 ms, op-a at 300 ms.
    const waitA = client.waitForOperations([running("op-a")]).catch(() => undefined);
    const waitB = client.waitForOperations([running("op-b")]).then(
      () => ({ error: undefined as unknown, at: clock.now() }),
      (error: unknown) => ({ error, at: clock.now() }),
    );
    await clock.until(() => clock.sleeping === 2);
    clock.advance(300);

    const b = await waitB;

    assert.ok(b.error instanceof NeonOperationFailedError, String(b.error));
    assert.equal(b.at, 300, "reported when op-a's look saw it, not at op-b's expected end (600 ms)");
    clock.advance(10_000);
    await waitA;
  });
});

/** A clock whose sleeps end only when the test moves it (`advance`), whatever happens meanwhile. */
class SteppedClock {
  #now = 0;
  #timers: { at: number; resolve: () => void }[] = [];

  get sleeping(): number {
    return this.#timers.length;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = { at: this.#now + ms, resolve };
      signal?.addEventListener(
        "abort",
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
      this.#timers.push(timer);
    });
  }

  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((t) => t.at <= this.#now);
    this.#timers = this.#timers.filter((t) => t.at > this.#now);
    for (const t of due) t.resolve();
  }

  /** Waits (in real time, briefly) until `condition` holds. */
  async until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((r) => setImmediate(r));
    assert.ok(condition(), "the condition never held");
  }
}
