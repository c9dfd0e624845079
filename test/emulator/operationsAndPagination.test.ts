import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManualClock, type NeonLocal } from "../../emulator";
import { routes } from "../../emulator/handlers";
import { packageRoot } from "../../runner/packageRoot";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, stateText } from "./fixtures";

describe("local Neon API: listing and reading operations", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  let pid: string;
  let otherPid: string;

  before(async () => {
    neon = await startTestNeon({ clock });
    pid = (await createProject(neon)).project.id;
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await createBranch(neon, pid, { branch: { name: `b${i}` }, endpoints: i % 2 === 0 ? [{ type: "read_write" }] : [] });
    }
    otherPid = (await createProject(neon)).project.id;
  });
  after(() => neon.close());

  /** The project's operation ids, newest first, straight from the store. */
  const newestFirst = () => neon.state().projects[pid].operations.map((o) => o.id).reverse();

  it("lists operations newest first, 10 by default", async () => {
    const res = await call(neon, "GET", `/projects/${pid}/operations`);
    assert.equal(res.status, 200);
    assert.equal(newestFirst().length, 8, "2 for the project, 1 per branch, 1 per compute");
    assert.deepEqual(res.body.operations.map((o: any) => o.id), newestFirst());
    const created = res.body.operations.map((o: any) => o.created_at);
    assert.deepEqual(created, [...created].sort().reverse(), "created_at never increases down the list");
    assert.equal(res.body.operations.at(-1).action, "create_timeline");
    for (const o of res.body.operations) assert.equal(o.project_id, pid);
  });

  it("walks every operation with cursor and limit: none twice, none missing, in order", async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const res = await call(neon, "GET", `/projects/${pid}/operations?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(res.status, 200);
      if (res.body.operations.length === 0) break;
      sizes.push(res.body.operations.length);
      seen.push(...res.body.operations.map((o: any) => o.id));
      cursor = res.body.pagination.cursor;
    }
    assert.deepEqual(sizes, [3, 3, 2]);
    assert.deepEqual(seen, newestFirst());
  });

  it("gets one operation with its action, status, branch and compute", async () => {
    const op = neon.state().projects[pid].operations.find((o) => o.action === "start_compute" && o.branch_id !== undefined)!;
    const res = await call(neon, "GET", `/projects/${pid}/operations/${op.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.operation.id, res.body.operation.action, res.body.operation.status, res.body.operation.branch_id, res.body.operation.endpoint_id],
      [op.id, "start_compute", "finished", op.branch_id, op.endpoint_id],
    );
    assert.equal(res.body.operation.failures_count, 0);
  });

  it("answers 404 for an unknown operation id and for another project's operation", async () => {
    const unknown = randomUUID();
    assertError(await call(neon, "GET", `/projects/${pid}/operations/${unknown}`), 404, unknown);
    const foreign = neon.state().projects[otherPid].operations[0].id;
    assertError(await call(neon, "GET", `/projects/${pid}/operations/${foreign}`), 404);
    assertError(await call(neon, "GET", `/projects/no-such-project-1/operations`), 404);
  });

  it("refuses an unknown cursor and a limit outside 1–1000 with 400", async () => {
    assertError(await call(neon, "GET", `/projects/${pid}/operations?cursor=${randomUUID()}`), 400, "cursor");
    assertError(await call(neon, "GET", `/projects/${pid}/operations?limit=0`), 400, "limit");
    assertError(await call(neon, "GET", `/projects/${pid}/operations?limit=1001`), 400, "limit");
  });
});

