import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

/** Long enough for any chain of operations in these tests (1 s each) to finish. */
const settle = 60_000;

describe("local Neon API: snapshots", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
  });
  after(() => neon.close());

  /** A project whose creation operations have finished. */
  async function newProject() {
    const res = await call(neon, "POST", "/projects", { project: {} });
    assert.equal(res.status, 201);
    clock.advance(settle);
    return { id: res.body.project.id as string, main: res.body.branch.id as string, endpoint: res.body.endpoints[0] };
  }

  async function snapshotOf(projectId: string, branchId: string, query = "") {
    const res = await call(neon, "POST", `/projects/${projectId}/branches/${branchId}/snapshot${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    clock.advance(settle);
    return res.body.snapshot;
  }

  /** Restores a snapshot to a new branch and finalizes it (the two-step swap), operations finished; the new branch's id. */
  async function restoreAndFinalize(projectId: string, snapshotId: string): Promise<string> {
    const restoredId = (await call(neon, "POST", `/projects/${projectId}/snapshots/${snapshotId}/restore`, {})).body.branch.id;
    clock.advance(settle);
    assert.equal((await call(neon, "POST", `/projects/${projectId}/branches/${restoredId}/finalize_restore`)).status, 200);
    clock.advance(settle);
    return restoredId;
  }

  const branch = async (projectId: string, branchId: string) =>
    (await call(neon, "GET", `/projects/${projectId}/branches/${branchId}`)).body.branch;
  const connectionUri = async (projectId: string, pooled = false) => {
    const res = await call(neon, "GET", `/projects/${projectId}/connection_uri?database_name=neondb&role_name=neondb_owner${pooled ? "&pooled=true" : ""}`);
    assert.equal(res.status, 200);
    return res.body.uri as string;
  };

  describe("create", () => {
    it("takes a snapshot of the default branch with name, expires_at and lsn given as query parameters, and answers 200 with operations", async () => {
      const p = await newProject();
      const head = await snapshotOf(p.id, p.main);
      const expiresAt = new Date(clock.now() + 86_400_000).toISOString().replace(".000Z", "Z");
      const res = await call(
        neon,
        "POST",
        `/projects/${p.id}/branches/${p.main}/snapshot?name=before-migration&expires_at=${encodeURIComponent(expiresAt)}&lsn=${encodeURIComponent(head.lsn)}`,
      );
      assert.equal(res.status, 200);
      const s = res.body.snapshot;
      assert.match(s.id, /^[a-z0-9-]{1,60}$/);
      assert.equal(s.name, "before-migration");
      assert.equal(s.expires_at, expiresAt);
      assert.equal(s.lsn, head.lsn);
      assert.equal(s.source_branch_id, p.main);
      assert.equal(s.manual, true);
      assert.ok(res.body.operations.length >= 1);
      assert.ok(res.body.operations.every((o: any) => o.project_id === p.id));
      assert.equal("contents" in s, false, "internal fields are not shown");
    });

    it("takes a snapshot at a timestamp inside the history retention window", async () => {
      const p = await newProject();
      const at = new Date(clock.now() - 30_000).toISOString().replace(".000Z", "Z");
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?timestamp=${encodeURIComponent(at)}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.snapshot.timestamp, at);
    });

    it("refuses lsn together with timestamp (400)", async () => {
      const p = await newProject();
      const head = await snapshotOf(p.id, p.main);
      const at = encodeURIComponent(new Date(clock.now() - 1000).toISOString());
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?lsn=${encodeURIComponent(head.lsn)}&timestamp=${at}`);
      assert.equal(res.status, 400);
      assert.match(res.body.message, /lsn and timestamp/);
    });

    it("refuses a timestamp outside the history retention window, before the branch existed, or in the future (400)", async () => {
      const p = await newProject();
      const retentionMs = (await call(neon, "GET", `/projects/${p.id}`)).body.project.history_retention_seconds * 1000;
      clock.advance(retentionMs + 3_600_000);
      const snapshot = (at: number) =>
        call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?timestamp=${encodeURIComponent(new Date(at).toISOString())}`);

      const tooOld = await snapshot(clock.now() - retentionMs - 1000);
      assert.equal(tooOld.status, 400);
      assert.match(tooOld.body.message, /^timestamp: .*retention window/);
      const future = await snapshot(clock.now() + 60_000);
      assert.equal(future.status, 400);
      assert.match(future.body.message, /^timestamp: /);

      // Inside the window but before the branch was created: there is no history to take it from.
      const q = await newProject();
      const beforeBranch = await call(
        neon,
        "POST",
        `/projects/${q.id}/branches/${q.main}/snapshot?timestamp=${encodeURIComponent(new Date(Date.parse((await branch(q.id, q.main)).created_at) - 60_000).toISOString())}`,
      );
      assert.equal(beforeBranch.status, 400);
      assert.match(beforeBranch.body.message, /^timestamp: /);
      assert.deepEqual((await call(neon, "GET", `/projects/${p.id}/snapshots`)).body.snapshots, [], "refused requests created nothing");
    });

    it("refuses an lsn that is not an LSN or lies outside the branch's history (400)", async () => {
      const p = await newProject();
      const garbage = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?lsn=yesterday`);
      assert.equal(garbage.status, 400);
      assert.match(garbage.body.message, /^lsn: /);
      const ahead = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?lsn=${encodeURIComponent("FF/0")}`);
      assert.equal(ahead.status, 400);
      assert.match(ahead.body.message, /^lsn: .*outside/);
    });

    it("refuses an expires_at that has already passed (400)", async () => {
      const p = await newProject();
      const past = encodeURIComponent(new Date(clock.now() - 1000).toISOString());
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?expires_at=${past}`);
      assert.equal(res.status, 400);
      assert.match(res.body.message, /^expires_at: must be in the future/);
      const malformed = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/snapshot?expires_at=tomorrow`);
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.message, /^expires_at: /);
    });

    it("refuses to snapshot a child branch with a message saying only root branches can be snapshotted", async () => {
      const p = await newProject();
      const child = await call(neon, "POST", `/projects/${p.id}/branches`, { branch: { name: "dev" } });
      assert.equal(child.status, 201);
      clock.advance(settle);
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${child.body.branch.id}/snapshot?name=nope`);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, "BAD_REQUEST");
      assert.match(res.body.message, new RegExp(`${child.body.branch.id} is not a root branch; snapshots can only be taken of root branches`));
    });

    it("answers 404 for an unknown branch or project", async () => {
      const p = await newProject();
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/br-missing-00000000/snapshot`)).status, 404);
      assert.equal((await call(neon, "POST", `/projects/missing-project-1/branches/${p.main}/snapshot`)).status, 404);
    });
  });

  describe("list, update and delete", () => {
    it("lists the project's snapshots", async () => {
      const p = await newProject();
      const a = await snapshotOf(p.id, p.main, "?name=a");
      const b = await snapshotOf(p.id, p.main, "?name=b");
      const res = await call(neon, "GET", `/projects/${p.id}/snapshots`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.snapshots.map((s: any) => [s.id, s.name]).sort(), [[a.id, "a"], [b.id, "b"]].sort());
    });

    it("renames a snapshot and changes its expires_at with PATCH", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main, "?name=old");
      const expiresAt = new Date(clock.now() + 7 * 86_400_000).toISOString().replace(".000Z", "Z");
      const res = await call(neon, "PATCH", `/projects/${p.id}/snapshots/${s.id}`, { snapshot: { name: "new", expires_at: expiresAt } });
      assert.equal(res.status, 200);
      assert.equal(res.body.snapshot.name, "new");
      assert.equal(res.body.snapshot.expires_at, expiresAt);
      const listed = (await call(neon, "GET", `/projects/${p.id}/snapshots`)).body.snapshots.find((x: any) => x.id === s.id);
      assert.equal(listed.name, "new");
      assert.equal(listed.expires_at, expiresAt);

      const past = await call(neon, "PATCH", `/projects/${p.id}/snapshots/${s.id}`, { snapshot: { expires_at: new Date(clock.now() - 1).toISOString() } });
      assert.equal(past.status, 400);
      assert.equal((await call(neon, "PATCH", `/projects/${p.id}/snapshots/snap-missing-1`, { snapshot: { name: "x" } })).status, 404);
    });

    it("deletes a snapshot with 202 and operations; it is then gone", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const res = await call(neon, "DELETE", `/projects/${p.id}/snapshots/${s.id}`);
      assert.equal(res.status, 202);
      assert.ok(Array.isArray(res.body.operations) && res.body.operations.length >= 1);
      clock.advance(settle);
      assert.deepEqual((await call(neon, "GET", `/projects/${p.id}/snapshots`)).body.snapshots, []);
      assert.equal((await call(neon, "PATCH", `/projects/${p.id}/snapshots/${s.id}`, { snapshot: { name: "x" } })).status, 404);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, {})).status, 404);
      assert.equal((await call(neon, "DELETE", `/projects/${p.id}/snapshots/${s.id}`)).status, 404);
    });

    it("drops a snapshot once its expires_at has passed", async () => {
      const p = await newProject();
      const expiresAt = new Date(clock.now() + 3_600_000).toISOString();
      const s = await snapshotOf(p.id, p.main, `?expires_at=${encodeURIComponent(expiresAt)}`);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/snapshots`)).body.snapshots.length, 1);
      clock.advance(3_600_000);
      assert.deepEqual((await call(neon, "GET", `/projects/${p.id}/snapshots`)).body.snapshots, []);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, {})).status, 404);
    });
  });

  describe("restore", () => {
    it("restores to a new branch with restored_from, restore_status restored and the snapshot's roles and databases", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main, "?name=s1");
      // Changes after the snapshot are not in the restored branch.
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/roles`, { role: { name: "late_role" } })).status, 201);
      clock.advance(settle);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/databases`, { database: { name: "latedb", owner_name: "neondb_owner" } })).status, 201);
      clock.advance(settle);

      const res = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "restored-1" });
      assert.equal(res.status, 200);
      const restored = res.body.branch;
      assert.notEqual(restored.id, p.main);
      assert.equal(restored.name, "restored-1");
      assert.equal(restored.restored_from, s.id);
      assert.equal(restored.restore_status, "restored");
      assert.equal(restored.default, false);
      assert.equal("restored_as" in restored, false);
      assert.equal("restore_target_id" in restored, false, "internal fields are not shown");
      assert.ok(res.body.operations.length >= 1);
      clock.advance(settle);

      const roles = (await call(neon, "GET", `/projects/${p.id}/branches/${restored.id}/roles`)).body.roles;
      assert.deepEqual(roles.map((r: any) => [r.name, r.branch_id]), [["neondb_owner", restored.id]]);
      const dbs = (await call(neon, "GET", `/projects/${p.id}/branches/${restored.id}/databases`)).body.databases;
      assert.deepEqual(dbs.map((d: any) => [d.name, d.owner_name, d.branch_id]), [["neondb", "neondb_owner", restored.id]]);
      const original = (await call(neon, "GET", `/projects/${p.id}/branches/${p.main}/databases`)).body.databases;
      assert.ok(!original.some((d: any) => dbs.some((r: any) => r.id === d.id)), "database ids are new");
      assert.equal((await branch(p.id, restored.id)).current_state, "ready");
      assert.equal((await branch(p.id, p.main)).name, "main", "the original is untouched until finalized");
    });

    it("generates a name when none is given and still accepts the deprecated ?name= query parameter", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const generated = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`);
      assert.equal(generated.status, 200);
      assert.ok(generated.body.branch.name.length > 0);
      clock.advance(settle);
      const legacy = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore?name=legacy-name`);
      assert.equal(legacy.status, 200);
      assert.equal(legacy.body.branch.name, "legacy-name");
      clock.advance(settle);
      const clash = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "main" });
      assert.equal(clash.status, 409);
    });

    it("checks the deprecated ?name= as it checks the body's name (a name Neon could not store is a 400 naming it)", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const branchesBefore = (await call(neon, "GET", `/projects/${p.id}/branches`)).body.branches.length;
      const tooLong = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore?name=${"x".repeat(257)}`);
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body.message, /\bname\b/);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches`)).body.branches.length, branchesBefore);
    });

    it("answers 400 for a target_branch_id that does not exist", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const res = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { target_branch_id: "br-missing-00000000" });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /^target_branch_id: /);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches`)).body.branches.length, 1, "nothing was created");
    });
  });

  describe("finalize", () => {
    it("swaps the restored branch into the original's place: name, default flag, computes (same endpoint id, host and connection URI)", async () => {
      const p = await newProject();
      const uriBefore = await connectionUri(p.id);
      const pooledBefore = await connectionUri(p.id, true);
      const s = await snapshotOf(p.id, p.main);
      const restore = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "candidate" });
      assert.equal(restore.status, 200);
      assert.deepEqual(restore.body.endpoints, [], "a restore that is not finalized has no compute yet");
      const restoredId = restore.body.branch.id;
      clock.advance(settle);

      const res = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`, { name: "main-before-restore" });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.operations.map((o: any) => [o.action, o.endpoint_id]), [
        ["suspend_compute", p.endpoint.id],
        ["start_compute", p.endpoint.id],
      ]);
      clock.advance(settle);

      const restored = await branch(p.id, restoredId);
      assert.equal(restored.name, "main");
      assert.equal(restored.default, true);
      assert.equal(restored.restore_status, "finalized");
      assert.equal(restored.restored_as, p.main);
      assert.equal(restored.restored_from, s.id);
      const original = await branch(p.id, p.main);
      assert.equal(original.name, "main-before-restore");
      assert.equal(original.default, false);

      const endpoints = (await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/endpoints`)).body.endpoints;
      assert.deepEqual(endpoints.map((e: any) => [e.id, e.host, e.current_state]), [[p.endpoint.id, p.endpoint.host, "active"]]);
      assert.deepEqual((await call(neon, "GET", `/projects/${p.id}/branches/${p.main}/endpoints`)).body.endpoints, []);
      assert.equal(await connectionUri(p.id), uriBefore);
      assert.equal(await connectionUri(p.id, true), pooledBefore);
      const listed = (await call(neon, "GET", `/projects/${p.id}/branches`)).body.branches;
      assert.deepEqual(listed.filter((b: any) => b.default).map((b: any) => b.id), [restoredId], "exactly one default branch");
    });

    it("moves the Neon Auth integration and the Data API to the restored branch with the same URLs", async () => {
      const p = await newProject();
      const auth = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/auth`, { auth_provider: "better_auth" });
      assert.equal(auth.status, 201);
      const dataApi = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/data-api/neondb`, {});
      assert.equal(dataApi.status, 201);
      const s = await snapshotOf(p.id, p.main);
      const restoredId = await restoreAndFinalize(p.id, s.id);

      const movedAuth = await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/auth`);
      assert.equal(movedAuth.status, 200);
      assert.equal(movedAuth.body.branch_id, restoredId);
      assert.equal(movedAuth.body.base_url, auth.body.base_url);
      assert.equal(movedAuth.body.jwks_url, auth.body.jwks_url);
      assert.equal(movedAuth.body.auth_provider_project_id, auth.body.auth_provider_project_id);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches/${p.main}/auth`)).status, 404);

      const movedApi = await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/data-api/neondb`);
      assert.equal(movedApi.status, 200);
      assert.equal(movedApi.body.url, dataApi.body.url);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches/${p.main}/data-api/neondb`)).status, 404);
    });

    it("finalizes at once with finalize_restore: true and gives the original a generated name", async () => {
      const p = await newProject();
      const uriBefore = await connectionUri(p.id);
      const s = await snapshotOf(p.id, p.main);
      const res = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "temp", finalize_restore: true });
      assert.equal(res.status, 200);
      assert.equal(res.body.branch.name, "main");
      assert.equal(res.body.branch.default, true);
      assert.equal(res.body.branch.restore_status, "finalized");
      assert.equal(res.body.branch.restored_as, p.main);
      assert.deepEqual(res.body.endpoints.map((e: any) => e.id), [p.endpoint.id]);
      clock.advance(settle);
      const original = await branch(p.id, p.main);
      assert.notEqual(original.name, "main");
      assert.notEqual(original.name, "temp");
      assert.match(original.name, /^main/);
      assert.equal(original.default, false);
      assert.equal(await connectionUri(p.id), uriBefore);
    });

    it("restores into target_branch_id and finalizing replaces that branch, not the snapshot's source", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const other = await call(neon, "POST", `/projects/${p.id}/branches`, {
        branch: { name: "staging", init_source: "schema-only" },
        endpoints: [{ type: "read_write" }],
      });
      assert.equal(other.status, 201);
      clock.advance(settle);
      const restore = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { target_branch_id: other.body.branch.id });
      assert.equal(restore.status, 200);
      clock.advance(settle);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${restore.body.branch.id}/finalize_restore`, { name: "staging-old" })).status, 200);
      clock.advance(settle);
      const restored = await branch(p.id, restore.body.branch.id);
      assert.equal(restored.name, "staging");
      assert.equal(restored.restored_as, other.body.branch.id);
      assert.equal(restored.default, false, "the target was not the default branch");
      assert.equal((await branch(p.id, other.body.branch.id)).name, "staging-old");
      assert.equal((await branch(p.id, p.main)).name, "main");
      assert.equal((await branch(p.id, p.main)).default, true);
      const endpoints = (await call(neon, "GET", `/projects/${p.id}/branches/${restored.id}/endpoints`)).body.endpoints;
      assert.deepEqual(endpoints.map((e: any) => e.id), [other.body.endpoints[0].id]);
    });

    it("may give the original the name the restored branch had", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const restoredId = (await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "swap" })).body.branch.id;
      clock.advance(settle);
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`, { name: "swap" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      clock.advance(settle);
      assert.equal((await branch(p.id, p.main)).name, "swap");
      assert.equal((await branch(p.id, restoredId)).name, "main");
    });

    it("refuses (400) to finalize a branch that is not an un-finalized restore", async () => {
      const p = await newProject();
      const plain = await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/finalize_restore`);
      assert.equal(plain.status, 400);
      assert.match(plain.body.message, /not created by a snapshot restore awaiting finalization/);

      const s = await snapshotOf(p.id, p.main);
      const restoredId = await restoreAndFinalize(p.id, s.id);
      const again = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`);
      assert.equal(again.status, 400);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/br-missing-00000000/finalize_restore`)).status, 404);
    });

    it("refuses (400) to finalize while the restored branch has its own read-write compute, which would leave it two", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const restoredId = (await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, {})).body.branch.id;
      clock.advance(settle);
      const preview = await call(neon, "POST", `/projects/${p.id}/endpoints`, { endpoint: { branch_id: restoredId, type: "read_write" } });
      assert.equal(preview.status, 201);
      clock.advance(settle);
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`);
      assert.equal(res.status, 400);
      assert.match(res.body.message, new RegExp(`${preview.body.endpoint.id}`));
      assert.equal((await branch(p.id, restoredId)).restore_status, "restored");
      // Once the preview compute is gone, the original's compute can move.
      assert.equal((await call(neon, "DELETE", `/projects/${p.id}/endpoints/${preview.body.endpoint.id}`)).status, 200);
      clock.advance(settle);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`)).status, 200);
      clock.advance(settle);
      const endpoints = (await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/endpoints`)).body.endpoints;
      assert.deepEqual(endpoints.map((e: any) => e.id), [p.endpoint.id]);
    });

    it("refuses (400) to finalize while both branches have a Neon Auth integration, rather than drop the restored one's", async () => {
      const p = await newProject();
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${p.main}/auth`, { auth_provider: "better_auth" })).status, 201);
      const s = await snapshotOf(p.id, p.main);
      const restoredId = (await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, {})).body.branch.id;
      clock.advance(settle);
      const own = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/auth`, { auth_provider: "stack" });
      assert.equal(own.status, 201);
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`);
      assert.equal(res.status, 400);
      assert.match(res.body.message, /has its own Neon Auth integration/);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/auth`)).body.auth_provider, "stack");
      assert.equal((await call(neon, "DELETE", `/projects/${p.id}/branches/${restoredId}/auth`)).status, 200);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`)).status, 200);
      assert.equal((await call(neon, "GET", `/projects/${p.id}/branches/${restoredId}/auth`)).body.auth_provider, "better_auth");
    });

    it("refuses a rename of the original to a name another branch has (409) without changing anything", async () => {
      const p = await newProject();
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches`, { branch: { name: "taken" } })).status, 201);
      clock.advance(settle);
      const s = await snapshotOf(p.id, p.main);
      const restoredId = (await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, { name: "r" })).body.branch.id;
      clock.advance(settle);
      const res = await call(neon, "POST", `/projects/${p.id}/branches/${restoredId}/finalize_restore`, { name: "taken" });
      assert.equal(res.status, 409);
      assert.equal((await branch(p.id, restoredId)).restore_status, "restored");
      assert.equal((await branch(p.id, p.main)).name, "main");
    });

    it("answers 423 while the restore's operations run, and finalizes once they have finished", async () => {
      const p = await newProject();
      const s = await snapshotOf(p.id, p.main);
      const restore = await call(neon, "POST", `/projects/${p.id}/snapshots/${s.id}/restore`, {});
      assert.equal(restore.status, 200);
      assert.ok(restore.body.operations.every((o: any) => o.status === "scheduling" || o.status === "running"));
      const locked = await call(neon, "POST", `/projects/${p.id}/branches/${restore.body.branch.id}/finalize_restore`);
      assert.equal(locked.status, 423);
      assert.equal(locked.body.message, "project already has running conflicting operations, scheduling of new ones is prohibited");
      assert.equal((await branch(p.id, restore.body.branch.id)).restore_status, "restored", "the refused finalize changed nothing");
      clock.advance(settle);
      assert.equal((await call(neon, "POST", `/projects/${p.id}/branches/${restore.body.branch.id}/finalize_restore`)).status, 200);
    });
  });
});

describe("local Neon API: snapshots with instant operations", () => {
  let neon: NeonLocal;
  before(async () => {
    neon = await startTestNeon({ clock: new ManualClock(), operationDelayMs: 0 });
  });
  after(() => neon.close());

  it("gives each replaced branch its own generated name, even when two restores are finalized in the same second", async () => {
    const created = (await call(neon, "POST", "/projects", { project: {} })).body;
    const id = created.project.id;
    const s = (await call(neon, "POST", `/projects/${id}/branches/${created.branch.id}/snapshot`)).body.snapshot;
    // The second restore replaces the branch the first one put in main's place.
    let target = created.branch.id;
    for (let i = 0; i < 2; i++) {
      const res = await call(neon, "POST", `/projects/${id}/snapshots/${s.id}/restore`, { finalize_restore: true, target_branch_id: target });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      target = res.body.branch.id;
    }
    const names = (await call(neon, "GET", `/projects/${id}/branches`)).body.branches.map((b: any) => b.name);
    assert.equal(new Set(names).size, names.length, `branch names are unique: ${names.join(", ")}`);
    assert.equal(names.filter((n: string) => n === "main").length, 1);
  });
});
