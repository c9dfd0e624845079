/**
 * Every client method against the local Neon API, including its fault injection. Emulated time is
 * driven by the client's own waits (LinkedClock), so operations, locks and Retry-After behave as
 * in real time while the suite runs in well under a second.
 */
import * as assert from "node:assert/strict";
import { ManualClock, type NeonLocal, startNeonLocal } from "../../emulator";
import {
  NeonAmbiguousWriteError,
  NeonClient,
  type NeonClientOptions,
  NeonNotFoundError,
  NeonOperationFailedError,
  NeonOperationTimeoutError,
  NeonUnauthorizedError,
  RateLimiter,
} from "../../provider/client";
import { LinkedClock } from "../support/linkedClock";
import { rejectionOf } from "./helpers/testClient";

interface Harness {
  readonly neon: NeonLocal;
  readonly clock: LinkedClock;
  readonly client: NeonClient;
}

async function startHarness(emulator: Parameters<typeof startNeonLocal>[0] = {}, client: NeonClientOptions = {}): Promise<Harness> {
  const manual = new ManualClock();
  const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", clock: manual, rateLimit: false, ...emulator });
  const clock = new LinkedClock(manual);
  return {
    neon,
    clock,
    client: new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, clock, random: () => 0.5, rateLimit: false, logger: false, ...client }),
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("client against the local Neon API", () => {
  describe("every method", () => {
    let h: Harness;
    let orgId: string;
    let projectId: string;
    let mainBranchId: string;
    before(async () => {
      h = await startHarness();
    });
    after(() => h.neon.close());

    it("identity: /auth, /users/me, /users/me/organizations, and organizations.get", async () => {
      const auth = await h.client.identity.getAuth();
      assert.ok(auth.account_id !== "");
      const me = await h.client.identity.getCurrentUser();
      assert.ok(me.email.includes("@"));
      const { organizations } = await h.client.identity.listOrganizations();
      assert.ok(organizations.length >= 2);
      orgId = organizations[0]!.id;
      const org = await h.client.organizations.get(orgId);
      assert.equal(org.id, orgId);
    });

    it("projects: create waits for its operations, then get, list, iterate, update, connection URIs", async () => {
      const created = await h.client.projects.create({ project: { name: "tenant-one", org_id: orgId } });
      projectId = created.project.id;
      mainBranchId = created.branch.id;
      assert.ok(created.operations.length > 0);
      assert.ok(created.operations.every((op) => op.status === "finished"));
      assert.equal(created.connection_uris.length, 1);
      const password = created.connection_uris[0]!.connection_parameters.password;

      assert.equal((await h.client.projects.get(projectId)).project.name, "tenant-one");
      const { projects } = await h.client.projects.list({ org_id: orgId, search: "tenant-one" });
      assert.deepEqual(projects.map((p) => p.id), [projectId]);
      assert.ok((await collect(h.client.projects.iterate({ org_id: orgId, limit: 1 }))).some((p) => p.id === projectId));

      const updated = await h.client.projects.update(projectId, { project: { name: "tenant-renamed" } });
      assert.equal(updated.project.name, "tenant-renamed");

      const role = created.roles[0]!.name;
      const database = created.databases[0]!.name;
      const direct = await h.client.projects.connectionUri(projectId, { database_name: database, role_name: role });
      const pooled = await h.client.projects.connectionUri(projectId, { database_name: database, role_name: role, pooled: true });
      assert.ok(direct.uri.includes(password));
      assert.match(pooled.uri, /-pooler\./);
    });

    it("branches: create with a compute, get, list (both ways), update, set default, endpoints, delete", async () => {
      const created = await h.client.branches.create(projectId, { branch: { name: "dev", parent_id: mainBranchId }, endpoints: [{ type: "read_write" }] });
      const devId = created.branch.id;
      assert.equal(created.endpoints.length, 1);
      assert.ok(created.operations.every((op) => op.status === "finished"));

      assert.equal((await h.client.branches.get(projectId, devId)).branch.name, "dev");
      const all = await h.client.branches.list(projectId);
      assert.deepEqual(new Set(all.branches.map((b) => b.id)), new Set([mainBranchId, devId]));
      const paged = await collect(h.client.branches.iterate(projectId, { limit: 1, sort_by: "name", sort_order: "asc" }));
      assert.deepEqual(paged.map((b) => b.name), ["dev", "main"]);

      const renamed = await h.client.branches.update(projectId, devId, { branch: { name: "dev-2", protected: false } });
      assert.equal(renamed.branch.name, "dev-2");
      const { endpoints } = await h.client.branches.listEndpoints(projectId, devId);
      assert.deepEqual(endpoints.map((e) => e.id), created.endpoints.map((e) => e.id));

      await h.client.branches.setDefault(projectId, devId);
      assert.equal((await h.client.branches.get(projectId, devId)).branch.default, true);
      await h.client.branches.setDefault(projectId, mainBranchId);

      const deleted = await h.client.branches.delete(projectId, devId);
      assert.equal(deleted.alreadyDeleted, false);
      assert.deepEqual(await h.client.branches.delete(projectId, devId), { alreadyDeleted: true });
    });

    it("roles: create (with its password), list, get, reveal and reset the password, delete", async () => {
      const created = await h.client.roles.create(projectId, mainBranchId, { role: { name: "app_user" } });
      assert.ok((created.role.password ?? "") !== "");
      assert.ok((await h.client.roles.list(projectId, mainBranchId)).roles.some((r) => r.name === "app_user"));
      assert.equal((await h.client.roles.get(projectId, mainBranchId, "app_user")).role.name, "app_user");
      assert.equal((await h.client.roles.revealPassword(projectId, mainBranchId, "app_user")).password, created.role.password);
      const reset = await h.client.roles.resetPassword(projectId, mainBranchId, "app_user");
      assert.notEqual(reset.role.password, created.role.password);
      assert.equal((await h.client.roles.delete(projectId, mainBranchId, "app_user")).alreadyDeleted, false);
      assert.deepEqual(await h.client.roles.delete(projectId, mainBranchId, "app_user"), { alreadyDeleted: true });
    });

    it("databases: create, list, get, update, delete", async () => {
      const { roles } = await h.client.roles.list(projectId, mainBranchId);
      const owner = roles[0]!.name;
      await h.client.databases.create(projectId, mainBranchId, { database: { name: "analytics", owner_name: owner } });
      assert.ok((await h.client.databases.list(projectId, mainBranchId)).databases.some((d) => d.name === "analytics"));
      assert.equal((await h.client.databases.get(projectId, mainBranchId, "analytics")).database.owner_name, owner);
      const renamed = await h.client.databases.update(projectId, mainBranchId, "analytics", { database: { name: "analytics_v2" } });
      assert.equal(renamed.database.name, "analytics_v2");
      assert.equal((await h.client.databases.delete(projectId, mainBranchId, "analytics_v2")).alreadyDeleted, false);
    });

    it("endpoints: create, list, get, update, suspend, start, restart, delete", async () => {
      const created = await h.client.endpoints.create(projectId, { endpoint: { branch_id: mainBranchId, type: "read_only" } });
      const endpointId = created.endpoint.id;
      assert.ok((await h.client.endpoints.list(projectId)).endpoints.some((e) => e.id === endpointId));
      assert.equal((await h.client.endpoints.get(projectId, endpointId)).endpoint.type, "read_only");
      const updated = await h.client.endpoints.update(projectId, endpointId, { endpoint: { autoscaling_limit_max_cu: 2 } });
      assert.equal(updated.endpoint.autoscaling_limit_max_cu, 2);
      await h.client.endpoints.suspend(projectId, endpointId);
      assert.equal((await h.client.endpoints.get(projectId, endpointId)).endpoint.current_state, "idle");
      await h.client.endpoints.start(projectId, endpointId);
      assert.equal((await h.client.endpoints.get(projectId, endpointId)).endpoint.current_state, "active");
      await h.client.endpoints.restart(projectId, endpointId);
      assert.equal((await h.client.endpoints.delete(projectId, endpointId)).alreadyDeleted, false);
    });

    it("snapshots: create, list, update, restore, finalize the restore, delete", async () => {
      const { snapshot } = await h.client.snapshots.create(projectId, mainBranchId, { name: "before-migration" });
      assert.ok((await h.client.snapshots.list(projectId)).snapshots.some((s) => s.id === snapshot.id));
      assert.equal((await h.client.snapshots.update(projectId, snapshot.id, { snapshot: { name: "renamed" } })).snapshot.name, "renamed");
      const restored = await h.client.snapshots.restore(projectId, snapshot.id, { name: "restored", finalize_restore: false });
      assert.equal(restored.branch.name, "restored");
      await h.client.snapshots.finalizeRestore(projectId, restored.branch.id, { name: "main-before-restore" });
      assert.equal((await h.client.branches.get(projectId, restored.branch.id)).branch.name, "main");
      await h.client.snapshots.delete(projectId, snapshot.id);
      assert.ok(!(await h.client.snapshots.list(projectId)).snapshots.some((s) => s.id === snapshot.id));
    });

    it("operations: list, iterate, get", async () => {
      const { operations } = await h.client.operations.list(projectId, { limit: 2 });
      assert.equal(operations.length, 2);
      const all = await collect(h.client.operations.iterate(projectId, { limit: 3 }));
      assert.ok(all.length > 3);
      assert.equal(new Set(all.map((o) => o.id)).size, all.length);
      assert.equal((await h.client.operations.get(projectId, all[0]!.id)).operation.id, all[0]!.id);
    });

    it("Neon Auth: enable, get, OAuth providers, trusted domains, localhost, disable", async () => {
      const { branches } = await h.client.branches.list(projectId);
      const branchId = branches.find((b) => b.default)!.id;
      const enabled = await h.client.neonAuth.enable(projectId, branchId, { auth_provider: "better_auth" });
      assert.ok(enabled.secret_server_key !== "" && enabled.pub_client_key !== "");
      assert.equal((await h.client.neonAuth.get(projectId, branchId)).branch_id, branchId);

      await h.client.neonAuth.addOAuthProvider(projectId, branchId, { id: "github", client_id: "cid", client_secret: "csecret" });
      assert.ok((await h.client.neonAuth.listOAuthProviders(projectId, branchId)).providers.some((p) => p.id === "github"));
      const updated = await h.client.neonAuth.updateOAuthProvider(projectId, branchId, "github", { client_id: "cid-2", client_secret: "csecret-2" });
      assert.equal(updated.client_id, "cid-2");
      await h.client.neonAuth.deleteOAuthProvider(projectId, branchId, "github");
      assert.ok(!(await h.client.neonAuth.listOAuthProviders(projectId, branchId)).providers.some((p) => p.id === "github"));

      await h.client.neonAuth.addTrustedDomain(projectId, branchId, { domain: "https://app.example.com", auth_provider: "better_auth" });
      assert.deepEqual((await h.client.neonAuth.listTrustedDomains(projectId, branchId)).domains.map((d) => d.domain), ["https://app.example.com"]);
      await h.client.neonAuth.deleteTrustedDomains(projectId, branchId, { auth_provider: "better_auth", domains: [{ domain: "https://app.example.com" }] });
      assert.deepEqual((await h.client.neonAuth.listTrustedDomains(projectId, branchId)).domains, []);

      assert.equal((await h.client.neonAuth.setAllowLocalhost(projectId, branchId, true)).allow_localhost, true);
      assert.equal((await h.client.neonAuth.getAllowLocalhost(projectId, branchId)).allow_localhost, true);

      await h.client.neonAuth.disable(projectId, branchId, { delete_data: true });
      assert.ok((await rejectionOf(h.client.neonAuth.get(projectId, branchId))) instanceof NeonNotFoundError);
    });

    it("Data API: create, get, update, delete", async () => {
      const { branches } = await h.client.branches.list(projectId);
      const branchId = branches.find((b) => b.default)!.id;
      const { databases } = await h.client.databases.list(projectId, branchId);
      const database = databases[0]!.name;
      const created = await h.client.dataApi.create(projectId, branchId, database, { auth_provider: "external", jwks_url: "https://auth.example.com/.well-known/jwks.json" });
      assert.match(created.url, /^https:\/\//);
      assert.equal((await h.client.dataApi.get(projectId, branchId, database)).url, created.url);
      await h.client.dataApi.update(projectId, branchId, database, { settings: { db_max_rows: 500 } });
      assert.equal((await h.client.dataApi.get(projectId, branchId, database)).settings?.db_max_rows, 500);
      await h.client.dataApi.delete(projectId, branchId, database);
      assert.ok((await rejectionOf(h.client.dataApi.get(projectId, branchId, database))) instanceof NeonNotFoundError);
    });

    it("organizations: transfers a project, then deletes it", async () => {
      const { organizations } = await h.client.identity.listOrganizations();
      const destination = organizations.find((o) => o.id !== orgId)!.id;
      await h.client.organizations.transferProjects(orgId, { destination_org_id: destination, project_ids: [projectId] });
      assert.equal((await h.client.projects.get(projectId)).project.org_id, destination);

      await h.client.projects.delete(projectId);
      assert.ok((await rejectionOf(h.client.projects.get(projectId))) instanceof NeonNotFoundError);
    });

    it("answers a wrong key with NeonUnauthorizedError", async () => {
      const stranger = new NeonClient({ apiKey: "napi_wrong_key_000000", baseUrl: h.neon.url, rateLimit: false, logger: false });
      assert.ok((await rejectionOf(stranger.identity.getAuth())) instanceof NeonUnauthorizedError);
    });
  });

  describe("fault injection", () => {
    let h: Harness;
    let orgId: string;
    let projectId: string;
    let mainBranchId: string;
    before(async () => {
      h = await startHarness();
      orgId = (await h.client.identity.listOrganizations()).organizations[0]!.id;
      const created = await h.client.projects.create({ project: { name: "faults", org_id: orgId } });
      projectId = created.project.id;
      mainBranchId = created.branch.id;
    });
    afterEach(() => h.neon.faults.clear());
    after(() => h.neon.close());

    const logSince = (start: number) => h.neon.requestLog.slice(start);

    it("rides out a 429 storm, honouring Retry-After, with one request id", async () => {
      h.neon.faults.add({ match: { method: "GET", path: "/projects/{project_id}" }, action: { kind: "status", status: 429, retryAfterSeconds: 1 }, times: 3 });
      const start = h.neon.requestLog.length;
      const sleepsBefore = h.clock.sleeps.length;

      await h.client.projects.get(projectId);

      const log = logSince(start);
      assert.deepEqual(log.map((e) => e.status), [429, 429, 429, 200]);
      assert.equal(new Set(log.map((e) => e.requestId)).size, 1);
      assert.deepEqual(h.clock.sleeps.slice(sleepsBefore), [1000, 1000, 1000]);
    });

    it("retries a POST through 423 while another process's operations hold the project, until the lock clears", async () => {
      // Another client with a clock of its own: like another process, its operations are unknown to h.client.
      const otherProcess = new NeonClient({ apiKey: h.neon.apiKey, baseUrl: h.neon.url, clock: new LinkedClock(h.neon.clock as ManualClock), rateLimit: false, logger: false });
      await otherProcess.branches.create(projectId, { branch: { name: "busy-1" }, endpoints: [{ type: "read_write" }] }, { waitForOperations: false });
      const start = h.neon.requestLog.length;

      const second = await h.client.branches.create(projectId, { branch: { name: "busy-2" } });

      const posts = logSince(start).filter((e) => e.method === "POST");
      assert.ok(posts.length >= 2, `expected at least one 423 first, got ${posts.map((e) => e.status).join(",")}`);
      assert.ok(posts.slice(0, -1).every((e) => e.status === 423));
      assert.equal(posts.at(-1)!.status, 201);
      assert.equal(new Set(posts.map((e) => e.requestId)).size, 1);
      assert.equal(second.branch.name, "busy-2");
    });

    it("holds its own change while its own operations hold the project: no 423 of its own making", async () => {
      await h.client.branches.create(projectId, { branch: { name: "own-busy-1" }, endpoints: [{ type: "read_write" }] }, { waitForOperations: false });
      const start = h.neon.requestLog.length;

      await h.client.branches.create(projectId, { branch: { name: "own-busy-2" } });

      const log = logSince(start);
      assert.deepEqual(log.filter((e) => e.method === "POST").map((e) => e.status), [201]);
      assert.ok(log.findIndex((e) => e.method === "GET" && e.path.includes("/operations")) < log.findIndex((e) => e.method === "POST"), "the operations were read before the change was sent");
    });

    it("retries a 503 on POST and creates the branch exactly once", async () => {
      h.neon.faults.add({ match: { method: "POST", path: "/projects/{project_id}/branches" }, action: { kind: "status", status: 503 }, times: 2 });
      const start = h.neon.requestLog.length;

      await h.client.branches.create(projectId, { branch: { name: "after-503" } });

      assert.deepEqual(logSince(start).filter((e) => e.method === "POST").map((e) => e.status), [503, 503, 201]);
      const named = (await h.client.branches.list(projectId, { search: "after-503" })).branches.filter((b) => b.name === "after-503");
      assert.equal(named.length, 1);
    });

    it("does not replay a POST after commit-then-drop; the branch exists once, found by name", async () => {
      h.neon.faults.add({ match: { method: "POST", path: "/projects/{project_id}/branches" }, action: { kind: "commit_then_drop" }, times: 1 });
      const start = h.neon.requestLog.length;

      const error = await rejectionOf(h.client.branches.create(projectId, { branch: { name: "dropped" } }));

      assert.ok(error instanceof NeonAmbiguousWriteError, String(error));
      assert.equal(logSince(start).filter((e) => e.method === "POST").length, 1);
      const named = (await h.client.branches.list(projectId)).branches.filter((b) => b.name === "dropped");
      assert.equal(named.length, 1);
    });

    it("retries a GET whose connection was dropped, and a GET answered 502", async () => {
      h.neon.faults.add({ match: { method: "GET", path: "/projects/{project_id}/branches/{branch_id}" }, action: { kind: "drop" }, times: 1 });
      h.neon.faults.add({ match: { method: "GET", path: "/projects/{project_id}/endpoints" }, action: { kind: "status", status: 502 }, times: 1 });
      await h.client.branches.get(projectId, mainBranchId);
      await h.client.endpoints.list(projectId);
    });

    it("raises NeonAmbiguousWriteError for a PATCH answered 502, without sending it again", async () => {
      h.neon.faults.add({ match: { method: "PATCH", path: "/projects/{project_id}" }, action: { kind: "status", status: 502 }, times: 1 });
      const start = h.neon.requestLog.length;
      const error = await rejectionOf(h.client.projects.update(projectId, { project: { name: "x" } }));
      assert.ok(error instanceof NeonAmbiguousWriteError);
      assert.equal(logSince(start).filter((e) => e.method === "PATCH").length, 1);
    });

    for (const status of ["failed", "error"] as const) {
      it(`raises NeonOperationFailedError when Neon's operation ends ${status}`, async () => {
        h.neon.faults.failNextOperations(projectId, { count: 1, status });

        const error = await rejectionOf(h.client.branches.create(projectId, { branch: { name: `doomed-${status}` } }));

        assert.ok(error instanceof NeonOperationFailedError, String(error));
        assert.equal(error.status, status);
        assert.equal(error.projectId, projectId);
        assert.ok(error.operationId !== "" && error.action !== "");
      });
    }

    it("raises NeonOperationTimeoutError when operations outlast the deadline", async () => {
      h.neon.faults.slowNextOperations(projectId, { count: 5, factor: 100 });
      const created = await h.client.branches.create(projectId, { branch: { name: "slow" } }, { waitForOperations: false });

      const error = await rejectionOf(h.client.waitForOperations(created.operations, { deadlineMs: 2000 }));

      assert.ok(error instanceof NeonOperationTimeoutError, String(error));
      assert.equal(error.projectId, projectId);
      assert.ok(error.waitedMs >= 2000);
      await h.client.waitForOperations(created.operations);
    });
  });

  describe("rate limiting", () => {
    it("retries through the emulator's 429s when the client does not limit itself", async () => {
      const h = await startHarness({ rateLimit: { perMinute: 700, perSecondPerRoute: 5 } });
      try {
        await Promise.all(Array.from({ length: 20 }, () => h.client.identity.getAuth()));
        const statuses = h.neon.requestLog.map((e) => e.status);
        assert.ok(statuses.includes(429));
        assert.equal(statuses.filter((s) => s === 200).length, 20);
      } finally {
        await h.neon.close();
      }
    });

    // Real time here: the point is that requests admitted by the client's clock arrive within the
    // server's limits, which a clock advanced by the client's own waits cannot show. The client is
    // set a little below the server, as it should be in production, to absorb network jitter.
    it("never sees a 429 when its limiter is set just under the emulator's, in real time", async () => {
      const neon = await startNeonLocal({ port: 0, rateLimit: { perMinute: 700, perSecondPerRoute: 10 } });
      const client = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: new RateLimiter({ perSecondPerRoute: 8 }) });
      const started = Date.now();
      try {
        await Promise.all(Array.from({ length: 20 }, () => client.identity.getAuth()));
        assert.deepEqual([...new Set(neon.requestLog.map((e) => e.status))], [200]);
        assert.equal(neon.requestLog.length, 20);
        assert.ok(Date.now() - started >= 2000, "the limiter spread 20 requests over three one-second windows");
      } finally {
        await neon.close();
      }
    });
  });
});
