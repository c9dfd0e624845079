import assert from "node:assert/strict";
import { InvalidFaultError, ManualClock, type FaultSpec, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

/** Calls the admin control plane (no API key needed). */
async function admin(neon: NeonLocal, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${neon.origin}/__neon_local${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

/** The error a client sees when the connection is destroyed without a response. */
async function socketError(request: Promise<unknown>): Promise<Error> {
  try {
    await request;
  } catch (err) {
    assert.ok(err instanceof TypeError, `expected fetch to fail, got ${String(err)}`);
    return err;
  }
  assert.fail("the request got a response, but the fault should have dropped the connection");
}

const projectCount = (neon: NeonLocal) => Object.keys(neon.state().projects).length;

describe("local Neon API: fault injection", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  afterEach(() => {
    neon.faults.clear();
    neon.requestLog.length = 0;
  });
  after(() => neon.close());

  async function newProject(): Promise<{ id: string; main: string }> {
    const res = await call(neon, "POST", "/projects", { project: {} });
    assert.equal(res.status, 201);
    return { id: res.body.project.id, main: res.body.branch.id };
  }

  describe("status faults", () => {
    for (const status of [423, 500, 502, 503] as const) {
      it(`answers ${status} with Neon's error body and does not carry out the request`, async () => {
        neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "status", status } });
        const before = projectCount(neon);
        const res = await call(neon, "POST", "/projects", { project: {} }, { "X-Request-ID": "req-fault-1" });
        assert.equal(res.status, status);
        assert.equal(typeof res.body.code, "string");
        assert.equal(typeof res.body.message, "string");
        assert.equal(res.body.request_id, "req-fault-1");
        if (status === 423) assert.equal(res.body.message, "project already has running conflicting operations, scheduling of new ones is prohibited");
        assert.equal(projectCount(neon), before, "nothing was created");
        assert.equal((await call(neon, "POST", "/projects", { project: {} })).status, 201, "the fault fired once");
      });
    }

    it("answers 429 with a Retry-After header and a custom message", async () => {
      const p = await newProject();
      neon.faults.add({ match: { method: "GET", path: "/projects/{project_id}" }, action: { kind: "status", status: 429, retryAfterSeconds: 7, message: "slow down" } });
      const res = await call(neon, "GET", `/projects/${p.id}`);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get("retry-after"), "7");
      assert.equal(res.body.code, "TOO_MANY_REQUESTS");
      assert.equal(res.body.message, "slow down");
    });
  });

  describe("connection faults", () => {
    it("delay: holds the response until the local Neon API's clock has moved on by the delay, then answers normally", async () => {
      const clock = new ManualClock();
      const timed = await startTestNeon({ clock });
      try {
        const id = (await call(timed, "POST", "/projects", { project: { name: "delayed" } })).body.project.id;
        timed.faults.add({ match: { operationId: "getProject" }, action: { kind: "delay", ms: 40_000 } });
        let answered = false;
        const response = call(timed, "GET", `/projects/${id}`).finally(() => (answered = true));
        for (let turn = 0; clock.sleeping() === 0 && turn < 1000; turn++) await new Promise((r) => setImmediate(r));
        assert.equal(clock.sleeping(), 1, "the request waits on the clock");
        clock.advance(39_999);
        for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
        assert.equal(answered, false, "not answered before the delay has passed");
        clock.advance(1);
        const res = await response;
        assert.equal(res.status, 200);
        assert.equal(res.body.project.id, id);
        await call(timed, "GET", `/projects/${id}`);
        assert.deepEqual(timed.requestLog.slice(-2).map((e) => e.fault), ["delay", undefined], "only the first request was delayed");
      } finally {
        await timed.close();
      }
    });

    it("drop: the client sees a socket error and nothing is changed", async () => {
      neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "drop" } });
      const before = projectCount(neon);
      await socketError(call(neon, "POST", "/projects", { project: { name: "dropped" } }));
      assert.equal(projectCount(neon), before);
      assert.ok(!Object.values(neon.state().projects).some((p) => p.project.name === "dropped"));
    });

    it("commit_then_drop: the client sees a socket error, but the project was created", async () => {
      neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "commit_then_drop" } });
      await socketError(call(neon, "POST", "/projects", { project: { name: "ambiguous-write" } }));
      const created = Object.values(neon.state().projects).filter((p) => p.project.name === "ambiguous-write");
      assert.equal(created.length, 1);
      const listed = (await call(neon, "GET", "/projects?search=ambiguous-write")).body.projects;
      assert.deepEqual(listed.map((p: any) => p.id), [created[0].project.id]);
    });

    it("commit_then_drop on a branch create: the branch exists afterwards", async () => {
      const p = await newProject();
      neon.faults.add({ match: { operationId: "createProjectBranch" }, action: { kind: "commit_then_drop" } });
      await socketError(call(neon, "POST", `/projects/${p.id}/branches`, { branch: { name: "ghost" } }));
      const branches = (await call(neon, "GET", `/projects/${p.id}/branches`)).body.branches;
      assert.deepEqual(branches.map((b: any) => b.name).sort(), ["ghost", "main"]);
    });
  });

  describe("hold: a request waits until the test lets it go on", () => {
    const named = (name: string) => Object.values(neon.state().projects).filter((p) => p.project.name === name);

    it("continue: nothing is done while it is held; released, it is answered normally", async () => {
      neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "hold" } });
      const request = call(neon, "POST", "/projects", { project: { name: "held-continue" } });
      const held = await neon.faults.nextHeld();
      assert.deepEqual({ method: held.method, path: held.path }, { method: "POST", path: "/projects" });
      assert.deepEqual(neon.faults.heldRequests().map((h) => h.id), [held.id]);
      assert.equal(named("held-continue").length, 0, "not carried out while held");
      assert.equal(neon.faults.release(held.id), true);
      assert.equal((await request).status, 201);
      assert.equal(named("held-continue").length, 1);
      assert.deepEqual(neon.faults.heldRequests(), []);
      assert.equal(neon.faults.release(held.id), false, "a request is released once");
    });

    it("drop: released, it is never carried out and the client sees the connection close", async () => {
      neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "hold", then: "drop" } });
      const request = socketError(call(neon, "POST", "/projects", { project: { name: "held-drop" } }));
      neon.faults.release((await neon.faults.nextHeld()).id);
      await request;
      assert.equal(named("held-drop").length, 0);
      assert.equal(neon.requestLog.at(-1)?.fault, "hold");
    });

    it("commit_then_drop: released, it is carried out and the answer is lost", async () => {
      neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "hold", then: "commit_then_drop" } });
      const request = socketError(call(neon, "POST", "/projects", { project: { name: "held-commit" } }));
      neon.faults.release((await neon.faults.nextHeld()).id);
      await request;
      assert.equal(named("held-commit").length, 1);
    });

    it("is seen and released through the admin routes too; an unknown hold is a 404", async () => {
      neon.faults.add({ match: { method: "GET", path: "/projects" }, action: { kind: "hold" } });
      const request = call(neon, "GET", "/projects");
      const held = await neon.faults.nextHeld();
      assert.deepEqual((await admin(neon, "GET", "/held")).body, { held: [{ id: held.id, method: "GET", path: "/projects" }] });
      assert.equal((await admin(neon, "POST", `/held/${held.id}/release`)).status, 204);
      assert.equal((await request).status, 200);
      assert.equal((await admin(neon, "POST", `/held/${held.id}/release`)).status, 404);
    });

    it("on close, drops a held request without carrying it out, and no one waits for another", async () => {
      const closing = await startTestNeon();
      closing.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "hold" } });
      const request = socketError(call(closing, "POST", "/projects", { project: { name: "held-at-close" } }));
      await closing.faults.nextHeld();
      const waiting = closing.faults.nextHeld();
      await closing.close();
      await request;
      await assert.rejects(waiting, /closed/);
      assert.equal(Object.values(closing.state().projects).filter((p) => p.project.name === "held-at-close").length, 0);
    });

    it("rejects an unknown `then`", () => {
      assert.throws(() => neon.faults.add({ match: { path: "/projects" }, action: { kind: "hold", then: "later" } } as unknown as FaultSpec), /invalid fault at action.then/);
    });
  });

  describe("how often and on what a fault fires", () => {
    it("fires `times` times, then stops", async () => {
      neon.faults.add({ match: { method: "GET", path: "/projects" }, action: { kind: "status", status: 503 }, times: 3 });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(neon, "GET", "/projects")).status);
      assert.deepEqual(statuses, [503, 503, 503, 200, 200]);
      assert.deepEqual(neon.faults.list().requests, []);
    });

    it("matches by method alone, and not other methods", async () => {
      const p = await newProject();
      neon.faults.add({ match: { method: "PATCH" }, action: { kind: "status", status: 500 }, times: 2 });
      assert.equal((await call(neon, "GET", `/projects/${p.id}`)).status, 200);
      assert.equal((await call(neon, "PATCH", `/projects/${p.id}`, { project: { name: "x" } })).status, 500);
      assert.equal((await call(neon, "PATCH", `/projects/${p.id}/branches/${p.main}`, { branch: { name: "y" } })).status, 500);
    });

    it("matches a path template for every project, but a concrete path only for that one", async () => {
      const a = await newProject();
      const b = await newProject();
      neon.faults.add({ match: { path: `/projects/${a.id}` }, action: { kind: "status", status: 502 }, times: 5 });
      assert.equal((await call(neon, "GET", `/projects/${b.id}`)).status, 200);
      assert.equal((await call(neon, "GET", `/projects/${a.id}`)).status, 502);
      neon.faults.clear();
      neon.faults.add({ match: { path: "/projects/{project_id}/branches" }, action: { kind: "status", status: 502 }, times: 2 });
      assert.equal((await call(neon, "GET", `/projects/${a.id}`)).status, 200);
      assert.equal((await call(neon, "GET", `/projects/${a.id}/branches`)).status, 502);
      assert.equal((await call(neon, "GET", `/projects/${b.id}/branches`)).status, 502);
    });

    it("matches by operationId", async () => {
      const p = await newProject();
      neon.faults.add({ match: { operationId: "listProjectBranches" }, action: { kind: "status", status: 503 } });
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches/${p.main}`)).status, 200);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches`)).status, 503);
    });

    it("a fault that matches by all three needs all three to match", async () => {
      const p = await newProject();
      neon.faults.add({ match: { method: "DELETE", path: "/projects/{project_id}", operationId: "getProject" }, action: { kind: "status", status: 500 } });
      assert.equal((await call(neon, "GET", `/projects/${p.id}`)).status, 200);
      assert.equal(neon.faults.list().requests.length, 1, "it has not fired");
    });

    it("removes one fault by id and clears them all", async () => {
      const first = neon.faults.add({ match: { method: "GET" }, action: { kind: "status", status: 500 }, times: 10 });
      neon.faults.add({ match: { method: "POST" }, action: { kind: "status", status: 500 }, times: 10 });
      assert.equal(neon.faults.remove(first), true);
      assert.equal(neon.faults.remove(first), false);
      assert.equal((await call(neon, "GET", "/projects")).status, 200);
      assert.equal((await call(neon, "POST", "/projects", { project: {} })).status, 500);
      neon.faults.clear();
      assert.equal((await call(neon, "POST", "/projects", { project: {} })).status, 201);
      assert.deepEqual(neon.faults.list(), { requests: [], operations: [] });
    });

    it("refuses invalid fault definitions with InvalidFaultError", () => {
      const invalid: unknown[] = [
        { match: {}, action: { kind: "status", status: 500 } },
        { match: { method: "GET" }, action: { kind: "status", status: 418 } },
        { match: { method: "FETCH" }, action: { kind: "drop" } },
        { match: { path: "projects" }, action: { kind: "drop" } },
        { match: { method: "GET" }, action: { kind: "explode" } },
        { match: { method: "GET" }, action: { kind: "delay", ms: -1 } },
        { match: { method: "GET" }, action: { kind: "drop" }, times: 0 },
        { match: { method: "GET" }, action: { kind: "drop" }, probability: 1.5 },
        { match: { method: "GET" }, action: { kind: "drop" }, times: 2, probability: 0.5 },
        { match: { method: "GET" }, action: { kind: "drop" }, extra: true },
      ];
      for (const spec of invalid) {
        assert.throws(() => neon.faults.add(spec as FaultSpec), InvalidFaultError, JSON.stringify(spec));
      }
      assert.throws(() => neon.faults.add({ match: { method: "GET" }, action: { kind: "status", status: 418 as 500 } }), /invalid fault at action\.status/);
      assert.throws(() => neon.faults.slowNextOperations(undefined, { factor: 0.5 }), InvalidFaultError);
      assert.throws(() => neon.faults.addOperationFault({ outcome: "slow" }), /factor is required for slow/);
      assert.throws(() => neon.faults.addOperationFault({ outcome: "failed", factor: 2 }), InvalidFaultError);
      assert.deepEqual(neon.faults.list(), { requests: [], operations: [] }, "nothing was added");
    });
  });

  describe("the request log", () => {
    it("records method, path, route, operationId, status and the fault that fired (status 0 when dropped)", async () => {
      const p = await newProject();
      neon.requestLog.length = 0;
      neon.faults.add({ match: { operationId: "getProject" }, action: { kind: "drop" } });
      neon.faults.add({ match: { operationId: "listProjectBranches" }, action: { kind: "status", status: 503 } });
      await socketError(call(neon, "GET", `/projects/${p.id}`));
      await call(neon, "GET", `/projects/${p.id}/branches`);
      await call(neon, "GET", `/projects/${p.id}/branches/${p.main}?x=1`);
      assert.deepEqual(
        neon.requestLog.map((e) => ({ method: e.method, path: e.path, route: e.route, operationId: e.operationId, status: e.status, fault: e.fault })),
        [
          { method: "GET", path: `/projects/${p.id}`, route: "/projects/{project_id}", operationId: "getProject", status: 0, fault: "drop" },
          { method: "GET", path: `/projects/${p.id}/branches`, route: "/projects/{project_id}/branches", operationId: "listProjectBranches", status: 503, fault: "status" },
          { method: "GET", path: `/projects/${p.id}/branches/${p.main}`, route: "/projects/{project_id}/branches/{branch_id}", operationId: "getProjectBranch", status: 200, fault: undefined },
        ],
      );
      assert.ok(neon.requestLog.every((e) => typeof e.requestId === "string" && e.requestId.length > 0));
    });
  });

  describe("an emulator bug", () => {
    it("answers a handler that throws with 500 and Neon's error body, logs it, rolls the project back and keeps serving", async () => {
      const p = await newProject();
      const record = neon.state().projects[p.id];
      const endpoints = record.endpoints;
      // Break the stored project so that the next update of it throws inside the handler.
      (record as { endpoints: unknown }).endpoints = null;
      try {
        neon.requestLog.length = 0;
        const res = await call(neon, "PATCH", `/projects/${p.id}`, { project: { name: "renamed", settings: { hipaa: false } } }, { "X-Request-ID": "bug-1" });
        assert.equal(res.status, 500);
        assert.equal(res.body.code, "INTERNAL_ERROR");
        assert.match(res.body.message, /^local Neon API error: /);
        assert.equal(res.body.request_id, "bug-1");
        assert.deepEqual(neon.requestLog.map((e) => [e.operationId, e.status, e.requestId]), [["updateProject", 500, "bug-1"]]);
        assert.notEqual(neon.state().projects[p.id].project.name, "renamed", "the half-done change was rolled back");
      } finally {
        neon.state().projects[p.id].endpoints = endpoints;
      }
      assert.equal((await call(neon, "GET", `/projects/${p.id}`)).status, 200);
    });
  });

  describe("the bounded request log", () => {
    let small: NeonLocal;
    before(async () => {
      small = await startTestNeon({ requestLogLimit: 3 });
    });
    after(() => small.close());

    it("keeps only the most recent requestLogLimit entries", async () => {
      for (let i = 0; i < 6; i++) await call(small, "GET", `/projects?limit=${i + 1}`);
      const created = await call(small, "POST", "/projects", { project: {} });
      assert.equal(small.requestLog.length, 3);
      assert.deepEqual(
        small.requestLog.map((e) => [e.method, e.status]),
        [["GET", 200], ["GET", 200], ["POST", 201]],
      );
      assert.equal(created.headers.get("x-request-id"), small.requestLog[2].requestId);
    });
  });

  describe("the admin routes under /__neon_local", () => {
    it("adds a fault (201 {id}), lists it, and the fault fires", async () => {
      const added = await admin(neon, "POST", "/faults", { match: { method: "GET", path: "/projects" }, action: { kind: "status", status: 503 }, times: 1 });
      assert.equal(added.status, 201);
      assert.equal(typeof added.body.id, "string");
      const listed = await admin(neon, "GET", "/faults");
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.requests.map((f: any) => [f.id, f.remaining]), [[added.body.id, 1]]);
      assert.equal((await call(neon, "GET", "/projects")).status, 503);
      assert.equal((await call(neon, "GET", "/projects")).status, 200);
    });

    it("answers 400 for an invalid fault, invalid JSON, or an invalid operation fault, and adds nothing", async () => {
      const bad = await admin(neon, "POST", "/faults", { match: { method: "GET" }, action: { kind: "status", status: 418 } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, "BAD_REQUEST");
      assert.match(bad.body.message, /^invalid fault at action\.status/);
      const noMatch = await admin(neon, "POST", "/faults", { match: {}, action: { kind: "drop" } });
      assert.equal(noMatch.status, 400);
      assert.match(noMatch.body.message, /must name at least one of method, path, operationId/);
      assert.equal((await admin(neon, "POST", "/faults", "{not json")).status, 400);
      assert.equal((await admin(neon, "POST", "/faults")).status, 400, "a missing body is an invalid fault");
      const op = await admin(neon, "POST", "/operation-faults", { outcome: "slow" });
      assert.equal(op.status, 400);
      assert.match(op.body.message, /^invalid operation fault/);
      assert.deepEqual((await admin(neon, "GET", "/faults")).body, { requests: [], operations: [] });
    });

    it("removes one fault (204; 404 when unknown) and clears all (204)", async () => {
      const a = (await admin(neon, "POST", "/faults", { match: { method: "GET" }, action: { kind: "drop" } })).body.id;
      await admin(neon, "POST", "/operation-faults", { count: 2, outcome: "error" });
      assert.equal((await admin(neon, "DELETE", `/faults/${a}`)).status, 204);
      assert.equal((await admin(neon, "DELETE", `/faults/${a}`)).status, 404);
      assert.equal((await admin(neon, "GET", "/faults")).body.operations.length, 1);
      assert.equal((await admin(neon, "DELETE", "/faults")).status, 204);
      assert.deepEqual((await admin(neon, "GET", "/faults")).body, { requests: [], operations: [] });
    });

    it("serves the request log and clears it", async () => {
      await call(neon, "GET", "/projects");
      const log = await admin(neon, "GET", "/requests");
      assert.equal(log.status, 200);
      assert.deepEqual(log.body.requests.map((e: any) => [e.method, e.path, e.operationId, e.status]), [["GET", "/projects", "listProjects", 200]]);
      assert.equal((await admin(neon, "DELETE", "/requests")).status, 204);
      assert.deepEqual((await admin(neon, "GET", "/requests")).body.requests, []);
    });

    it("answers health, 404 for an unknown admin route, and 409 for clock/advance on the system clock", async () => {
      assert.deepEqual((await admin(neon, "GET", "/health")).body, { ok: true });
      assert.equal((await admin(neon, "GET", "/nothing-here")).status, 404);
      assert.equal((await admin(neon, "POST", "/clock/advance", { ms: 1000 })).status, 409);
    });
  });
});

