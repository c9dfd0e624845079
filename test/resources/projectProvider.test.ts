import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import * as project from "../../provider/resources/project/lifecycle";
import { call } from "../support/neonLocal";
import { checkAndCreate, startNeonForProviderTests, stopNeonForProviderTests, useNeonForProviderTests, withoutRetries } from "../support/providerContext";

const sponsored = "org-agent-sponsored-10000001";
const paid = "org-agent-paid-10000002";

describe("NeonProject provider against the local Neon API", () => {
  let neon: NeonLocal;
  useNeonForProviderTests({}, (started) => (neon = started));

  const createProject = (inputs: Record<string, unknown>) => checkAndCreate(project, inputs);

  it("creates, reads, updates in place, reads again and deletes", async () => {
    const created = await createProject({ name: "tenant-crud", orgId: sponsored, historyRetentionSeconds: 3600, settings: { allowedIps: ["10.1.0.0/16"] } });
    const id = created.id;
    const outs = created.outs as Record<string, any>;
    assert.equal(outs.projectId, id);
    assert.equal(outs.name, "tenant-crud");
    assert.equal(outs.defaultBranchName, "main");
    assert.equal(outs.defaultRoleName, "neondb_owner");
    assert.match(outs.connectionUri, /^postgresql:\/\/neondb_owner:npg_[A-Za-z0-9]+@ep-/);
    assert.equal(new URL(outs.pooledConnectionUri).hostname, outs.poolerHost);
    assert.deepEqual(outs.__declared, ["historyRetentionSeconds", "name", "orgId", "settings"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);

    // A second `up` with the same inputs shows no changes.
    const same = await project.diff(id, outs, { name: "tenant-crud", orgId: sponsored, historyRetentionSeconds: 3600, settings: { allowedIps: ["10.1.0.0/16"] } });
    assert.equal(same.changes, false);

    const read1 = await project.read(id, outs);
    assert.equal((read1 as any).props.password, outs.password, "the password survives a refresh");
    assert.deepEqual((read1 as any).inputs, { historyRetentionSeconds: 3600, name: "tenant-crud", orgId: sponsored, settings: { allowedIps: ["10.1.0.0/16"] } });

    const news = { name: "tenant-renamed", orgId: sponsored, historyRetentionSeconds: 7200, settings: { allowedIps: ["10.1.0.0/16"], enableLogicalReplication: true } };
    const d = await project.diff(id, outs, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const before = neon.requestLog.length;
    const updated = await project.update(id, outs, news as never);
    const patches = neon.requestLog.slice(before).filter((r) => r.method === "PATCH");
    assert.deepEqual(patches.map((r) => r.route), ["/projects/{project_id}"]);
    const live = neon.state().projects[id].project;
    assert.equal(live.name, "tenant-renamed");
    assert.equal(live.history_retention_seconds, 7200);
    assert.equal(live.settings.enable_logical_replication, true);
    assert.equal((updated.outs as any).connectionUri, outs.connectionUri, "connection string unchanged by an update");

    await project.del(id, updated.outs as never);
    assert.equal(neon.state().projects[id], undefined);
    await project.del(id, updated.outs as never); // already gone: still fine
  });

  it("moves a project to another organization instead of replacing it", async () => {
    const created = await createProject({ name: "tenant-upgrade", orgId: sponsored });
    const outs = created.outs as Record<string, any>;
    const d = await project.diff(created.id, outs, { name: "tenant-upgrade", orgId: paid });
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const updated = (await project.update(created.id, outs, { name: "tenant-upgrade", orgId: paid })).outs as Record<string, any>;
    assert.equal(neon.state().projects[created.id].project.org_id, paid);
    assert.equal(updated.orgId, paid);
    assert.equal(updated.projectId, created.id);
    assert.equal(updated.connectionUri, outs.connectionUri);
    assert.ok(neon.requestLog.some((r) => r.operationId === "transferProjectsFromOrgToOrg" && r.status === 200));
  });

  it("upgrades (move, then raise the history retention) and downgrades (lower it, then move) a tenant in one update each", async () => {
    // The destination plan must allow what the project uses when it arrives (Neon answers 406).
    const created = await createProject({ name: "tenant-tiers", orgId: sponsored, historyRetentionSeconds: 21600 });
    const paidInputs = { name: "tenant-tiers", orgId: paid, historyRetentionSeconds: 604800 };
    const upgraded = (await project.update(created.id, created.outs as never, paidInputs)).outs as Record<string, any>;
    assert.equal(neon.state().projects[created.id].project.org_id, paid);
    assert.equal(neon.state().projects[created.id].project.history_retention_seconds, 604800);

    const mark = neon.requestLog.length;
    const freeInputs = { name: "tenant-tiers", orgId: sponsored, historyRetentionSeconds: 21600 };
    const downgraded = (await project.update(created.id, upgraded as never, freeInputs)).outs as Record<string, any>;
    assert.equal(neon.state().projects[created.id].project.org_id, sponsored);
    assert.equal(neon.state().projects[created.id].project.history_retention_seconds, 21600);
    assert.equal(downgraded.connectionUri, created.outs.connectionUri);
    const order = neon.requestLog.slice(mark).map((r) => r.operationId).filter((op) => op === "updateProject" || op === "transferProjectsFromOrgToOrg");
    assert.deepEqual(order, ["updateProject", "transferProjectsFromOrgToOrg"]);
  });

  it("says which step of an update failed, on which project, and why (not that it was created)", async () => {
    const created = await createProject({ name: "tenant-half-moved", orgId: sponsored, historyRetentionSeconds: 21600 });
    neon.faults.add({ match: { method: "POST", path: "/organizations/{source_org_id}/projects/transfer" }, action: { kind: "status", status: 500 }, times: 1 });
    let failure: any;
    await withoutRetries(neon, () => project.update(created.id, created.outs as never, { name: "tenant-moved", orgId: paid, historyRetentionSeconds: 21600 }).catch((e) => (failure = e)));
    assert.ok(failure, "the update failed");
    assert.equal(failure.id, created.id, "Pulumi is handed the project, with what Neon has now");
    assert.doesNotMatch(failure.message, /was created/);
    assert.match(failure.message, new RegExp(`^Neon project ${created.id}: the update stopped at moving the project to organization ${paid}: .*500`));
    assert.match(failure.message, /The steps before it are done and recorded; run `pulumi up` again to finish the update\.$/);
    // An upgrade moves first and patches after, so Neon has neither change yet: that is what is recorded.
    assert.equal(failure.properties.name, "tenant-half-moved");
    assert.equal(failure.properties.orgId, sponsored);
  });

  it("read of a project deleted outside Pulumi reports it gone", async () => {
    const created = await createProject({ name: "tenant-gone" });
    await call(neon, "DELETE", `/projects/${created.id}`);
    assert.deepEqual(await project.read(created.id, created.outs as never), {});
  });

  it("hands Pulumi the id when the project was created but its operations failed", async () => {
    neon.faults.failNextOperations(undefined, { count: 1, status: "failed" });
    await assert.rejects(createProject({ name: "tenant-init-failure" }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.ok(neon.state().projects[err.id], "the project exists in Neon and Pulumi gets its id");
      assert.equal(err.properties.projectId, err.id);
      assert.match(err.message, /was created, but finishing it failed/);
      assert.doesNotMatch(err.message, /npg_|postgresql:\/\//);
      return true;
    });
  });

  it("after a create whose response was lost, finds the project by name instead of creating a second one", async () => {
    neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "commit_then_drop" } });
    const created = await createProject({ name: "tenant-ambiguous", orgId: sponsored });
    const named = Object.values(neon.state().projects).filter((p) => p.project.name === "tenant-ambiguous");
    assert.equal(named.length, 1, "exactly one project exists");
    assert.equal(created.id, named[0].project.id);
    assert.equal((created.outs as any).adoptId, undefined, "a reconciled project is owned by the stack");
    assert.match((created.outs as any).password, /^npg_/);
  });

  it("adopts an existing project, applies the declared settings, and releases it on delete", async () => {
    const existing = (await call(neon, "POST", "/projects", { project: { name: "pre-existing" } })).body;
    await new Promise((r) => setTimeout(r, 30));
    const adopted = await createProject({ adoptId: existing.project.id, name: "adopted-name" });
    assert.equal(adopted.id, existing.project.id);
    assert.equal(neon.state().projects[adopted.id].project.name, "adopted-name");
    assert.equal((adopted.outs as any).password, existing.roles[0].password, "password learnt with reveal_password");
    await project.del(adopted.id, adopted.outs as never);
    assert.ok(neon.state().projects[adopted.id], "an adopted project is released, not deleted");
  });

  it("keeps an adopted project adopted: a failed adopt and a later update without adoptId still release it", async () => {
    const existing = (await call(neon, "POST", "/projects", { project: { name: "adopt-sticky", org_id: sponsored } })).body;
    await new Promise((r) => setTimeout(r, 30));
    // The transfer to an organization that does not exist fails half-way through the adoption.
    let failure: any;
    await createProject({ adoptId: existing.project.id, orgId: "org-missing-1" }).catch((e) => (failure = e));
    assert.equal(failure?.name, "ResourceInitFailure");
    assert.equal(failure.properties.adoptId, existing.project.id);
    assert.match(failure.message, new RegExp(`^Neon project ${existing.project.id} was adopted, but applying the declared settings failed at moving the project to organization org-missing-1: `));
    await project.del(existing.project.id, failure.properties);
    assert.ok(neon.state().projects[existing.project.id], "a failed adoption is still released, not deleted");

    const adopted = await createProject({ adoptId: existing.project.id });
    const updated = (await project.update(adopted.id, adopted.outs as never, { name: "adopt-sticky-2" })).outs as Record<string, any>;
    assert.equal(updated.adoptId, existing.project.id);
    await project.del(adopted.id, updated as never);
    assert.ok(neon.state().projects[existing.project.id], "dropping adoptId from the program does not make the project deletable");
  });

  it("restores the default branch to a snapshot in place: same compute, host and connection string", async () => {
    const created = await createProject({ name: "tenant-restore" });
    const outs = created.outs as Record<string, any>;
    const snap = (await call(neon, "POST", `/projects/${created.id}/branches/${outs.defaultBranchId}/snapshot?name=checkpoint-1`)).body.snapshot;
    await new Promise((r) => setTimeout(r, 30));
    const news = { name: "tenant-restore", activeSnapshotId: snap.id };
    const d = await project.diff(created.id, outs, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const updated = (await project.update(created.id, outs, news)).outs as Record<string, any>;
    assert.equal(updated.activeSnapshotId, snap.id);
    assert.notEqual(updated.defaultBranchId, outs.defaultBranchId, "the default branch is the restored one");
    assert.equal(updated.defaultBranchName, "main");
    assert.equal(updated.defaultEndpointId, outs.defaultEndpointId);
    assert.equal(updated.host, outs.host);
    assert.equal(updated.connectionUri, outs.connectionUri);
    const branches = Object.values(neon.state().projects[created.id].branches);
    assert.deepEqual(branches.map((b) => b.branch.id), [updated.defaultBranchId], "the superseded branch was removed");
    assert.equal((await project.diff(created.id, updated, news)).changes, false, "the next up shows no changes");
  });

  it("refuses a role rename even when the role was not declared at create, before changing anything", async () => {
    const created = await createProject({ name: "tenant-role" });
    const outs = created.outs as Record<string, any>;
    const before = JSON.stringify(neon.state().projects[created.id]);
    const mutationsBefore = neon.requestLog.filter((r) => r.method !== "GET").length;
    await assert.rejects(project.update(created.id, outs, { name: "tenant-role-2", defaultRoleName: "app_owner" }), /defaultRoleName: cannot change from "neondb_owner" to "app_owner"/);
    assert.equal(neon.requestLog.filter((r) => r.method !== "GET").length, mutationsBefore, "no change was sent");
    assert.equal(JSON.stringify(neon.state().projects[created.id]), before);
  });

  it("renames the default database and points the connection strings at the new name", async () => {
    const created = await createProject({ name: "tenant-db-rename" });
    const updated = (await project.update(created.id, created.outs as never, { defaultDatabaseName: "app" })).outs as Record<string, any>;
    assert.equal(updated.defaultDatabaseName, "app");
    assert.equal(new URL(updated.connectionUri).pathname, "/app");
    assert.equal(new URL(updated.pooledConnectionUri).pathname, "/app");
    const refreshed = (await project.read(created.id, updated as never)) as any;
    assert.equal(new URL(refreshed.props.connectionUri).pathname, "/app");
  });

  it("shows a database renamed outside Pulumi as drift instead of keeping a dead connection string", async () => {
    const created = await createProject({ name: "tenant-db-drift", defaultDatabaseName: "appdb" });
    const outs = created.outs as Record<string, any>;
    await call(neon, "PATCH", `/projects/${created.id}/branches/${outs.defaultBranchId}/databases/appdb`, { database: { name: "renamed" } });
    await new Promise((r) => setTimeout(r, 20));
    const refreshed = (await project.read(created.id, outs)) as any;
    assert.equal(refreshed.props.defaultDatabaseName, "renamed");
    assert.equal(new URL(refreshed.props.connectionUri).pathname, "/renamed");
    assert.equal((await project.diff(created.id, refreshed.props, { name: "tenant-db-drift", defaultDatabaseName: "appdb" })).changes, true);
  });

  it("refuses to adopt a project in another region or on another Postgres version, and still releases it", async () => {
    const existing = (await call(neon, "POST", "/projects", { project: { name: "adopt-mismatch", region_id: "aws-us-east-2", pg_version: 17 } })).body;
    await new Promise((r) => setTimeout(r, 30));
    let failure: any;
    await createProject({ adoptId: existing.project.id, regionId: "aws-eu-central-1", pgVersion: 15 }).catch((e) => (failure = e));
    assert.equal(failure?.name, "ResourceInitFailure");
    assert.match(failure.message, /region aws-us-east-2, not aws-eu-central-1; it runs Postgres 17, not 15/);
    assert.equal(failure.properties.adoptId, existing.project.id);
    await project.del(existing.project.id, failure.properties);
    assert.ok(neon.state().projects[existing.project.id]);
  });

  it("refuses activeSnapshotId on a new project in check, naming the field", async () => {
    const { failures } = await project.check({}, { name: "x", activeSnapshotId: "snap-a-b-1" });
    assert.deepEqual(failures.map((f) => f.property), ["activeSnapshotId"]);
    assert.deepEqual((await project.check({ name: "x" }, { name: "x", activeSnapshotId: "snap-a-b-1" })).failures, []);
  });

  it("carries the default branch's protection over a restore and removes the superseded branch", async () => {
    const created = await createProject({ name: "tenant-protected-restore" });
    const outs = created.outs as Record<string, any>;
    await call(neon, "PATCH", `/projects/${created.id}/branches/${outs.defaultBranchId}`, { branch: { protected: true } });
    const snap = (await call(neon, "POST", `/projects/${created.id}/branches/${outs.defaultBranchId}/snapshot?name=cp`)).body.snapshot;
    await new Promise((r) => setTimeout(r, 30));
    const updated = (await project.update(created.id, outs, { activeSnapshotId: snap.id })).outs as Record<string, any>;
    const branches = Object.values(neon.state().projects[created.id].branches).map((b) => b.branch);
    assert.deepEqual(branches.map((b) => [b.id, b.default, b.protected]), [[updated.defaultBranchId, true, true]]);
  });

  it("records the default branch's live name when an update stops after renaming it", async () => {
    const created = await createProject({ name: "tenant-rename-then-fail", defaultBranchName: "main", defaultDatabaseName: "appdb" });
    const outs = created.outs as Record<string, any>;
    neon.faults.add({ match: { method: "PATCH", path: "/projects/{project_id}/branches/{branch_id}/databases/{database_name}" }, action: { kind: "status", status: 500 }, times: 1 });
    let failure: any;
    await withoutRetries(neon, () =>
      project.update(created.id, outs, { name: "tenant-rename-then-fail", defaultBranchName: "prod", defaultDatabaseName: "app" }).catch((e) => (failure = e)),
    );
    assert.equal(failure?.name, "ResourceInitFailure");
    assert.equal(neon.state().projects[created.id].branches[outs.defaultBranchId].branch.name, "prod", "Neon has the rename");
    assert.equal(failure.properties.defaultBranchName, "prod", "and so does the state");
    assert.equal(failure.properties.defaultDatabaseName, "appdb", "the database rename failed");
  });

  it("removes the superseded branch on the next run when removing it failed the first time", async () => {
    const created = await createProject({ name: "tenant-retry-cleanup" });
    const outs = created.outs as Record<string, any>;
    const snap = (await call(neon, "POST", `/projects/${created.id}/branches/${outs.defaultBranchId}/snapshot?name=cp`)).body.snapshot;
    await new Promise((r) => setTimeout(r, 30));
    neon.faults.add({ match: { method: "DELETE", path: "/projects/{project_id}/branches/{branch_id}" }, action: { kind: "status", status: 500, retryAfterSeconds: 0 }, times: 12 });
    let failure: any;
    await project.update(created.id, outs, { activeSnapshotId: snap.id }).catch((e) => (failure = e));
    assert.equal(failure?.name, "ResourceInitFailure");
    assert.equal(failure.properties.activeSnapshotId, snap.id, "the restore itself is recorded");
    assert.equal(Object.keys(neon.state().projects[created.id].branches).length, 2);
    neon.faults.clear();
    const retried = (await project.update(created.id, failure.properties, { activeSnapshotId: snap.id })).outs as Record<string, any>;
    assert.deepEqual(Object.keys(neon.state().projects[created.id].branches), [retried.defaultBranchId]);
  });

  it("after a lost create response and a failing follow-up, hands Pulumi the project it found", async () => {
    neon.faults.add({ match: { method: "POST", path: "/projects" }, action: { kind: "commit_then_drop" } });
    neon.faults.add({ match: { operationId: "getProjectBranchRolePassword" }, action: { kind: "status", status: 503, retryAfterSeconds: 0 }, times: 12 });
    let failure: any;
    await createProject({ name: "tenant-lost-and-failed" }).catch((e) => (failure = e));
    assert.equal(failure?.name, "ResourceInitFailure");
    const named = Object.values(neon.state().projects).filter((p) => p.project.name === "tenant-lost-and-failed");
    assert.equal(named.length, 1);
    assert.equal(failure.id, named[0].project.id);
    assert.equal(failure.properties.adoptId, undefined, "the stack owns it: deleting the resource deletes it");
  });

  it("names the field when the snapshot to restore does not exist", async () => {
    const created = await createProject({ name: "tenant-no-snapshot" });
    await assert.rejects(project.update(created.id, created.outs as never, { activeSnapshotId: "snap-missing-1" }), /activeSnapshotId: snapshot snap-missing-1 does not exist/);
  });
});

describe("NeonProject provider with Neon's timings", () => {
  it("waits for operations before returning, with a manual clock", async () => {
    const clock = new ManualClock();
    const neon = await startNeonForProviderTests({ clock, operationDelayMs: 300 });
    try {
      const ticking = setInterval(() => clock.advance(100), 1);
      try {
        const created = await project.create({ name: "slow" } as never);
        const ops = neon.state().projects[created.id].operations;
        assert.ok(ops.every((o) => o.end_at_ms <= clock.now()), "create returned after its operations finished");
      } finally {
        clearInterval(ticking);
      }
    } finally {
      await stopNeonForProviderTests(neon);
    }
  });
});
