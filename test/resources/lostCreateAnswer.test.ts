/**
 * Creates whose answer was lost (Neon made the object; the connection broke before the response):
 * for each resource that can be made twice by a blind retry (project, branch, compute, snapshot;
 * Neon Auth, whose one-time keys are in the lost answer),
 * the provider finds the object, waits for its operations like a normal create and reports a
 * failed one with the object's id, and never takes over an object of the same name that existed
 * before the request. The local Neon API runs on a manual clock that a timer moves forward, so
 * "before the request" and slow operations are exact, not raced.
 */
import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import * as auth from "../../provider/resources/authIntegration/lifecycle";
import * as branch from "../../provider/resources/branch/lifecycle";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { call } from "../support/neonLocal";
import { checkAndCreate, startNeonForProviderTests, stopNeonForProviderTests } from "../support/providerContext";

describe("creates whose answer was lost", function () {
  this.timeout(30_000);
  let neon: NeonLocal;
  let clock: ManualClock;
  let ticking: NodeJS.Timeout;

  before(async () => {
    clock = new ManualClock();
    neon = await startNeonForProviderTests({ clock, operationDelayMs: 300 });
    ticking = setInterval(() => clock.advance(100), 1);
  });
  after(async () => {
    clearInterval(ticking);
    await stopNeonForProviderTests(neon);
  });
  afterEach(() => neon.faults.clear());

  const loseAnswerOf = (method: "POST", path: string) => neon.faults.add({ match: { method, path }, action: { kind: "commit_then_drop" } });
  /** The connection breaks before Neon does anything: to the client, just as ambiguous. */
  const loseRequest = (method: "POST", path: string) => neon.faults.add({ match: { method, path }, action: { kind: "drop" } });
  /** Every operation of the project has finished, on Neon's clock. */
  const settled = (projectId: string) => neon.state().projects[projectId].operations.every((o) => o.end_at_ms <= clock.now());
  const projectsNamed = (name: string) => Object.values(neon.state().projects).filter((p) => p.project.name === name);

  async function newProject(name: string): Promise<{ projectId: string; defaultBranchId: string }> {
    const created = await checkAndCreate(project, { name });
    return { projectId: created.id, defaultBranchId: String((created.outs as Record<string, unknown>).defaultBranchId) };
  }

  describe("NeonProject", () => {
    it("waits for the found project's operations before returning", async () => {
      loseAnswerOf("POST", "/projects");
      neon.faults.slowNextOperations(undefined, { count: 1, factor: 50 });
      const created = await checkAndCreate(project, { name: "lost-project-slow" });
      assert.equal(projectsNamed("lost-project-slow").length, 1);
      assert.ok(settled(created.id), "returned before Neon had finished the project");
      assert.equal((created.outs as Record<string, unknown>).adoptId, undefined, "ours: deleted with the stack");
    });

    it("reports the found project's failed operation, handing Pulumi its id", async () => {
      loseAnswerOf("POST", "/projects");
      neon.faults.failNextOperations(undefined, { count: 1, status: "failed" });
      await assert.rejects(checkAndCreate(project, { name: "lost-project-failed" }), (err: any) => {
        assert.equal(err.name, "ResourceInitFailure");
        assert.equal(err.id, projectsNamed("lost-project-failed")[0].project.id);
        assert.match(err.message, /was created, but finishing it failed/);
        return true;
      });
    });

    it("never takes over a project of that name that existed before, and says how to adopt the right one", async () => {
      const older = await newProject("lost-project-taken");
      clock.advance(60_000);
      loseAnswerOf("POST", "/projects");
      await assert.rejects(checkAndCreate(project, { name: "lost-project-taken" }), (err: Error) => {
        const fresh = projectsNamed("lost-project-taken").find((p) => p.project.id !== older.projectId)!;
        assert.match(err.message, new RegExp(`${older.projectId} \\(created [^)]+\\) already existed before this request`));
        assert.match(err.message, new RegExp(`adopt it with \`adoptId: "${fresh.project.id}"\``));
        return true;
      });
    });
  });

  describe("Branch", () => {
    it("waits for the found branch's operations before returning", async () => {
      const { projectId } = await newProject("lost-branch-slow");
      loseAnswerOf("POST", "/projects/{project_id}/branches");
      neon.faults.slowNextOperations(projectId, { count: 2, factor: 50 });
      const created = await checkAndCreate(branch, { projectId, name: "dev" });
      assert.ok(settled(projectId), "returned before Neon had finished the branch");
      assert.equal(neon.state().projects[projectId].branches[created.id].branch.name, "dev");
    });

    it("reports the found branch's failed operation, handing Pulumi its id", async () => {
      const { projectId } = await newProject("lost-branch-failed");
      loseAnswerOf("POST", "/projects/{project_id}/branches");
      neon.faults.failNextOperations(projectId, { count: 1, status: "failed" });
      await assert.rejects(checkAndCreate(branch, { projectId, name: "dev" }), (err: any) => {
        const dev = Object.values(neon.state().projects[projectId].branches).find((b) => b.branch.name === "dev")!;
        assert.equal(err.id, dev.branch.id);
        return true;
      });
    });

    it("never takes over a branch of that name that existed before", async () => {
      const { projectId } = await newProject("lost-branch-taken");
      const older = (await call(neon, "POST", `/projects/${projectId}/branches`, { branch: { name: "dev" } })).body.branch;
      clock.advance(60_000);
      loseRequest("POST", "/projects/{project_id}/branches");
      await assert.rejects(checkAndCreate(branch, { projectId, name: "dev" }), new RegExp(`${older.id} \\(created [^)]+\\) already existed before this request and is not this stack's to take over`));
    });
  });

  describe("Endpoint", () => {
    it("waits for the found compute's operations before returning", async () => {
      const { projectId } = await newProject("lost-endpoint-slow");
      const dev = (await call(neon, "POST", `/projects/${projectId}/branches`, { branch: { name: "dev" } })).body.branch;
      clock.advance(5_000);
      loseAnswerOf("POST", "/projects/{project_id}/endpoints");
      neon.faults.slowNextOperations(projectId, { count: 1, factor: 50 });
      const created = await checkAndCreate(endpoint, { projectId, branchId: dev.id, type: "read_write" });
      assert.ok(settled(projectId), "returned before Neon had finished the compute");
      assert.equal(neon.state().projects[projectId].endpoints[created.id].branch_id, dev.id);
    });

    it("never takes over the read-write compute a branch already had", async () => {
      const { projectId, defaultBranchId } = await newProject("lost-endpoint-taken");
      clock.advance(60_000);
      loseRequest("POST", "/projects/{project_id}/endpoints");
      await assert.rejects(checkAndCreate(endpoint, { projectId, branchId: defaultBranchId, type: "read_write" }), /already existed before this request/);
    });
  });

  describe("Snapshot", () => {
    it("waits for the found snapshot's operations before returning", async () => {
      const { projectId } = await newProject("lost-snapshot-slow");
      loseAnswerOf("POST", "/projects/{project_id}/branches/{branch_id}/snapshot");
      neon.faults.slowNextOperations(projectId, { count: 1, factor: 50 });
      const created = await checkAndCreate(snapshot, { projectId, name: "baseline" });
      assert.ok(settled(projectId), "returned before Neon had finished the snapshot");
      assert.ok(neon.state().projects[projectId].snapshots[created.id]);
    });

    it("reports the found snapshot's failed operation, handing Pulumi its id", async () => {
      const { projectId } = await newProject("lost-snapshot-failed");
      loseAnswerOf("POST", "/projects/{project_id}/branches/{branch_id}/snapshot");
      neon.faults.failNextOperations(projectId, { count: 1, status: "failed" });
      await assert.rejects(checkAndCreate(snapshot, { projectId, name: "baseline" }), (err: any) => {
        assert.equal(err.id, Object.keys(neon.state().projects[projectId].snapshots)[0]);
        return true;
      });
    });

    it("never takes over a snapshot of that name that existed before", async () => {
      const { projectId, defaultBranchId } = await newProject("lost-snapshot-taken");
      const older = (await call(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/snapshot?name=baseline`)).body.snapshot;
      clock.advance(60_000);
      loseAnswerOf("POST", "/projects/{project_id}/branches/{branch_id}/snapshot");
      await assert.rejects(checkAndCreate(snapshot, { projectId, name: "baseline" }), new RegExp(`${older.id} \\(created [^)]+\\) already existed before this request`));
    });
  });

  describe("AuthIntegration", () => {
    it("never disables an integration that was enabled before the request, though its keys are unknown; says how to adopt it", async () => {
      const { projectId, defaultBranchId } = await newProject("lost-auth-taken");
      const older = (await call(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/auth`, { auth_provider: "better_auth" })).body;
      clock.advance(60_000);
      // Lost before Neon saw it (Neon would have refused it with a 409): as ambiguous to the client.
      loseRequest("POST", "/projects/{project_id}/branches/{branch_id}/auth");
      await assert.rejects(checkAndCreate(auth, { projectId }), (err: any) => {
        assert.match(err.message, /the answer to creating Neon Auth integration "on branch br-[a-z0-9-]+" was lost/);
        assert.match(err.message, /already existed before this request .* adopt it with `adoptExisting: true`/);
        return true;
      });
      const live = neon.state().projects[projectId].branches[defaultBranchId].auth!;
      assert.equal(live.auth_provider_project_id, older.auth_provider_project_id, "the older integration was neither disabled nor enabled again");
    });
  });
});
