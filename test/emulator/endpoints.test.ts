import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, stateText } from "./fixtures";

describe("local Neon API: creating and changing computes", () => {
  let neon: NeonLocal;
  let pid: string;
  let mainId: string;
  let mainEndpointId: string;

  before(async () => {
    neon = await startTestNeon();
    const p = await createProject(neon, { region_id: "aws-us-west-2" });
    pid = p.project.id;
    mainId = p.branch.id;
    mainEndpointId = p.endpoints[0].id;
  });
  after(() => neon.close());

  const create = (endpoint: Record<string, unknown>) => call(neon, "POST", `/projects/${pid}/endpoints`, { endpoint });

  it("creates a read-only compute on a branch, in the project's region, and starts it", async () => {
    const res = await create({ branch_id: mainId, type: "read_only", name: "reporting", autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 });
    assert.equal(res.status, 201);
    const ep = res.body.endpoint;
    assert.match(ep.id, /^ep-[a-z]+-[a-z]+-\d{8}$/);
    assert.equal(ep.host, `${ep.id}.us-west-2.aws.neon.tech`);
    assert.deepEqual([ep.type, ep.branch_id, ep.region_id, ep.name], ["read_only", mainId, "aws-us-west-2", "reporting"]);
    assert.deepEqual([ep.autoscaling_limit_min_cu, ep.autoscaling_limit_max_cu], [0.5, 2]);
    assert.deepEqual(res.body.operations.map((o: any) => [o.action, o.endpoint_id]), [["start_compute", ep.id]]);
    const got = await call(neon, "GET", `/projects/${pid}/endpoints/${ep.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.endpoint.id, ep.id);
    assert.equal(got.body.endpoint.current_state, "active");
  });

  it("merges settings key by key on PATCH: new pg_settings keep the PgBouncer settings", async () => {
    const created = await create({ branch_id: mainId, type: "read_only", settings: { pg_settings: { work_mem: "4MB" }, pgbouncer_settings: { max_client_conn: "500" } } });
    assert.equal(created.status, 201);
    const id = created.body.endpoint.id;
    const patched = await call(neon, "PATCH", `/projects/${pid}/endpoints/${id}`, { endpoint: { settings: { pg_settings: { work_mem: "64MB" } } } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.endpoint.settings, { pg_settings: { work_mem: "64MB" }, pgbouncer_settings: { max_client_conn: "500" } });
  });

  it("lists every compute of the project", async () => {
    const res = await call(neon, "GET", `/projects/${pid}/endpoints`);
    assert.equal(res.status, 200);
    const ids = res.body.endpoints.map((e: any) => e.id);
    assert.ok(ids.includes(mainEndpointId));
    assert.deepEqual(ids.sort(), Object.keys(neon.state().projects[pid].endpoints).sort());
  });

  it("allows at most one read_write compute per branch (400) but any number of read_only ones", async () => {
    const before = stateText(neon);
    assertError(await create({ branch_id: mainId, type: "read_write" }), 400, "read_write");
    assert.equal(stateText(neon), before);
    assert.equal((await create({ branch_id: mainId, type: "read_only" })).status, 201);
    assert.equal((await create({ branch_id: mainId, type: "read_only" })).status, 201);
    const branch = await createBranch(neon, pid, { branch: { name: "rw-free" } });
    assert.equal((await create({ branch_id: branch.branch.id, type: "read_write" })).status, 201);
  });

  it("refuses a compute for an unknown branch, naming endpoint.branch_id", async () => {
    assertError(await create({ branch_id: "br-no-such-branch-1", type: "read_only" }), 400, "endpoint.branch_id");
  });

  it("refuses a region other than the project's, naming endpoint.region_id", async () => {
    const before = stateText(neon);
    assertError(await create({ branch_id: mainId, type: "read_only", region_id: "aws-eu-central-1" }), 400, "endpoint.region_id");
    assert.equal(stateText(neon), before);
    assert.equal((await create({ branch_id: mainId, type: "read_only", region_id: "aws-us-west-2" })).status, 201);
  });

  it("refuses autoscaling limits below 0.25 CU, naming the field", async () => {
    assertError(await create({ branch_id: mainId, type: "read_only", autoscaling_limit_min_cu: 0.1 }), 400, "endpoint.autoscaling_limit_min_cu");
    assertError(await create({ branch_id: mainId, type: "read_only", autoscaling_limit_max_cu: 0 }), 400, "endpoint.autoscaling_limit_max_cu");
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/endpoints/${mainEndpointId}`, { endpoint: { autoscaling_limit_min_cu: 0.2 } }),
      400,
      "endpoint.autoscaling_limit_min_cu",
    );
  });

  it("refuses min CU above max CU on create and on update, also when the other bound is the current or default one", async () => {
    const before = stateText(neon);
    assertError(await create({ branch_id: mainId, type: "read_only", autoscaling_limit_min_cu: 2, autoscaling_limit_max_cu: 1 }), 400, "autoscaling_limit_min_cu");
    // The default max is 2 CU.
    assertError(await create({ branch_id: mainId, type: "read_only", autoscaling_limit_min_cu: 3 }), 400, "autoscaling_limit_min_cu");
    // The compute has max 2 CU now.
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/endpoints/${mainEndpointId}`, { endpoint: { autoscaling_limit_min_cu: 4 } }),
      400,
      "autoscaling_limit_min_cu",
    );
    assert.equal(stateText(neon), before);
  });

  it("accepts suspend_timeout_seconds -1 (never) and 604800 (one week), and refuses -2 and 604801", async () => {
    const never = await create({ branch_id: mainId, type: "read_only", suspend_timeout_seconds: -1 });
    assert.equal(never.status, 201);
    assert.equal(never.body.endpoint.suspend_timeout_seconds, -1);
    const week = await call(neon, "PATCH", `/projects/${pid}/endpoints/${never.body.endpoint.id}`, { endpoint: { suspend_timeout_seconds: 604800 } });
    assert.equal(week.status, 200);
    assert.equal(week.body.endpoint.suspend_timeout_seconds, 604800);
    const before = stateText(neon);
    assertError(await create({ branch_id: mainId, type: "read_only", suspend_timeout_seconds: -2 }), 400, "endpoint.suspend_timeout_seconds");
    assertError(await create({ branch_id: mainId, type: "read_only", suspend_timeout_seconds: 604801 }), 400, "endpoint.suspend_timeout_seconds");
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/endpoints/${mainEndpointId}`, { endpoint: { suspend_timeout_seconds: 604801 } }),
      400,
      "endpoint.suspend_timeout_seconds",
    );
    assert.equal(stateText(neon), before);
  });

  it("updates limits, settings, name and pooler settings with an apply_config operation", async () => {
    const res = await call(neon, "PATCH", `/projects/${pid}/endpoints/${mainEndpointId}`, {
      endpoint: {
        autoscaling_limit_min_cu: 1,
        autoscaling_limit_max_cu: 4,
        name: "primary",
        settings: { pg_settings: { work_mem: "64MB" } },
        pooler_mode: "transaction",
      },
    });
    assert.equal(res.status, 200);
    const ep = res.body.endpoint;
    assert.deepEqual([ep.autoscaling_limit_min_cu, ep.autoscaling_limit_max_cu, ep.name], [1, 4, "primary"]);
    assert.deepEqual(ep.settings, { pg_settings: { work_mem: "64MB" } });
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["apply_config"]);
    const got = (await call(neon, "GET", `/projects/${pid}/endpoints/${mainEndpointId}`)).body.endpoint;
    assert.deepEqual([got.autoscaling_limit_min_cu, got.autoscaling_limit_max_cu, got.name], [1, 4, "primary"]);
    // Only what was sent changes: a later PATCH of the max keeps the min.
    const later = await call(neon, "PATCH", `/projects/${pid}/endpoints/${mainEndpointId}`, { endpoint: { autoscaling_limit_max_cu: 2 } });
    assert.deepEqual([later.body.endpoint.autoscaling_limit_min_cu, later.body.endpoint.autoscaling_limit_max_cu], [1, 2]);
  });

  it("moves a compute to another branch with branch_id, unless that branch already has a read_write compute", async () => {
    const target = await createBranch(neon, pid, { branch: { name: "move-target" } });
    const occupied = await createBranch(neon, pid, { branch: { name: "occupied" }, endpoints: [{ type: "read_write" }] });
    const ep = (await create({ branch_id: target.branch.id, type: "read_write" })).body.endpoint;
    const before = stateText(neon);
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/endpoints/${ep.id}`, { endpoint: { branch_id: occupied.branch.id } }),
      400,
      "endpoint.branch_id",
    );
    assert.equal(stateText(neon), before);
    const free = await createBranch(neon, pid, { branch: { name: "free" } });
    const moved = await call(neon, "PATCH", `/projects/${pid}/endpoints/${ep.id}`, { endpoint: { branch_id: free.branch.id } });
    assert.equal(moved.body.endpoint.branch_id, free.branch.id);
    const listed = (await call(neon, "GET", `/projects/${pid}/branches/${free.branch.id}/endpoints`)).body.endpoints;
    assert.deepEqual(listed.map((e: any) => e.id), [ep.id]);
  });

  it("answers 404 for an unknown compute on GET, PATCH, start, suspend and restart", async () => {
    const id = "ep-no-such-compute-1";
    assertError(await call(neon, "GET", `/projects/${pid}/endpoints/${id}`), 404, id);
    assertError(await call(neon, "PATCH", `/projects/${pid}/endpoints/${id}`, { endpoint: { name: "x" } }), 404, id);
    for (const action of ["start", "suspend", "restart"]) assertError(await call(neon, "POST", `/projects/${pid}/endpoints/${id}/${action}`), 404, id);
  });

  it("deletes a compute (200 with the compute and a suspend), then answers 404 on GET and 204 on a second DELETE", async () => {
    const ep = (await create({ branch_id: mainId, type: "read_only" })).body.endpoint;
    const del = await call(neon, "DELETE", `/projects/${pid}/endpoints/${ep.id}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.endpoint.id, ep.id);
    assert.deepEqual(del.body.operations.map((o: any) => o.action), ["suspend_compute"]);
    assertError(await call(neon, "GET", `/projects/${pid}/endpoints/${ep.id}`), 404);
    assert.equal(neon.state().projects[pid].endpoints[ep.id], undefined);
    const again = await call(neon, "DELETE", `/projects/${pid}/endpoints/${ep.id}`);
    assert.equal(again.status, 204);
    assert.equal(again.body, undefined);
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/endpoints/ep-never-existed-1`)).status, 204);
  });
});

describe("local Neon API: compute states over time", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  let pid: string;
  let epId: string;

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
    const p = await createProject(neon);
    pid = p.project.id;
    epId = p.endpoints[0].id;
  });
  after(() => neon.close());

  const endpointNow = async (id = epId) => (await call(neon, "GET", `/projects/${pid}/endpoints/${id}`)).body.endpoint;

  it("starts as init with pending_state active, and is active once the start operation finishes", async () => {
    const first = await endpointNow();
    assert.deepEqual([first.current_state, first.pending_state], ["init", "active"]);
    clock.advance(2000);
    const later = await endpointNow();
    assert.equal(later.current_state, "active");
    assert.equal(later.pending_state, undefined);
    assert.equal(later.started_at, "2026-01-01T00:00:02Z");
  });

  it("suspends: pending idle while the operation runs, idle with suspended_at once it finishes", async () => {
    const res = await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/suspend`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.endpoint.current_state, res.body.endpoint.pending_state], ["active", "idle"]);
    assert.deepEqual(res.body.operations.map((o: any) => [o.action, o.status]), [["suspend_compute", "scheduling"]]);
    clock.advance(1000);
    const ep = await endpointNow();
    assert.equal(ep.current_state, "idle");
    assert.equal(ep.pending_state, undefined);
    assert.equal(ep.suspended_at, "2026-01-01T00:00:03Z");
  });

  it("starts an idle compute: active once the start operation finishes", async () => {
    const res = await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/start`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.endpoint.current_state, res.body.endpoint.pending_state], ["idle", "active"]);
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["start_compute"]);
    clock.advance(1000);
    assert.equal((await endpointNow()).current_state, "active");
  });

  it("restarts with a suspend then a start, ending active with a new started_at", async () => {
    const res = await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/restart`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["suspend_compute", "start_compute"]);
    clock.advance(1000);
    assert.equal((await endpointNow()).current_state, "idle", "suspended half-way through the restart");
    clock.advance(1000);
    const ep = await endpointNow();
    assert.equal(ep.current_state, "active");
    assert.equal(ep.started_at, "2026-01-01T00:00:06Z");
  });

  it("answers 423 to start, suspend and restart while an operation runs, changing nothing", async () => {
    await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/suspend`);
    const before = stateText(neon);
    for (const action of ["start", "suspend", "restart"]) {
      assertError(await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/${action}`), 423);
    }
    assert.equal(stateText(neon), before);
    clock.advance(1000);
    assert.equal((await endpointNow()).current_state, "idle");
  });

  it("creates a disabled compute idle, without starting it, and refuses to start or restart it", async () => {
    const branch = await createBranch(neon, pid, { branch: { name: "cold" } });
    clock.advance(1000);
    const res = await call(neon, "POST", `/projects/${pid}/endpoints`, { endpoint: { branch_id: branch.branch.id, type: "read_write", disabled: true } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.operations, []);
    assert.equal(res.body.endpoint.disabled, true);
    const id = res.body.endpoint.id;
    clock.advance(60_000);
    const ep = await endpointNow(id);
    assert.equal(ep.current_state, "idle");
    assert.equal(ep.pending_state, undefined);
    const before = stateText(neon);
    assertError(await call(neon, "POST", `/projects/${pid}/endpoints/${id}/start`), 400, "disabled");
    assertError(await call(neon, "POST", `/projects/${pid}/endpoints/${id}/restart`), 400, "disabled");
    assert.equal(stateText(neon), before);
    // Enabling it and starting it brings it up.
    const enabled = await call(neon, "PATCH", `/projects/${pid}/endpoints/${id}`, { endpoint: { disabled: false } });
    assert.equal(enabled.body.endpoint.disabled, false);
    clock.advance(1000);
    assert.equal((await call(neon, "POST", `/projects/${pid}/endpoints/${id}/start`)).status, 200);
    clock.advance(1000);
    assert.equal((await endpointNow(id)).current_state, "active");
  });

  it("suspends a compute that is disabled by PATCH", async () => {
    await call(neon, "POST", `/projects/${pid}/endpoints/${epId}/start`);
    clock.advance(1000);
    assert.equal((await endpointNow()).current_state, "active");
    const res = await call(neon, "PATCH", `/projects/${pid}/endpoints/${epId}`, { endpoint: { disabled: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["suspend_compute"]);
    assert.deepEqual([res.body.endpoint.current_state, res.body.endpoint.pending_state], ["active", "idle"], "as POST …/suspend says it");
    clock.advance(1000);
    const ep = await endpointNow();
    assert.deepEqual([ep.disabled, ep.current_state, ep.pending_state], [true, "idle", undefined]);
  });
});
