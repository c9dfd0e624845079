/**
 * Scale to zero with the data plane on: a compute's database starts on its first connection, stops
 * after `suspend_timeout_seconds` of idleness (Neon's default of five minutes when 0) with the
 * endpoint's `current_state` following, and starts again on the next connection; a compute
 * suspended or restarted through the API drops its connections. On a manual clock: no waiting.
 */
import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { NeonClient } from "../../provider/client";
import { LinkedClock } from "../support/linkedClock";
import { startTestNeon } from "../support/neonLocal";
import { postgresClient, query } from "../support/postgres";

describe("scale to zero with the data plane on", function () {
  this.timeout(120_000);
  let neon: NeonLocal;
  let clock: ManualClock;
  let api: NeonClient;

  before(async () => {
    clock = new ManualClock();
    neon = await startTestNeon({ clock, operationDelayMs: 20, dataPlane: { idleCheckMs: 0 } });
    api = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false, clock: new LinkedClock(clock) });
  });
  after(() => neon?.close());

  it("suspends an idle compute after its timeout, stopping its database, and starts it on the next connection", async () => {
    const created = await api.projects.create({ project: { name: "scale-to-zero" } });
    const projectId = created.project.id;
    const endpointId = created.endpoints[0]!.id;
    const uri = created.connection_uris[0]!.connection_uri;
    await query(uri, "create table t(x int); insert into t values (42)");
    const dataPlane = neon.dataPlane!;
    const state = async () => (await api.endpoints.get(projectId, endpointId)).endpoint;
    assert.ok(dataPlane.isRunning(projectId, created.branch.id));
    assert.equal((await state()).current_state, "active");

    clock.advance(299_000);
    assert.deepEqual(await dataPlane.suspendIdle(), [], "not before five minutes (suspend_timeout_seconds 0: Neon's default)");
    clock.advance(2_000);
    assert.deepEqual(await dataPlane.suspendIdle(), [endpointId]);
    assert.equal(dataPlane.isRunning(projectId, created.branch.id), false);
    const idle = await state();
    assert.equal(idle.current_state, "idle");
    assert.ok(idle.suspended_at);

    assert.deepEqual(await query(uri, "select x from t"), [{ x: 42 }], "the data stayed; the connection waited for the start");
    assert.ok(dataPlane.isRunning(projectId, created.branch.id));
    assert.equal((await state()).current_state, "active");
  });

  it("follows a compute's own timeout, and never suspends one set to -1", async () => {
    const created = await api.projects.create({ project: { name: "timeouts" } });
    const projectId = created.project.id;
    const endpointId = created.endpoints[0]!.id;
    await api.endpoints.update(projectId, endpointId, { endpoint: { suspend_timeout_seconds: 60 } });
    await query(created.connection_uris[0]!.connection_uri, "select 1");
    clock.advance(61_000);
    assert.ok((await neon.dataPlane!.suspendIdle()).includes(endpointId));

    await api.endpoints.update(projectId, endpointId, { endpoint: { suspend_timeout_seconds: -1 } });
    await query(created.connection_uris[0]!.connection_uri, "select 1");
    clock.advance(24 * 3600_000);
    assert.ok(!(await neon.dataPlane!.suspendIdle()).includes(endpointId));
  });

  it("stops the database of a compute suspended through the API, cutting its connections", async () => {
    const created = await api.projects.create({ project: { name: "api-suspend" } });
    const open = postgresClient(created.connection_uris[0]!.connection_uri);
    const cut = new Promise<Error>((resolve) => open.on("error", resolve));
    await open.connect();
    await open.query("select 1");

    await api.endpoints.suspend(created.project.id, created.endpoints[0]!.id);

    assert.ok(await cut);
    assert.equal((await api.endpoints.get(created.project.id, created.endpoints[0]!.id)).endpoint.current_state, "idle");
    await neon.dataPlane!.settled();
    assert.equal(neon.dataPlane!.isRunning(created.project.id, created.branch.id), false);
  });
});
