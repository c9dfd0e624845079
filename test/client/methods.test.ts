import * as assert from "node:assert/strict";
import type { NeonClient } from "../../provider/client";
import { branch, connectionDetails, createdBranch, database, endpoint, operation, project, role, T0 } from "./helpers/fixtures";
import { type Reply, scriptedServerForSuite } from "./helpers/scriptedServer";
import { testClient } from "./helpers/testClient";

interface RouteCase {
  readonly call: (client: NeonClient) => Promise<unknown>;
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly body?: unknown;
  readonly reply: Reply;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const ops = [operation("op-1", "finished")];
const snapshot = { id: "snap-1", name: "s", created_at: T0 };

/** Every client method: what it sends (method, path, query, body) for given arguments. */
const cases: Record<string, RouteCase> = {
  "projects.list": { call: (c) => c.projects.list({ limit: 5, search: "t" }), method: "GET", path: "/projects", query: "limit=5&search=t", reply: ok({ projects: [] }) },
  "projects.create": {
    call: (c) => c.projects.create({ project: { name: "t", pg_version: 17 } }),
    method: "POST",
    path: "/projects",
    body: { project: { name: "t", pg_version: 17 } },
    reply: ok({ project: project(), connection_uris: [connectionDetails("pw")], roles: [role()], databases: [database()], operations: ops, branch: branch(), endpoints: [endpoint()] }, 201),
  },
  "projects.get": { call: (c) => c.projects.get("p-1"), method: "GET", path: "/projects/p-1", reply: ok({ project: project() }) },
  "projects.update": {
    call: (c) => c.projects.update("p-1", { project: { name: "n" } }),
    method: "PATCH",
    path: "/projects/p-1",
    body: { project: { name: "n" } },
    reply: ok({ project: project(), operations: ops }),
  },
  "projects.delete": { call: (c) => c.projects.delete("p-1"), method: "DELETE", path: "/projects/p-1", reply: ok({ project: project() }) },
  "projects.connectionUri": {
    call: (c) => c.projects.connectionUri("p-1", { database_name: "neondb", role_name: "owner", pooled: true }),
    method: "GET",
    path: "/projects/p-1/connection_uri",
    query: "database_name=neondb&role_name=owner&pooled=true",
    reply: ok({ uri: "postgresql://x" }),
  },
  "branches.list": { call: (c) => c.branches.list("p-1", { include_deleted: false }), method: "GET", path: "/projects/p-1/branches", query: "include_deleted=false", reply: ok({ branches: [] }) },
  "branches.create": {
    call: (c) => c.branches.create("p-1", { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] }),
    method: "POST",
    path: "/projects/p-1/branches",
    body: { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] },
    reply: ok(createdBranch(ops), 201),
  },
  "branches.get": { call: (c) => c.branches.get("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1", reply: ok({ branch: branch() }) },
  "branches.update": {
    call: (c) => c.branches.update("p-1", "br-1", { branch: { expires_at: null } }),
    method: "PATCH",
    path: "/projects/p-1/branches/br-1",
    body: { branch: { expires_at: null } },
    reply: ok({ branch: branch(), operations: ops }),
  },
  "branches.delete": {
    call: (c) => c.branches.delete("p-1", "br-1", { hard_delete: true }),
    method: "DELETE",
    path: "/projects/p-1/branches/br-1",
    query: "hard_delete=true",
    reply: ok({ branch: branch(), operations: ops }),
  },
  "branches.setDefault": { call: (c) => c.branches.setDefault("p-1", "br-1"), method: "POST", path: "/projects/p-1/branches/br-1/set_as_default", reply: ok({ branch: branch(), operations: ops }) },
  "branches.listEndpoints": { call: (c) => c.branches.listEndpoints("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1/endpoints", reply: ok({ endpoints: [endpoint()] }) },
  "roles.list": { call: (c) => c.roles.list("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1/roles", reply: ok({ roles: [role()] }) },
  "roles.get": { call: (c) => c.roles.get("p-1", "br-1", "app"), method: "GET", path: "/projects/p-1/branches/br-1/roles/app", reply: ok({ role: role() }) },
  "roles.create": {
    call: (c) => c.roles.create("p-1", "br-1", { role: { name: "app" } }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/roles",
    body: { role: { name: "app" } },
    reply: ok({ role: role({ password: "pw" }), operations: ops }, 201),
  },
  "roles.delete": { call: (c) => c.roles.delete("p-1", "br-1", "app"), method: "DELETE", path: "/projects/p-1/branches/br-1/roles/app", reply: ok({ role: role(), operations: ops }) },
  "roles.revealPassword": { call: (c) => c.roles.revealPassword("p-1", "br-1", "app"), method: "GET", path: "/projects/p-1/branches/br-1/roles/app/reveal_password", reply: ok({ password: "pw" }) },
  "roles.resetPassword": { call: (c) => c.roles.resetPassword("p-1", "br-1", "app"), method: "POST", path: "/projects/p-1/branches/br-1/roles/app/reset_password", reply: ok({ role: role(), operations: ops }) },
  "databases.list": { call: (c) => c.databases.list("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1/databases", reply: ok({ databases: [database()] }) },
  "databases.get": { call: (c) => c.databases.get("p-1", "br-1", "app"), method: "GET", path: "/projects/p-1/branches/br-1/databases/app", reply: ok({ database: database() }) },
  "databases.create": {
    call: (c) => c.databases.create("p-1", "br-1", { database: { name: "app", owner_name: "app" } }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/databases",
    body: { database: { name: "app", owner_name: "app" } },
    reply: ok({ database: database(), operations: ops }, 201),
  },
  "databases.update": {
    call: (c) => c.databases.update("p-1", "br-1", "app", { database: { owner_name: "other" } }),
    method: "PATCH",
    path: "/projects/p-1/branches/br-1/databases/app",
    body: { database: { owner_name: "other" } },
    reply: ok({ database: database(), operations: ops }),
  },
  "databases.delete": { call: (c) => c.databases.delete("p-1", "br-1", "app"), method: "DELETE", path: "/projects/p-1/branches/br-1/databases/app", reply: ok({ database: database(), operations: ops }) },
  "endpoints.list": { call: (c) => c.endpoints.list("p-1"), method: "GET", path: "/projects/p-1/endpoints", reply: ok({ endpoints: [] }) },
  "endpoints.get": { call: (c) => c.endpoints.get("p-1", "ep-1"), method: "GET", path: "/projects/p-1/endpoints/ep-1", reply: ok({ endpoint: endpoint() }) },
  "endpoints.create": {
    call: (c) => c.endpoints.create("p-1", { endpoint: { branch_id: "br-1", type: "read_only" } }),
    method: "POST",
    path: "/projects/p-1/endpoints",
    body: { endpoint: { branch_id: "br-1", type: "read_only" } },
    reply: ok({ endpoint: endpoint(), operations: ops }, 201),
  },
  "endpoints.update": {
    call: (c) => c.endpoints.update("p-1", "ep-1", { endpoint: { autoscaling_limit_max_cu: 2 } }),
    method: "PATCH",
    path: "/projects/p-1/endpoints/ep-1",
    body: { endpoint: { autoscaling_limit_max_cu: 2 } },
    reply: ok({ endpoint: endpoint(), operations: ops }),
  },
  "endpoints.delete": { call: (c) => c.endpoints.delete("p-1", "ep-1"), method: "DELETE", path: "/projects/p-1/endpoints/ep-1", reply: ok({ endpoint: endpoint(), operations: ops }) },
  "endpoints.start": { call: (c) => c.endpoints.start("p-1", "ep-1"), method: "POST", path: "/projects/p-1/endpoints/ep-1/start", reply: ok({ endpoint: endpoint(), operations: ops }) },
  "endpoints.suspend": { call: (c) => c.endpoints.suspend("p-1", "ep-1"), method: "POST", path: "/projects/p-1/endpoints/ep-1/suspend", reply: ok({ endpoint: endpoint(), operations: ops }) },
  "endpoints.restart": { call: (c) => c.endpoints.restart("p-1", "ep-1"), method: "POST", path: "/projects/p-1/endpoints/ep-1/restart", reply: ok({ endpoint: endpoint(), operations: ops }) },
  "snapshots.create": {
    call: (c) => c.snapshots.create("p-1", "br-1", { name: "s", timestamp: T0 }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/snapshot",
    query: `name=s&timestamp=${encodeURIComponent(T0)}`,
    reply: ok({ snapshot, operations: ops }),
  },
  "snapshots.list": { call: (c) => c.snapshots.list("p-1"), method: "GET", path: "/projects/p-1/snapshots", reply: ok({ snapshots: [snapshot] }) },
  "snapshots.update": {
    call: (c) => c.snapshots.update("p-1", "snap-1", { snapshot: { name: "t" } }),
    method: "PATCH",
    path: "/projects/p-1/snapshots/snap-1",
    body: { snapshot: { name: "t" } },
    reply: ok({ snapshot }),
  },
  "snapshots.delete": { call: (c) => c.snapshots.delete("p-1", "snap-1"), method: "DELETE", path: "/projects/p-1/snapshots/snap-1", reply: ok({ operations: ops }, 202) },
  "snapshots.restore": {
    call: (c) => c.snapshots.restore("p-1", "snap-1", { name: "restored", finalize_restore: false }),
    method: "POST",
    path: "/projects/p-1/snapshots/snap-1/restore",
    body: { name: "restored", finalize_restore: false },
    reply: ok({ branch: branch(), operations: ops }),
  },
  "snapshots.finalizeRestore": {
    call: (c) => c.snapshots.finalizeRestore("p-1", "br-2", { name: "old" }),
    method: "POST",
    path: "/projects/p-1/branches/br-2/finalize_restore",
    body: { name: "old" },
    reply: ok({ operations: ops }),
  },
  "operations.get": { call: (c) => c.operations.get("p-1", "op-1"), method: "GET", path: "/projects/p-1/operations/op-1", reply: ok({ operation: ops[0] }) },
  "operations.list": { call: (c) => c.operations.list("p-1", { limit: 3 }), method: "GET", path: "/projects/p-1/operations", query: "limit=3", reply: ok({ operations: ops }) },
  "neonAuth.get": {
    call: (c) => c.neonAuth.get("p-1", "br-1"),
    method: "GET",
    path: "/projects/p-1/branches/br-1/auth",
    reply: ok({ auth_provider: "better_auth", auth_provider_project_id: "a", branch_id: "br-1", db_name: "neondb", jwks_url: "https://x", created_at: T0, owned_by: "neon" }),
  },
  "neonAuth.enable": {
    call: (c) => c.neonAuth.enable("p-1", "br-1", { auth_provider: "better_auth", database_name: "neondb" }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/auth",
    body: { auth_provider: "better_auth", database_name: "neondb" },
    reply: ok({ auth_provider: "better_auth", auth_provider_project_id: "a", pub_client_key: "pk", secret_server_key: "sk", jwks_url: "https://x", schema_name: "neon_auth", table_name: "users_sync" }, 201),
  },
  "neonAuth.disable": {
    call: (c) => c.neonAuth.disable("p-1", "br-1", { delete_data: true }),
    method: "DELETE",
    path: "/projects/p-1/branches/br-1/auth",
    body: { delete_data: true },
    reply: { status: 200 },
  },
  "neonAuth.listOAuthProviders": { call: (c) => c.neonAuth.listOAuthProviders("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1/auth/oauth_providers", reply: ok({ providers: [{ id: "github", type: "shared" }] }) },
  "neonAuth.addOAuthProvider": {
    call: (c) => c.neonAuth.addOAuthProvider("p-1", "br-1", { id: "github", client_id: "cid", client_secret: "cs" }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/auth/oauth_providers",
    body: { id: "github", client_id: "cid", client_secret: "cs" },
    reply: ok({ id: "github", type: "standard", client_id: "cid" }),
  },
  "neonAuth.updateOAuthProvider": {
    call: (c) => c.neonAuth.updateOAuthProvider("p-1", "br-1", "github", { client_id: "cid2" }),
    method: "PATCH",
    path: "/projects/p-1/branches/br-1/auth/oauth_providers/github",
    body: { client_id: "cid2" },
    reply: ok({ id: "github", type: "standard", client_id: "cid2" }),
  },
  "neonAuth.deleteOAuthProvider": { call: (c) => c.neonAuth.deleteOAuthProvider("p-1", "br-1", "github"), method: "DELETE", path: "/projects/p-1/branches/br-1/auth/oauth_providers/github", reply: ok({}) },
  "neonAuth.listTrustedDomains": {
    call: (c) => c.neonAuth.listTrustedDomains("p-1", "br-1"),
    method: "GET",
    path: "/projects/p-1/branches/br-1/auth/domains",
    reply: ok({ domains: [{ domain: "https://app.example", auth_provider: "better_auth" }] }),
  },
  "neonAuth.addTrustedDomain": {
    call: (c) => c.neonAuth.addTrustedDomain("p-1", "br-1", { domain: "https://app.example", auth_provider: "better_auth" }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/auth/domains",
    body: { domain: "https://app.example", auth_provider: "better_auth" },
    reply: { status: 201 },
  },
  "neonAuth.deleteTrustedDomains": {
    call: (c) => c.neonAuth.deleteTrustedDomains("p-1", "br-1", { auth_provider: "better_auth", domains: [{ domain: "https://app.example" }] }),
    method: "DELETE",
    path: "/projects/p-1/branches/br-1/auth/domains",
    body: { auth_provider: "better_auth", domains: [{ domain: "https://app.example" }] },
    reply: { status: 200 },
  },
  "neonAuth.getAllowLocalhost": { call: (c) => c.neonAuth.getAllowLocalhost("p-1", "br-1"), method: "GET", path: "/projects/p-1/branches/br-1/auth/allow_localhost", reply: ok({ allow_localhost: false }) },
  "neonAuth.setAllowLocalhost": {
    call: (c) => c.neonAuth.setAllowLocalhost("p-1", "br-1", true),
    method: "PATCH",
    path: "/projects/p-1/branches/br-1/auth/allow_localhost",
    body: { allow_localhost: true },
    reply: ok({ allow_localhost: true }),
  },
  "dataApi.create": {
    call: (c) => c.dataApi.create("p-1", "br-1", "neondb", { auth_provider: "neon_auth" }),
    method: "POST",
    path: "/projects/p-1/branches/br-1/data-api/neondb",
    body: { auth_provider: "neon_auth" },
    reply: ok({ url: "https://data.example" }, 201),
  },
  "dataApi.get": { call: (c) => c.dataApi.get("p-1", "br-1", "neondb"), method: "GET", path: "/projects/p-1/branches/br-1/data-api/neondb", reply: ok({ url: "https://d", status: "ready", settings: null }) },
  "dataApi.update": {
    call: (c) => c.dataApi.update("p-1", "br-1", "neondb", { settings: { db_max_rows: 100 } }),
    method: "PATCH",
    path: "/projects/p-1/branches/br-1/data-api/neondb",
    body: { settings: { db_max_rows: 100 } },
    reply: ok({}, 201),
  },
  "dataApi.delete": { call: (c) => c.dataApi.delete("p-1", "br-1", "neondb"), method: "DELETE", path: "/projects/p-1/branches/br-1/data-api/neondb", reply: ok({}) },
  "organizations.get": { call: (c) => c.organizations.get("org-1"), method: "GET", path: "/organizations/org-1", reply: ok({ id: "org-1", name: "Org", handle: "org", plan: "free", created_at: T0, updated_at: T0, managed_by: "console" }) },
  "organizations.transferProjects": {
    call: (c) => c.organizations.transferProjects("org-1", { destination_org_id: "org-2", project_ids: ["p-1"] }),
    method: "POST",
    path: "/organizations/org-1/projects/transfer",
    body: { destination_org_id: "org-2", project_ids: ["p-1"] },
    reply: ok({}),
  },
  "identity.getAuth": { call: (c) => c.identity.getAuth(), method: "GET", path: "/auth", reply: ok({ account_id: "acc", auth_method: "api_key_user" }) },
  "identity.getCurrentUser": { call: (c) => c.identity.getCurrentUser(), method: "GET", path: "/users/me", reply: ok({ id: "u-1", email: "dev@example.com" }) },
  "identity.listOrganizations": { call: (c) => c.identity.listOrganizations(), method: "GET", path: "/users/me/organizations", reply: ok({ organizations: [] }) },
};

describe("client methods: what each one sends", () => {
  const server = scriptedServerForSuite();

  for (const [name, route] of Object.entries(cases)) {
    it(`${name} → ${route.method} ${route.path}${route.query === undefined ? "" : `?${route.query}`}`, async () => {
      server.on(route.method, route.path, route.reply);
      const { client } = testClient(server);

      await route.call(client);

      assert.equal(server.requests.length, 1, "exactly one request, no operation polling for finished operations");
      const [sent] = server.requests;
      assert.equal(sent?.method, route.method);
      assert.equal(sent?.path, route.path);
      assert.equal(sent?.query.toString(), route.query ?? "");
      assert.deepEqual(sent?.body, route.body);
    });
  }

  it("covers every public method of every API area", () => {
    const client = testClient(server).client as unknown as Record<string, object>;
    const areas = ["projects", "branches", "roles", "databases", "endpoints", "snapshots", "operations", "neonAuth", "dataApi", "organizations", "identity"];
    const methods = areas.flatMap((area) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(client[area]))
        .filter((m) => m !== "constructor" && m !== "iterate")
        .map((m) => `${area}.${m}`),
    );
    assert.deepEqual(methods.filter((m) => !(m in cases)), []);
  });
});
