import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

describe("local Neon API: projects", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
  });
  after(() => neon.close());

  it("creates a project with Neon's defaults: branch main, role neondb_owner, database neondb, one read-write compute", async () => {
    const res = await call(neon, "POST", "/projects", { project: { name: "tenant-a" } });
    assert.equal(res.status, 201);
    const b = res.body;
    assert.match(b.project.id, /^[a-z]+-[a-z]+-\d{8}$/);
    assert.equal(b.project.name, "tenant-a");
    assert.equal(b.project.pg_version, 17);
    assert.equal(b.branch.name, "main");
    assert.equal(b.branch.default, true);
    assert.match(b.branch.id, /^br-/);
    assert.deepEqual(b.roles.map((r: any) => r.name), ["neondb_owner"]);
    assert.match(b.roles[0].password, /^npg_/);
    assert.deepEqual(b.databases.map((d: any) => [d.name, d.owner_name]), [["neondb", "neondb_owner"]]);
    assert.equal(b.endpoints.length, 1);
    assert.equal(b.endpoints[0].type, "read_write");
    assert.match(b.endpoints[0].host, /^ep-[a-z]+-[a-z]+-\d{8}\.us-east-2\.aws\.neon\.tech$/);
    const uri = new URL(b.connection_uris[0].connection_uri);
    assert.equal(uri.protocol, "postgresql:");
    assert.equal(uri.hostname, b.endpoints[0].host);
    assert.equal(uri.pathname, "/neondb");
    assert.equal(b.connection_uris[0].connection_parameters.pooler_host, b.endpoints[0].host.replace(/^(ep-[^.]+)/, "$1-pooler"));
    assert.deepEqual(b.operations.map((o: any) => [o.action, o.status]), [
      ["create_timeline", "scheduling"],
      ["start_compute", "scheduling"],
    ]);
  });

  it("moves operations scheduling → running → finished with the clock, one after another", async () => {
    const created = (await call(neon, "POST", "/projects", { project: {} })).body;
    const id = created.project.id;
    const [first, second] = created.operations.map((o: any) => o.id);
    const status = async (opId: string) => (await call(neon, "GET", `/projects/${id}/operations/${opId}`)).body.operation.status;
    clock.advance(200);
    assert.deepEqual([await status(first), await status(second)], ["running", "scheduling"]);
    clock.advance(800);
    assert.deepEqual([await status(first), await status(second)], ["finished", "scheduling"]);
    clock.advance(1000);
    assert.deepEqual([await status(first), await status(second)], ["finished", "finished"]);
    const endpoint = (await call(neon, "GET", `/projects/${id}/endpoints/${created.endpoints[0].id}`)).body.endpoint;
    assert.equal(endpoint.current_state, "active");
    const branch = (await call(neon, "GET", `/projects/${id}/branches/${created.branch.id}`)).body.branch;
    assert.equal(branch.current_state, "ready");
  });

  it("answers 423 with Neon's message while operations run, and accepts the change once they finish", async () => {
    const created = (await call(neon, "POST", "/projects", { project: {} })).body;
    const id = created.project.id;
    const locked = await call(neon, "POST", `/projects/${id}/branches`, { branch: { name: "dev" } });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.message, "project already has running conflicting operations, scheduling of new ones is prohibited");
    const branches = (await call(neon, "GET", `/projects/${id}/branches`)).body.branches;
    assert.equal(branches.length, 1, "the refused request created nothing");
    clock.advance(2000);
    const ok = await call(neon, "POST", `/projects/${id}/branches`, { branch: { name: "dev" } });
    assert.equal(ok.status, 201);
  });
});