describe("local Neon API: 423 for every locking mutation while operations run", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
  });
  after(() => neon.close());

  interface Fixture {
    pid: string;
    branchId: string;
    endpointId: string;
    /** A non-default branch, created last so its operation is the one still running. */
    spareBranchId?: string;
    /** A finished snapshot of the default branch (a spare branch then keeps the project busy). */
    snapshotId?: string;
    /** A role made before the project became busy again. */
    roleName?: string;
    /** A branch restored from a snapshot, not finalized: its restore's operations keep the project busy. */
    restoredBranchId?: string;
  }

  type Preparation = "spare branch" | "snapshot" | "role" | "restored branch";

  /** A project whose latest operations have just been scheduled, with what a case needs made before. */
  async function busyProject(prepare?: Preparation): Promise<Fixture> {
    const p = await createProject(neon);
    const fx: Fixture = { pid: p.project.id, branchId: p.branch.id, endpointId: p.endpoints[0].id };
    if (prepare === undefined) return fx;
    clock.advance(2000);
    if (prepare === "snapshot" || prepare === "restored branch") {
      fx.snapshotId = (await call(neon, "POST", `/projects/${fx.pid}/branches/${fx.branchId}/snapshot`)).body.snapshot.id;
      clock.advance(2000);
    }
    if (prepare === "role") {
      fx.roleName = (await call(neon, "POST", `/projects/${fx.pid}/branches/${fx.branchId}/roles`, { role: { name: "extra" } })).body.role.name;
      clock.advance(2000);
    }
    if (prepare === "restored branch") {
      fx.restoredBranchId = (await call(neon, "POST", `/projects/${fx.pid}/snapshots/${fx.snapshotId}/restore`, {})).body.branch.id;
    } else {
      fx.spareBranchId = (await createBranch(neon, fx.pid, { branch: { name: "spare" } })).branch.id;
    }
    return fx;
  }

  /** One case per route declared as taking the project lock (`locksProject`), checked below. */
  const cases: { operationId: string; prepare?: Preparation; request: (fx: Fixture) => [string, string, unknown?] }[] = [
    { operationId: "createProjectBranch", request: (fx) => ["POST", `/projects/${fx.pid}/branches`, { branch: { name: "new" } }] },
    { operationId: "deleteProjectBranch", prepare: "spare branch", request: (fx) => ["DELETE", `/projects/${fx.pid}/branches/${fx.spareBranchId}`] },
    { operationId: "setDefaultProjectBranch", prepare: "spare branch", request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.spareBranchId}/set_as_default`] },
    {
      operationId: "createProjectEndpoint",
      request: (fx) => ["POST", `/projects/${fx.pid}/endpoints`, { endpoint: { branch_id: fx.branchId, type: "read_only" } }],
    },
    { operationId: "updateProjectEndpoint", request: (fx) => ["PATCH", `/projects/${fx.pid}/endpoints/${fx.endpointId}`, { endpoint: { autoscaling_limit_max_cu: 1 } }] },
    { operationId: "startProjectEndpoint", request: (fx) => ["POST", `/projects/${fx.pid}/endpoints/${fx.endpointId}/start`] },
    { operationId: "suspendProjectEndpoint", request: (fx) => ["POST", `/projects/${fx.pid}/endpoints/${fx.endpointId}/suspend`] },
    { operationId: "restartProjectEndpoint", request: (fx) => ["POST", `/projects/${fx.pid}/endpoints/${fx.endpointId}/restart`] },
    { operationId: "deleteProjectEndpoint", request: (fx) => ["DELETE", `/projects/${fx.pid}/endpoints/${fx.endpointId}`] },
    { operationId: "createProjectBranchRole", request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.branchId}/roles`, { role: { name: "late" } }] },
    { operationId: "deleteProjectBranchRole", prepare: "role", request: (fx) => ["DELETE", `/projects/${fx.pid}/branches/${fx.branchId}/roles/${fx.roleName}`] },
    { operationId: "resetProjectBranchRolePassword", request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.branchId}/roles/neondb_owner/reset_password`] },
    {
      operationId: "createProjectBranchDatabase",
      request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.branchId}/databases`, { database: { name: "late", owner_name: "neondb_owner" } }],
    },
    { operationId: "updateProjectBranchDatabase", request: (fx) => ["PATCH", `/projects/${fx.pid}/branches/${fx.branchId}/databases/neondb`, { database: { name: "renamed" } }] },
    { operationId: "deleteProjectBranchDatabase", request: (fx) => ["DELETE", `/projects/${fx.pid}/branches/${fx.branchId}/databases/neondb`] },
    { operationId: "updateProject", request: (fx) => ["PATCH", `/projects/${fx.pid}`, { project: { name: "renamed", settings: { enable_logical_replication: true } } }] },
    { operationId: "createSnapshot", request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.branchId}/snapshot`] },
    { operationId: "deleteSnapshot", prepare: "snapshot", request: (fx) => ["DELETE", `/projects/${fx.pid}/snapshots/${fx.snapshotId}`] },
    { operationId: "restoreSnapshot", prepare: "snapshot", request: (fx) => ["POST", `/projects/${fx.pid}/snapshots/${fx.snapshotId}/restore`, {}] },
    { operationId: "finalizeRestoreBranch", prepare: "restored branch", request: (fx) => ["POST", `/projects/${fx.pid}/branches/${fx.restoredBranchId}/finalize_restore`] },
  ];

  it("has a case for exactly the routes declared as taking the project lock", () => {
    const declared = routes.filter((r) => r.locksProject).map((r) => r.operationId).sort();
    assert.deepEqual(cases.map((c) => c.operationId).sort(), declared);
  });

  it("are the routes the local Neon API's docs list as taking the project lock", () => {
    const readme = fs.readFileSync(path.join(packageRoot(), "docs", "local-neon-api.md"), "utf8");
    const paragraph = /These routes take the project\s+lock[\s\S]*?Each declares it/.exec(readme);
    assert.ok(paragraph, "the docs' paragraph on the project lock");
    const listed = [...paragraph[0].matchAll(/`(\w+)`/g)].map((m) => m[1]).filter((name) => name !== "423").sort();
    assert.deepEqual(listed, routes.filter((r) => r.locksProject).map((r) => r.operationId).sort());
  });

  it("refuses a valid change even when it would only stamp the project (a rename to its own name), whatever the clock's second", async () => {
    const fx = await busyProject();
    const name = neon.state().projects[fx.pid].project.name;
    for (const attempt of [1, 2]) {
      assertError(await call(neon, "PATCH", `/projects/${fx.pid}`, { project: { name } }), 423, "running conflicting operations");
      assert.equal(neon.state().projects[fx.pid].project.name, name, `attempt ${attempt}`);
    }
  });

  it("leaves an armed operation fault for the request that is accepted, not the one refused with 423", async () => {
    const fx = await busyProject();
    clock.advance(2000);
    const spare = await createBranch(neon, fx.pid, { branch: { name: "spare" } }); // busy again
    neon.faults.failNextOperations(fx.pid, { status: "failed" });
    assertError(await call(neon, "POST", `/projects/${fx.pid}/endpoints/${fx.endpointId}/restart`), 423, "running conflicting operations");
    assert.equal(neon.faults.list().operations.length, 1, "the fault is still armed");
    clock.advance(10_000);
    const accepted = await call(neon, "POST", `/projects/${fx.pid}/endpoints/${fx.endpointId}/restart`);
    assert.equal(accepted.status, 200);
    clock.advance(10_000);
    const operation = (await call(neon, "GET", `/projects/${fx.pid}/operations/${accepted.body.operations[0].id}`)).body.operation;
    assert.equal(operation.status, "failed", "the accepted restart met the fault");
    assert.ok(spare.branch.id);
  });

  it("answers a request with nothing to do (deleting what is already gone) as usual", async () => {
    const fx = await busyProject();
    assert.equal((await call(neon, "DELETE", `/projects/${fx.pid}/endpoints/ep-gone-12345678`)).status, 204);
  });

  for (const c of cases) {
    it(`${c.operationId}: 423 with Neon's message and nothing changed, then accepted once the operations finish`, async () => {
      const fx = await busyProject(c.prepare);
      const [method, path, body] = c.request(fx);
      const before = stateText(neon);
      const logged = neon.requestLog.length;
      const locked = await call(neon, method, path, body);
      assertError(locked, 423, "project already has running conflicting operations, scheduling of new ones is prohibited");
      assert.equal(locked.body.code, "LOCKED");
      assert.equal(stateText(neon), before, "the refused request changed nothing");
      assert.equal(neon.requestLog.length, logged + 1);
      assert.deepEqual(
        { method: neon.requestLog.at(-1)!.method, path: neon.requestLog.at(-1)!.path, status: neon.requestLog.at(-1)!.status },
        { method, path, status: 423 },
      );
      clock.advance(10_000);
      const accepted = await call(neon, method, path, body);
      assert.ok(accepted.status >= 200 && accepted.status < 300, `after the operations: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    });
  }

  it("does not lock reads, nor another project", async () => {
    const busy = await busyProject();
    const idle = await createProject(neon);
    clock.advance(2000);
    const stillBusy = await busyProject();
    assert.equal((await call(neon, "GET", `/projects/${stillBusy.pid}/branches`)).status, 200);
    assert.equal((await call(neon, "GET", `/projects/${stillBusy.pid}/operations`)).status, 200);
    assert.equal((await call(neon, "POST", `/projects/${idle.project.id}/branches`, { branch: { name: "free" } })).status, 201);
    assert.equal((await call(neon, "POST", `/projects/${busy.pid}/branches`, { branch: { name: "free" } })).status, 201);
  });
});

describe("local Neon API: operation history", () => {
  it("keeps the latest operations of a project and forgets the oldest settled ones", async () => {
    const { operationsKeptPerProject } = await import("../../emulator/operations");
    const neon = await startTestNeon();
    try {
      const created = (await call(neon, "POST", "/projects", { project: {} })).body;
      const id = created.project.id;
      const endpoint = created.endpoints[0].id;
      const firstOperation = created.operations[0].id;
      // Each suspend/start schedules one operation; instant operations settle at once.
      for (let i = 0; i < operationsKeptPerProject; i++) {
        assert.equal((await call(neon, "POST", `/projects/${id}/endpoints/${endpoint}/${i % 2 === 0 ? "suspend" : "start"}`)).status, 200);
      }
      assert.equal(neon.state().projects[id].operations.length, operationsKeptPerProject);
      assert.equal((await call(neon, "GET", `/projects/${id}/operations/${firstOperation}`)).status, 404);
    } finally {
      await neon.close();
    }
  });
});