describe("local Neon API: faults that fire with a probability", () => {
  let neon: NeonLocal;
  const draws = [0.1, 0.9, 0.49, 0.5, 0.2];
  let next = 0;

  before(async () => {
    neon = await startTestNeon({ random: () => draws[next++ % draws.length] });
  });
  after(() => neon.close());

  it("fires when the injected random number is below the probability, without a limit on the count", async () => {
    neon.faults.add({ match: { method: "GET", path: "/projects" }, action: { kind: "status", status: 500 }, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(neon, "GET", "/projects")).status);
    assert.deepEqual(statuses, [500, 200, 500, 200, 500]);
    assert.equal(neon.faults.list().requests[0].fired, 3);
  });
});

describe("local Neon API: operation faults", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
  });
  afterEach(() => neon.faults.clear());
  after(() => neon.close());

  /** A project with its compute suspended, so a start can be observed. */
  async function suspendedProject(): Promise<{ id: string; endpoint: string }> {
    const created = (await call(neon, "POST", "/projects", { project: {} })).body;
    clock.advance(10_000);
    const ep = created.endpoints[0].id;
    assert.equal((await call(neon, "POST", `/projects/${created.project.id}/endpoints/${ep}/suspend`)).status, 200);
    clock.advance(10_000);
    assert.equal((await call(neon, "GET", `/projects/${created.project.id}/endpoints/${ep}`)).body.endpoint.current_state, "idle");
    return { id: created.project.id, endpoint: ep };
  }

  const operation = async (projectId: string, opId: string) => (await call(neon, "GET", `/projects/${projectId}/operations/${opId}`)).body.operation;
  const endpointState = async (projectId: string, ep: string) =>
    (await call(neon, "GET", `/projects/${projectId}/endpoints/${ep}`)).body.endpoint.current_state;

  for (const status of ["failed", "error"] as const) {
    it(`failNextOperations makes the next operation end ${status}, and the compute does not become active`, async () => {
      const p = await suspendedProject();
      neon.faults.failNextOperations(p.id, { status });
      const start = await call(neon, "POST", `/projects/${p.id}/endpoints/${p.endpoint}/start`);
      assert.equal(start.status, 200);
      clock.advance(1000);
      const op = await operation(p.id, start.body.operations[0].id);
      assert.equal(op.status, status);
      assert.equal(op.failures_count, 1);
      assert.equal(typeof op.error, "string");
      assert.equal(await endpointState(p.id, p.endpoint), "idle");

      // Only the next one: a retry succeeds.
      const retry = await call(neon, "POST", `/projects/${p.id}/endpoints/${p.endpoint}/start`);
      assert.equal(retry.status, 200, "a failed operation does not keep the project locked");
      clock.advance(1000);
      assert.equal((await operation(p.id, retry.body.operations[0].id)).status, "finished");
      assert.equal(await endpointState(p.id, p.endpoint), "active");
    });
  }

  it("failNextOperations for one project leaves other projects' operations alone", async () => {
    const a = await suspendedProject();
    const b = await suspendedProject();
    neon.faults.failNextOperations(a.id, { status: "failed" });
    const start = await call(neon, "POST", `/projects/${b.id}/endpoints/${b.endpoint}/start`);
    clock.advance(1000);
    assert.equal((await operation(b.id, start.body.operations[0].id)).status, "finished");
    assert.equal(neon.faults.list().operations.length, 1, "the fault is still waiting for project a");
  });

  it("slowNextOperations makes the next operation take factor times longer", async () => {
    const p = await suspendedProject();
    neon.faults.slowNextOperations(p.id, { factor: 4 });
    const start = await call(neon, "POST", `/projects/${p.id}/endpoints/${p.endpoint}/start`);
    const opId = start.body.operations[0].id;
    clock.advance(1000);
    assert.equal((await operation(p.id, opId)).status, "running");
    assert.equal((await call(neon, "POST", `/projects/${p.id}/endpoints/${p.endpoint}/suspend`)).status, 423, "still locked");
    clock.advance(2999);
    assert.equal((await operation(p.id, opId)).status, "running");
    clock.advance(1);
    const op = await operation(p.id, opId);
    assert.equal(op.status, "finished");
    assert.equal(op.total_duration_ms, 4000);
    assert.equal(await endpointState(p.id, p.endpoint), "active");
  });

  it("the admin route adds operation faults and advances a manual clock", async () => {
    const p = await suspendedProject();
    const added = await admin(neon, "POST", "/operation-faults", { projectId: p.id, count: 1, outcome: "error" });
    assert.equal(added.status, 201);
    const start = await call(neon, "POST", `/projects/${p.id}/endpoints/${p.endpoint}/start`);
    const before = clock.now();
    const advanced = await admin(neon, "POST", "/clock/advance", { ms: 1500 });
    assert.equal(advanced.status, 200);
    assert.equal(advanced.body.now, new Date(before + 1500).toISOString());
    assert.equal(clock.now(), before + 1500);
    assert.equal((await operation(p.id, start.body.operations[0].id)).status, "error");
    assert.equal((await admin(neon, "POST", "/clock/advance", { ms: -5 })).status, 400);
  });
});
