import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import * as branch from "../../provider/resources/branch/lifecycle";
import { restoreDefaultBranch } from "../../provider/resources/common/defaultBranchRestore";
import { neonClientForCall } from "../../provider/resources/common/providerConfig";
import {
  checkAndCreate,
  createProjectThroughProvider,
  sentSince,
  settledCall,
  useNeonForProviderTests,
} from "../support/providerContext";

type Outs = Record<string, any>;

describe("Branch provider against the local Neon API", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  useNeonForProviderTests({ onExchange: (e) => exchanges.push(e) }, (started) => (neon = started));

  /** A fresh project (operations finished), so tests do not share branches. */
  async function newProject(name: string): Promise<{ projectId: string; defaultBranchId: string }> {
    const { id, outs } = await createProjectThroughProvider(name);
    return { projectId: id, defaultBranchId: String(outs.defaultBranchId) };
  }

  async function createBranch(inputs: Record<string, unknown>) {
    const created = await checkAndCreate(branch, inputs);
    return { id: created.id, outs: created.outs as Outs };
  }

  const liveBranch = (projectId: string, id: string) => neon.state().projects[projectId].branches[id]?.branch;

  it("creates, reads, updates in place, reads again and deletes", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-crud");
    const inputs = { projectId, name: "dev", protected: false, ttlSeconds: 3600 };
    const mark = exchanges.length;
    const before = Date.now();
    const { id, outs } = await createBranch(inputs);

    const posts = sentSince(exchanges, mark).filter((e) => e.method === "POST");
    assert.deepEqual(posts.map((e) => e.route), ["/projects/{project_id}/branches"]);
    const body = posts[0].body as { branch: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.branch).sort(), ["expires_at", "name", "protected"]);
    const expiry = Date.parse(String(body.branch.expires_at));
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 3600_000 - 1000 && expiry <= Date.now() + 3600_000, "expiry is now + ttl");

    const live = liveBranch(projectId, id);
    assert.equal(live.name, "dev");
    assert.equal(live.parent_id, defaultBranchId, "parent defaults to the project's default branch");
    assert.equal(outs.branchId, id);
    assert.equal(outs.parentId, defaultBranchId);
    assert.equal(outs.defaultBranch, false);
    assert.equal(outs.currentState, "ready", "create returns after its operations finished");
    assert.equal(outs.expiresAt, live.expires_at);
    assert.equal(outs.ttlSeconds, 3600);
    assert.deepEqual(outs.__declared, ["name", "projectId", "protected", "ttlSeconds"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);

    // A second `up` with the same inputs shows no changes.
    assert.equal((await branch.diff(id, outs, inputs)).changes, false);

    const read1 = (await branch.read(id, outs)) as { props: Outs; inputs: Outs };
    assert.deepEqual(read1.inputs, inputs);
    assert.equal(read1.props.expiresAt, outs.expiresAt);
    assert.equal((await branch.diff(id, read1.props, inputs)).changes, false, "no changes after a refresh either");

    const news = { projectId, name: "dev-renamed", protected: false, ttlSeconds: 7200 };
    const d = await branch.diff(id, read1.props, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const mark2 = exchanges.length;
    const updated = (await branch.update(id, read1.props, news as never)).outs as Outs;
    const patches = sentSince(exchanges, mark2).filter((e) => e.method !== "GET");
    assert.deepEqual(patches.map((e) => `${e.method} ${e.route}`), ["PATCH /projects/{project_id}/branches/{branch_id}"]);
    const patch = (patches[0].body as { branch: Record<string, unknown> }).branch;
    assert.deepEqual(Object.keys(patch).sort(), ["expires_at", "name"], "only what changed; protected was unchanged");
    assert.equal(liveBranch(projectId, id).name, "dev-renamed");
    assert.ok(Date.parse(liveBranch(projectId, id).expires_at!) > Date.parse(String(outs.expiresAt)) + 3000_000, "a new ttl sets a new expiry");
    assert.equal(updated.branchId, id, "updated in place");
    assert.equal((await branch.diff(id, updated, news)).changes, false);

    const read2 = (await branch.read(id, updated)) as { props: Outs; inputs: Outs };
    assert.equal(read2.props.name, "dev-renamed");
    assert.equal(read2.props.expiresAt, updated.expiresAt);

    const mark3 = exchanges.length;
    await branch.del(id, read2.props);
    assert.equal(liveBranch(projectId, id), undefined);
    assert.deepEqual(sentSince(exchanges, mark3).filter((e) => e.method === "DELETE").map((e) => e.status), [200]);
    await branch.del(id, read2.props); // already gone: Neon answers 204, still fine
  });

  it("keeps the expiry a TTL produced: later ups and refreshes do not move it", async () => {
    const { projectId } = await newProject("branch-ttl");
    const inputs = { projectId, name: "short-lived", ttlSeconds: 86400 };
    const { id, outs } = await createBranch(inputs);
    const original = liveBranch(projectId, id).expires_at;
    // An hour later (for this process, the local Neon API included): a recomputed expiry would differ.
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000;
    try {
      const refreshed = ((await branch.read(id, outs)) as { props: Outs }).props;
      assert.equal((await branch.diff(id, refreshed, inputs)).changes, false);
      // Even an update for another reason leaves the expiry alone.
      const updated = (await branch.update(id, refreshed, { ...inputs, protected: true } as never)).outs as Outs;
      assert.equal(liveBranch(projectId, id).expires_at, original);
      assert.equal(updated.expiresAt, original);
      // A new TTL value is counted from now, not from the create.
      const t0 = Date.now();
      await branch.update(id, updated, { ...inputs, protected: false, ttlSeconds: 600 } as never);
      const renewed = Date.parse(liveBranch(projectId, id).expires_at!);
      assert.ok(renewed >= Math.floor((t0 + 600_000) / 1000) * 1000 && renewed <= Date.now() + 600_000, "now + the new ttl");
    } finally {
      Date.now = realNow;
    }
  });

  it("removes an expiry with expiresAt: null, and a second up then shows no changes", async () => {
    const { projectId } = await newProject("branch-no-expiry");
    const created = await createBranch({ projectId, name: "temp", expiresAt: new Date(Date.now() + 86400_000).toISOString() });
    const news = { projectId, name: "temp", expiresAt: null };
    const d = await branch.diff(created.id, created.outs, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const mark = exchanges.length;
    const updated = (await branch.update(created.id, created.outs, news as never)).outs as Outs;
    const patch = sentSince(exchanges, mark).find((e) => e.method === "PATCH")!;
    assert.deepEqual(patch.body, { branch: { expires_at: null } });
    assert.equal(liveBranch(projectId, created.id).expires_at, undefined);
    assert.equal(updated.expiresAt, null);
    assert.equal((await branch.diff(created.id, updated, news)).changes, false);
    const refreshed = ((await branch.read(created.id, updated)) as { props: Outs }).props;
    assert.equal((await branch.diff(created.id, refreshed, news)).changes, false);
  });

  it("read of a branch deleted outside Pulumi reports it gone", async () => {
    const { projectId } = await newProject("branch-gone");
    const { id, outs } = await createBranch({ projectId, name: "doomed" });
    await settledCall(neon, "DELETE", `/projects/${projectId}/branches/${id}`);
    assert.deepEqual(await branch.read(id, outs), {});
    await settledCall(neon, "DELETE", `/projects/${projectId}`);
    assert.deepEqual(await branch.read(id, outs), {}, "also when the whole project is gone");
    await branch.del(id, outs);
  });

  it("replaces (deleting first) only for how the branch was made; renames and protection are updates", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-replace");
    const parent = await createBranch({ projectId, name: "parent" });
    const inputs = { projectId, name: "child", parentId: defaultBranchId };
    const child = await createBranch(inputs);

    const rename = await branch.diff(child.id, child.outs, { ...inputs, name: "child-2", protected: true });
    assert.deepEqual([rename.changes, rename.replaces, rename.deleteBeforeReplace], [true, [], false]);

    const reparent = await branch.diff(child.id, child.outs, { ...inputs, parentId: parent.id });
    assert.deepEqual([reparent.changes, reparent.replaces, reparent.deleteBeforeReplace], [true, ["parentId"], true]);
    // Why delete-before-replace: the new branch needs the name the old one holds.
    await assert.rejects(branch.create({ ...inputs, parentId: parent.id } as never), /already has a branch named "child"/);
    await branch.del(child.id, child.outs);
    const replaced = await createBranch({ ...inputs, parentId: parent.id });
    assert.equal(liveBranch(projectId, replaced.id).parent_id, parent.id);
    assert.equal((await branch.diff(replaced.id, replaced.outs, { ...inputs, parentId: parent.id })).changes, false);

    for (const [field, value] of [["initSource", "schema-only"], ["parentTimestamp", new Date().toISOString()], ["projectId", "other-project-1"]] as const) {
      const d = await branch.diff(replaced.id, replaced.outs, { ...inputs, parentId: parent.id, [field]: value });
      assert.deepEqual([d.replaces, d.deleteBeforeReplace], [[field], true], field);
    }
  });

  it("adopts the default branch to protect it, then releases it (never deletes it) on delete", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-adopt");
    const inputs = { projectId, adoptId: defaultBranchId, protected: true };
    const mark = exchanges.length;
    const adopted = await createBranch(inputs);
    assert.equal(adopted.id, defaultBranchId);
    assert.deepEqual(sentSince(exchanges, mark).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.route}`), ["PATCH /projects/{project_id}/branches/{branch_id}"]);
    assert.equal(liveBranch(projectId, defaultBranchId).protected, true);
    assert.equal(adopted.outs.defaultBranch, true);
    assert.equal(adopted.outs.name, "main");
    assert.equal(adopted.outs.adoptId, defaultBranchId);
    assert.equal((await branch.diff(adopted.id, adopted.outs, inputs)).changes, false);

    // Dropping adoptId from the program later does not turn a delete into a real one.
    const updated = (await branch.update(adopted.id, adopted.outs, { projectId, protected: true } as never)).outs as Outs;
    assert.equal(updated.adoptId, defaultBranchId);

    const mark2 = exchanges.length;
    await branch.del(adopted.id, updated);
    assert.deepEqual(sentSince(exchanges, mark2), [], "releasing sends nothing to Neon");
    assert.equal(liveBranch(projectId, defaultBranchId).protected, true, "released as it is");
  });

  it("records an adopted branch as adopted even when applying its settings fails", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-adopt-fail");
    neon.faults.add({ match: { method: "PATCH", path: "/projects/{project_id}/branches/{branch_id}" }, action: { kind: "status", status: 500 } });
    await assert.rejects(createBranch({ projectId, adoptId: defaultBranchId, protected: true }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.equal(err.id, defaultBranchId);
      assert.equal(err.properties.adoptId, defaultBranchId, "so that deleting the resource releases the branch");
      return true;
    });
  });

  it("explains Neon's delete refusals: protected, with children, the default branch", async () => {
    const { projectId } = await newProject("branch-refusals");
    const guarded = await createBranch({ projectId, name: "guarded", protected: true });
    await assert.rejects(branch.del(guarded.id, guarded.outs), /branch .* \("guarded"\): it is protected: unprotect it first \(set `protected: false` and run `pulumi up`\)/);
    assert.ok(liveBranch(projectId, guarded.id), "still there");

    const parent = await createBranch({ projectId, name: "parent" });
    const child = await createBranch({ projectId, name: "child", parentId: parent.id });
    await assert.rejects(branch.del(parent.id, parent.outs), new RegExp(`it has child branches: delete child branches ${child.id} first`));

    const promoted = await createBranch({ projectId, name: "promoted" });
    assert.equal((await settledCall(neon, "POST", `/projects/${projectId}/branches/${promoted.id}/set_as_default`)).status, 200);
    await assert.rejects(branch.del(promoted.id, promoted.outs), /it is the project's default branch, which Neon never deletes: make another branch the default first/);
  });

  it("when the name is taken, names the branch that has it, whether it looks like this resource's create, and the way out", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-name-taken");
    const first = await createBranch({ projectId, name: "preview-1" });
    const same = await branch.create({ projectId, name: "preview-1" } as never).then(
      () => assert.fail("created a second branch of the same name"),
      (err: Error) => err,
    );
    assert.match(same.message, new RegExp(`project ${projectId} already has a branch named "preview-1": ${first.id} \\(created [^)]+\\)`));
    assert.match(same.message, new RegExp(`made from the parent this resource declares \\(${defaultBranchId}\\)`));
    assert.match(same.message, /`npx neon-pulumi-dynamic up --stack <stack>`/);
    assert.match(same.message, new RegExp(`adoptId: "${first.id}"`));
    const other = await createBranch({ projectId, name: "other-parent" });
    const differs = await branch.create({ projectId, name: "preview-1", parentId: other.id } as never).then(
      () => assert.fail("created a second branch of the same name"),
      (err: Error) => err,
    );
    assert.match(differs.message, new RegExp(`made from ${defaultBranchId}, not from the parent this resource declares \\(${other.id}\\): it is not this resource's create`));
  });

  it("after a create whose response was lost, finds the branch by name instead of creating a second one", async () => {
    const { projectId } = await newProject("branch-ambiguous");
    neon.faults.add({ match: { method: "POST", path: "/projects/{project_id}/branches" }, action: { kind: "commit_then_drop" } });
    const inputs = { projectId, name: "ambiguous", protected: true };
    const created = await createBranch(inputs);
    const named = Object.values(neon.state().projects[projectId].branches).filter((b) => b.branch.name === "ambiguous");
    assert.equal(named.length, 1, "exactly one branch exists");
    assert.equal(created.id, named[0].branch.id);
    assert.equal(created.outs.adoptId, undefined, "a reconciled branch is owned by the stack");
    assert.equal(neon.requestLog.filter((r) => r.method === "POST" && r.route === "/projects/{project_id}/branches" && r.path.includes(projectId)).length, 1, "never posted twice");
    assert.equal((await branch.diff(created.id, created.outs, inputs)).changes, false);
  });

  it("without a name, an ambiguous create is not repeated and the error says why and what to do", async () => {
    const { projectId } = await newProject("branch-ambiguous-unnamed");
    const before = Object.keys(neon.state().projects[projectId].branches).length;
    neon.faults.add({ match: { method: "POST", path: "/projects/{project_id}/branches" }, action: { kind: "commit_then_drop" } });
    await assert.rejects(createBranch({ projectId }), /may or may not have succeeded.*Without a `name` the branch cannot be found again safely.*adoptId.*Set `name` on branches/s);
    assert.equal(Object.keys(neon.state().projects[projectId].branches).length, before + 1, "Neon made one branch, and only one");
  });

  it("hands Pulumi the id when the branch was created but its operations failed", async () => {
    const { projectId } = await newProject("branch-init-failure");
    neon.faults.failNextOperations(projectId, { status: "failed" });
    await assert.rejects(createBranch({ projectId, name: "half-made" }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.ok(liveBranch(projectId, err.id), "the branch exists in Neon and Pulumi gets its id");
      assert.equal(err.properties.branchId, err.id);
      assert.equal(err.properties.name, "half-made");
      assert.match(err.message, /Neon branch br-[a-z0-9-]+ was created, but finishing it failed/);
      return true;
    });
  });

  it("creates a branch by restoring a snapshot to a new branch, leaving the default branch alone", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-restore");
    const snap = (await settledCall(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/snapshot?name=before-migration`)).body.snapshot;
    const inputs = { projectId, restoreFromSnapshotId: snap.id, name: "inspect", protected: true };
    const mark = exchanges.length;
    const restored = await createBranch(inputs);
    const writes = sentSince(exchanges, mark).filter((e) => e.method !== "GET");
    assert.deepEqual(
      writes.map((e) => `${e.method} ${e.route} ${JSON.stringify(e.body)}`),
      [
        `POST /projects/{project_id}/snapshots/{snapshot_id}/restore {"name":"inspect","finalize_restore":false,"target_branch_id":"${defaultBranchId}"}`,
        `PATCH /projects/{project_id}/branches/{branch_id} {"branch":{"protected":true}}`,
      ],
    );
    const live = liveBranch(projectId, restored.id);
    assert.equal(live.restored_from, snap.id);
    assert.equal(live.protected, true);
    assert.equal(restored.outs.restoredFrom, snap.id);
    assert.equal(restored.outs.restoreFromSnapshotId, snap.id);
    assert.equal(liveBranch(projectId, defaultBranchId).default, true, "the default branch is untouched (no finalize)");
    assert.equal(liveBranch(projectId, defaultBranchId).name, "main");
    assert.equal((await branch.diff(restored.id, restored.outs, inputs)).changes, false);
    const refreshed = ((await branch.read(restored.id, restored.outs)) as { props: Outs }).props;
    assert.equal((await branch.diff(restored.id, refreshed, inputs)).changes, false);
  });

  it("restores a snapshot to a new branch after the branch it was taken of was superseded by a restore of the default branch", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-restore-after-rollback");
    const snap = (await settledCall(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/snapshot?name=baseline`)).body.snapshot;
    // Roll the default branch back to the snapshot: Neon replaces it, and the old branch is removed.
    await settledCall(neon, "POST", `/projects/${projectId}/snapshots/${snap.id}/restore`, { finalize_restore: true });
    const superseded = Object.values(neon.state().projects[projectId].branches).find((b) => !b.branch.default)!.branch;
    await settledCall(neon, "DELETE", `/projects/${projectId}/branches/${superseded.id}`);
    assert.equal(liveBranch(projectId, defaultBranchId), undefined, "the branch the snapshot was taken of is gone");

    const restored = await createBranch({ projectId, restoreFromSnapshotId: snap.id, name: "preview-pr-17" });
    assert.equal(liveBranch(projectId, restored.id).restored_from, snap.id);
    assert.equal(liveBranch(projectId, restored.id).name, "preview-pr-17");
  });

  it("removes the branch an active-branch restore superseded once the last branch made from it is deleted (kept until then)", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-superseded-parent");
    const first = await createBranch({ projectId, name: "preview-a" });
    const second = await createBranch({ projectId, name: "preview-b" });
    const snap = (await settledCall(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/snapshot?name=baseline`)).body.snapshot;
    const client = neonClientForCall();
    await restoreDefaultBranch(client, projectId, snap.id, "test");
    assert.ok(liveBranch(projectId, defaultBranchId), "kept while branches were made from it");
    await branch.del(first.id, first.outs);
    assert.ok(liveBranch(projectId, defaultBranchId), "kept while one branch made from it is left");
    await branch.del(second.id, second.outs);
    assert.equal(liveBranch(projectId, defaultBranchId), undefined, "removed with the last one");
    const names = Object.values(neon.state().projects[projectId].branches).map((b) => b.branch.name);
    assert.deepEqual(names, ["main"]);
  });

  it("creates a branch from a point in time of its parent, and a schema-only root branch", async () => {
    const { projectId, defaultBranchId } = await newProject("branch-pitr");
    await new Promise((r) => setTimeout(r, 5));
    const at = new Date(Date.now() - 2).toISOString();
    const inputs = { projectId, name: "as-of", parentTimestamp: at };
    const mark = exchanges.length;
    const pitr = await createBranch(inputs);
    assert.deepEqual(sentSince(exchanges, mark).find((e) => e.method === "POST")!.body, { branch: { name: "as-of", parent_timestamp: at } });
    assert.equal(liveBranch(projectId, pitr.id).parent_timestamp, at);
    assert.equal(liveBranch(projectId, pitr.id).parent_id, defaultBranchId);
    assert.equal((await branch.diff(pitr.id, pitr.outs, inputs)).changes, false);
    const refreshed = ((await branch.read(pitr.id, pitr.outs)) as { props: Outs }).props;
    assert.equal((await branch.diff(pitr.id, refreshed, inputs)).changes, false);
    const later = await branch.diff(pitr.id, refreshed, { ...inputs, parentTimestamp: new Date().toISOString() });
    assert.deepEqual(later.replaces, ["parentTimestamp"]);

    const schemaInputs = { projectId, name: "schema", initSource: "schema-only" };
    const schemaOnly = await createBranch(schemaInputs);
    assert.equal(liveBranch(projectId, schemaOnly.id).parent_id, undefined, "a new root branch");
    assert.equal(schemaOnly.outs.initSource, "schema-only");
    assert.equal((await branch.diff(schemaOnly.id, schemaOnly.outs, schemaInputs)).changes, false);
  });
});
