import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { call } from "../support/neonLocal";
import { checkAndCreate, createProjectThroughProvider, useNeonForProviderTests, withoutRetries } from "../support/providerContext";

describe("Snapshot provider against the local Neon API", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  useNeonForProviderTests({ onExchange: (e) => exchanges.push(e) }, (started) => (neon = started));

  const createSnapshot = (inputs: Record<string, unknown>) => checkAndCreate(snapshot, inputs);

  /** What the provider sent from here on. */
  const mark = () => {
    const from = exchanges.length;
    return () => exchanges.slice(from).map((e) => ({ method: e.method, route: e.route, status: e.status, query: Object.fromEntries(e.query), body: e.requestBody }));
  };

  it("puts the default branch on the checkpoint marked restoreDefaultBranch, in place, and back on another one", async () => {
    const p = await createProjectThroughProvider("snap-active");
    const endpointBefore = p.outs.defaultEndpointId;
    // Two checkpoints, neither active: the default branch stays as it is.
    const a = await createSnapshot({ projectId: p.id, name: "a", restoreDefaultBranch: false });
    const b = await createSnapshot({ projectId: p.id, name: "b", restoreDefaultBranch: false });
    const defaultBranch = () => Object.values(neon.state().projects[p.id].branches).find((br) => br.branch.default)!.branch;
    assert.equal(defaultBranch().id, p.outs.defaultBranchId);
    assert.equal((a.outs as any).restoreDefaultBranch, false);

    // Mark a active: an update of a, nothing else; the default branch is now restored from a.
    const aActive = { projectId: p.id, name: "a", restoreDefaultBranch: true };
    assert.deepEqual(await snapshot.diff(a.id, a.outs as never, aActive), { changes: true, replaces: [], deleteBeforeReplace: false });
    const aUpdated = (await snapshot.update(a.id, a.outs as never, aActive as never)).outs as Record<string, any>;
    assert.equal(defaultBranch().restored_from, a.id);
    assert.notEqual(defaultBranch().id, p.outs.defaultBranchId);
    const endpoints = Object.values(neon.state().projects[p.id].endpoints);
    assert.deepEqual(endpoints.map((e) => [e.id, e.branch_id]), [[endpointBefore, defaultBranch().id]], "the compute moved with the branch");
    assert.equal(neon.state().projects[p.id].branches[p.outs.defaultBranchId], undefined, "the superseded branch is removed");
    assert.equal(aUpdated.restoreDefaultBranch, true);

    // A refresh agrees; updating a again (a rename) does not restore twice.
    const read = (await snapshot.read(a.id, aUpdated as never)) as any;
    assert.equal(read.inputs.restoreDefaultBranch, true);
    const restoresBefore = neon.requestLog.filter((r) => r.operationId === "restoreSnapshot").length;
    await snapshot.update(a.id, aUpdated as never, { ...aActive, name: "a2" } as never);
    assert.equal(neon.requestLog.filter((r) => r.operationId === "restoreSnapshot").length, restoresBefore);

    // Move to b: a is switched off (nothing happens), b on (restored). A refresh of a now says false.
    await snapshot.update(b.id, b.outs as never, { projectId: p.id, name: "b", restoreDefaultBranch: true } as never);
    assert.equal(defaultBranch().restored_from, b.id);
    const readA = (await snapshot.read(a.id, { ...aUpdated, name: "a2" } as never)) as any;
    assert.equal(readA.inputs.restoreDefaultBranch, false, "drift: the default branch is no longer on a");
  });

  it("keeps the live branch protected when carrying protection over fails once and the next update finishes the job", async () => {
    const p = await createProjectThroughProvider("snap-protected");
    await call(neon, "PATCH", `/projects/${p.id}/branches/${p.outs.defaultBranchId}`, { branch: { protected: true } });
    const a = await createSnapshot({ projectId: p.id, name: "a", restoreDefaultBranch: false });
    neon.faults.add({ match: { method: "PATCH", path: "/projects/{project_id}/branches/{branch_id}" }, action: { kind: "status", status: 500 }, times: 1 });
    const active = { projectId: p.id, name: "a", restoreDefaultBranch: true };
    await assert.rejects(withoutRetries(neon, () => snapshot.update(a.id, a.outs as never, active as never)));
    await snapshot.update(a.id, a.outs as never, active as never);
    const branches = Object.values(neon.state().projects[p.id].branches).map((b) => b.branch);
    assert.deepEqual(branches.map((b) => [b.default, b.protected, b.restored_from]), [[true, true, a.id]], "the live branch is protected; the superseded one is gone");
  });

  it("restores the default branch right after taking a snapshot created with restoreDefaultBranch", async () => {
    const p = await createProjectThroughProvider("snap-active-at-create");
    const created = await createSnapshot({ projectId: p.id, name: "now", restoreDefaultBranch: true });
    const branch = Object.values(neon.state().projects[p.id].branches).find((br) => br.branch.default)!.branch;
    assert.equal(branch.restored_from, created.id);
  });

  it("creates from the default branch with query parameters, reads, updates name and expiry in place, reads again and deletes", async () => {
    const p = await createProjectThroughProvider("snap-crud");
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const sent = mark();
    const inputs = { projectId: p.id, name: "checkpoint-1", expiresAt };
    const created = await createSnapshot(inputs);
    const outs = created.outs as Record<string, any>;
    const post = sent().find((e) => e.method === "POST")!;
    assert.equal(post.route, "/projects/{project_id}/branches/{branch_id}/snapshot");
    assert.deepEqual(post.query, { name: "checkpoint-1", expires_at: expiresAt });
    assert.equal(post.body, undefined, "snapshot parameters travel in the query, not a body");

    const live = neon.state().projects[p.id].snapshots[created.id];
    assert.equal(created.id, live.id);
    assert.equal(outs.snapshotId, created.id);
    assert.equal(outs.branchId, p.outs.defaultBranchId, "branchId unset: the default branch at create");
    assert.equal(outs.sourceBranchId, p.outs.defaultBranchId);
    assert.equal(outs.lsn, live.lsn);
    assert.deepEqual(outs.__declared, ["expiresAt", "name", "projectId"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);

    // A second `up` with the same inputs shows no changes; nor does one after a refresh.
    assert.equal((await snapshot.diff(created.id, outs, inputs)).changes, false);
    const read1 = (await snapshot.read(created.id, outs)) as any;
    assert.equal(read1.id, created.id);
    assert.deepEqual(read1.inputs, inputs);
    assert.equal((await snapshot.diff(created.id, read1.props, inputs)).changes, false);

    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const news = { projectId: p.id, name: "checkpoint-renamed", expiresAt: later };
    const d = await snapshot.diff(created.id, read1.props, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const sentUpdate = mark();
    const updated = (await snapshot.update(created.id, read1.props, news as never)).outs as Record<string, any>;
    const patches = sentUpdate().filter((e) => e.method !== "GET");
    assert.deepEqual(patches.map((e) => [e.method, e.route, e.body]), [
      ["PATCH", "/projects/{project_id}/snapshots/{snapshot_id}", { snapshot: { name: "checkpoint-renamed", expires_at: later } }],
    ]);
    assert.equal(neon.state().projects[p.id].snapshots[created.id].name, "checkpoint-renamed");
    assert.equal(updated.snapshotId, created.id);

    const read2 = (await snapshot.read(created.id, updated)) as any;
    assert.equal(read2.props.name, "checkpoint-renamed");
    assert.equal((await snapshot.diff(created.id, read2.props, news)).changes, false);

    const sentDelete = mark();
    await snapshot.del(created.id, read2.props);
    assert.deepEqual(sentDelete().filter((e) => e.method === "DELETE").map((e) => e.status), [202]);
    assert.equal(neon.state().projects[p.id].snapshots[created.id], undefined);
    await snapshot.del(created.id, read2.props); // already gone: still fine
  });

  it("PATCHes only what changed: a rename sends no expiry", async () => {
    const p = await createProjectThroughProvider("snap-patch-min");
    const created = await createSnapshot({ projectId: p.id, name: "a" });
    const sent = mark();
    await snapshot.update(created.id, created.outs as never, { projectId: p.id, name: "b" } as never);
    assert.deepEqual(sent().filter((e) => e.method === "PATCH").map((e) => e.body), [{ snapshot: { name: "b" } }]);
  });

  it("refuses a child branch with a clear message before calling Neon", async () => {
    const p = await createProjectThroughProvider("snap-child");
    const child = (await call(neon, "POST", `/projects/${p.id}/branches`, { branch: { name: "dev" } })).body.branch;
    const sent = mark();
    await assert.rejects(createSnapshot({ projectId: p.id, branchId: child.id }), /branchId: branch br-[a-z0-9-]+ \("dev"\) is a child of br-[a-z0-9-]+; Neon can only snapshot root branches/);
    assert.deepEqual(sent().filter((e) => e.method === "POST"), [], "no snapshot was requested");
  });

  it("snapshots a declared root branch at a timestamp, and the next up shows no changes for an equal instant", async () => {
    const p = await createProjectThroughProvider("snap-at-time");
    const branch = (await call(neon, "GET", `/projects/${p.id}/branches/${p.outs.defaultBranchId}`)).body.branch;
    const at = new Date(Math.max(Date.parse(branch.created_at), Date.now() - 1000));
    const stamp = at.toISOString().replace(/\.\d+Z$/, "Z");
    const inputs = { projectId: p.id, branchId: p.outs.defaultBranchId, timestamp: stamp };
    const created = await createSnapshot(inputs);
    assert.equal(neon.state().projects[p.id].snapshots[created.id].timestamp, stamp);
    const read = (await snapshot.read(created.id, created.outs as never)) as any;
    const sameInstant = { ...inputs, timestamp: stamp.replace("Z", ".000+00:00") };
    assert.equal((await snapshot.diff(created.id, read.props, sameInstant)).changes, false);
  });

  it("replaces for a new LSN, timestamp, declared branch or project, and updates for name and expiry", async () => {
    const p = await createProjectThroughProvider("snap-replace-keys");
    const inputs = { projectId: p.id, name: "x" };
    const outs = (await createSnapshot(inputs)).outs as Record<string, any>;
    const expect = async (news: Record<string, unknown>, replaces: string[]) => {
      const d = await snapshot.diff(outs.snapshotId, outs, { ...inputs, ...news });
      assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, replaces, false], JSON.stringify(news));
    };
    await expect({ lsn: "0/1" }, ["lsn"]);
    await expect({ timestamp: "2026-01-01T00:00:00Z" }, ["timestamp"]);
    await expect({ branchId: "br-other-1" }, ["branchId"]);
    await expect({ projectId: "other-project-1" }, ["projectId"]);
    await expect({ name: "y" }, []);
    await expect({ expiresAt: "2030-01-01T00:00:00Z" }, []);
    // Declaring the branch it was taken of is no change.
    assert.equal((await snapshot.diff(outs.snapshotId, outs, { ...inputs, branchId: p.outs.defaultBranchId })).changes, false);
  });

  it("read of a snapshot deleted outside Pulumi, or of a deleted project, reports it gone", async () => {
    const p = await createProjectThroughProvider("snap-gone");
    const created = await createSnapshot({ projectId: p.id });
    assert.equal((await call(neon, "DELETE", `/projects/${p.id}/snapshots/${created.id}`)).status, 202);
    assert.deepEqual(await snapshot.read(created.id, created.outs as never), {});
    const other = await createSnapshot({ projectId: p.id });
    await call(neon, "DELETE", `/projects/${p.id}`);
    assert.deepEqual(await snapshot.read(other.id, other.outs as never), {});
    await snapshot.del(other.id, other.outs as never); // project gone: nothing to delete
  });

  it("adopts an existing snapshot, applies the declared name, and releases it on delete", async () => {
    const p = await createProjectThroughProvider("snap-adopt");
    const existing = (await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/snapshot?name=made-by-hand`)).body.snapshot;
    await new Promise((r) => setTimeout(r, 30));
    const sent = mark();
    const adopted = await createSnapshot({ projectId: p.id, adoptId: existing.id, name: "managed" });
    assert.equal(adopted.id, existing.id);
    assert.deepEqual(sent().filter((e) => e.method === "POST"), [], "no snapshot was taken");
    assert.equal(neon.state().projects[p.id].snapshots[existing.id].name, "managed");
    assert.equal((adopted.outs as any).adoptId, existing.id);
    // Removing adoptId from the program later does not turn a delete into a real deletion.
    const renamed = (await snapshot.update(adopted.id, adopted.outs as never, { projectId: p.id, name: "renamed" } as never)).outs;
    assert.equal((renamed as any).adoptId, existing.id);
    await snapshot.del(adopted.id, renamed as never);
    assert.ok(neon.state().projects[p.id].snapshots[existing.id], "an adopted snapshot is released, not deleted");
  });

  it("refuses to adopt a missing snapshot or one taken elsewhere, naming the field", async () => {
    const p = await createProjectThroughProvider("snap-adopt-bad");
    await assert.rejects(createSnapshot({ projectId: p.id, adoptId: "snap-missing-1" }), /adoptId: snapshot snap-missing-1 does not exist/);
    const existing = (await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/snapshot`)).body.snapshot;
    await assert.rejects(createSnapshot({ projectId: p.id, adoptId: existing.id, lsn: "0/1" }), /cannot adopt snapshot .*lsn: snapshot .* was taken at LSN/);
  });

  it("after a create whose response was lost, finds the snapshot instead of taking a second one", async () => {
    const p = await createProjectThroughProvider("snap-ambiguous");
    neon.faults.add({ match: { operationId: "createSnapshot" }, action: { kind: "commit_then_drop" } });
    const created = await createSnapshot({ projectId: p.id, name: "exactly-once" });
    const named = Object.values(neon.state().projects[p.id].snapshots).filter((s) => s.name === "exactly-once");
    assert.equal(named.length, 1, "exactly one snapshot exists");
    assert.equal(created.id, named[0].id);
    assert.equal((created.outs as any).adoptId, undefined, "a reconciled snapshot is owned by the stack");
  });

  it("hands Pulumi the id when the snapshot was created but its operation failed", async () => {
    const p = await createProjectThroughProvider("snap-init-failure");
    neon.faults.failNextOperations(p.id, { count: 1, status: "failed" });
    await assert.rejects(createSnapshot({ projectId: p.id, name: "half-done" }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.ok(neon.state().projects[p.id].snapshots[err.id], "the snapshot exists in Neon and Pulumi gets its id");
      assert.equal(err.properties.snapshotId, err.id);
      assert.equal(err.properties.name, "half-done");
      assert.match(err.message, /Neon snapshot snap-[a-z0-9-]+ was created, but finishing it failed/);
      return true;
    });
  });
});
