import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

describe("local Neon API: Neon Auth (branch-scoped)", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  /** A fresh project (operations are instant here) and the path of its default branch's auth routes. */
  async function newBranch(): Promise<{ projectId: string; branchId: string; auth: string }> {
    const res = await call(neon, "POST", "/projects", { project: {} });
    assert.equal(res.status, 201);
    const projectId = res.body.project.id;
    const branchId = res.body.branch.id;
    return { projectId, branchId, auth: `/projects/${projectId}/branches/${branchId}/auth` };
  }

  async function enabled(): Promise<{ projectId: string; branchId: string; auth: string }> {
    const b = await newBranch();
    const res = await call(neon, "POST", b.auth, { auth_provider: "better_auth" });
    assert.equal(res.status, 201);
    return b;
  }

  describe("enable, read, disable", () => {
    it("enables Neon Auth with 201 and one-time keys that a later GET never returns", async () => {
      const b = await newBranch();
      const res = await call(neon, "POST", b.auth, { auth_provider: "better_auth" });
      assert.equal(res.status, 201);
      const created = res.body;
      assert.match(created.pub_client_key, /^pck_[0-9a-f]+$/);
      assert.match(created.secret_server_key, /^ssk_[0-9a-f]+$/);
      assert.equal(created.auth_provider, "better_auth");
      assert.equal(created.schema_name, "neon_auth");
      assert.ok(created.auth_provider_project_id.length > 0);
      assert.match(created.jwks_url, /^https:\/\/.+\/neondb\/auth\/\.well-known\/jwks\.json$/);

      const got = await call(neon, "GET", b.auth);
      assert.equal(got.status, 200);
      assert.equal(got.body.branch_id, b.branchId);
      assert.equal(got.body.db_name, "neondb", "database_name defaults to the branch's database");
      assert.equal(got.body.auth_provider_project_id, created.auth_provider_project_id);
      assert.equal(got.body.jwks_url, created.jwks_url);
      assert.equal(got.body.base_url, created.base_url);
      const text = JSON.stringify(got.body);
      assert.ok(!text.includes(created.pub_client_key), "the publishable key is not returned again");
      assert.ok(!text.includes(created.secret_server_key), "the secret server key is not returned again");
      assert.ok(!/pub_client_key|secret_server_key/.test(text));

      const again = await call(neon, "POST", b.auth, { auth_provider: "better_auth" });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, "CONFLICT");
    });

    it("uses the database named in database_name and refuses one that does not exist (400)", async () => {
      const b = await newBranch();
      assert.equal((await call(neon, "POST", `/projects/${b.projectId}/branches/${b.branchId}/databases`, { database: { name: "app", owner_name: "neondb_owner" } })).status, 201);
      const unknown = await call(neon, "POST", b.auth, { auth_provider: "better_auth", database_name: "nope" });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.message, /^database_name: database nope not found/);
      assert.equal((await call(neon, "GET", b.auth)).status, 404, "the refused request enabled nothing");
      const res = await call(neon, "POST", b.auth, { auth_provider: "stack", database_name: "app" });
      assert.equal(res.status, 201);
      assert.equal((await call(neon, "GET", b.auth)).body.db_name, "app");
    });

    it("refuses an unknown auth_provider (400)", async () => {
      const b = await newBranch();
      const res = await call(neon, "POST", b.auth, { auth_provider: "auth0" });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /^auth_provider: /);
    });

    it("disables with {delete_data: true}; GET then answers 404 and it can be enabled again", async () => {
      const b = await enabled();
      const res = await call(neon, "DELETE", b.auth, { delete_data: true });
      assert.equal(res.status, 200);
      assert.equal((await call(neon, "GET", b.auth)).status, 404);
      assert.equal((await call(neon, "DELETE", b.auth)).status, 404);
      assert.equal((await call(neon, "POST", b.auth, { auth_provider: "better_auth" })).status, 201);
    });

    it("answers 404 on every sub-route while Neon Auth is not enabled on the branch", async () => {
      const b = await newBranch();
      const attempts: [string, string, unknown?][] = [
        ["GET", ""],
        ["DELETE", ""],
        ["GET", "/oauth_providers"],
        ["POST", "/oauth_providers", { id: "google" }],
        ["PATCH", "/oauth_providers/google", { client_id: "a", client_secret: "b" }],
        ["DELETE", "/oauth_providers/google"],
        ["GET", "/domains"],
        ["POST", "/domains", { domain: "https://app.example.com", auth_provider: "better_auth" }],
        ["DELETE", "/domains", { auth_provider: "better_auth", domains: [{ domain: "https://app.example.com" }] }],
        ["GET", "/allow_localhost"],
        ["PATCH", "/allow_localhost", { allow_localhost: true }],
      ];
      for (const [method, sub, body] of attempts) {
        const res = await call(neon, method, `${b.auth}${sub}`, body);
        assert.equal(res.status, 404, `${method} ${sub || "/auth"}`);
        assert.equal(res.body.code, "NOT_FOUND");
      }
    });

    it("answers 404 for an unknown branch", async () => {
      const b = await newBranch();
      assert.equal((await call(neon, "GET", `/projects/${b.projectId}/branches/br-missing-00000000/auth`)).status, 404);
    });
  });

  describe("OAuth providers", () => {
    it("adds a shared provider without credentials and a standard one with client_id and client_secret", async () => {
      const b = await enabled();
      const shared = await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "google" });
      assert.equal(shared.status, 200);
      assert.deepEqual(shared.body, { id: "google", type: "shared" });
      const standard = await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "github", client_id: "gh-id", client_secret: "gh-secret-value" });
      assert.equal(standard.status, 200);
      assert.deepEqual(standard.body, { id: "github", type: "standard", client_id: "gh-id" });

      const list = await call(neon, "GET", `${b.auth}/oauth_providers`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.providers, [
        { id: "google", type: "shared" },
        { id: "github", type: "standard", client_id: "gh-id" },
      ]);
      assert.ok(!JSON.stringify(list.body).includes("gh-secret-value"), "client secrets are never listed");
      assert.ok(!JSON.stringify(list.body).includes("client_secret"));
    });

    it("refuses only one of client_id and client_secret (400), an unknown provider id (400) and a second add of the same provider (409)", async () => {
      const b = await enabled();
      const idOnly = await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "github", client_id: "x" });
      assert.equal(idOnly.status, 400);
      assert.match(idOnly.body.message, /^client_secret: client_id and client_secret must be given together/);
      const secretOnly = await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "github", client_secret: "x" });
      assert.equal(secretOnly.status, 400);
      assert.match(secretOnly.body.message, /^client_id: /);
      const unknown = await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "facebook" });
      assert.equal(unknown.status, 400);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/oauth_providers`)).body.providers, []);
      assert.equal((await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "vercel" })).status, 200);
      assert.equal((await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "vercel" })).status, 409);
    });

    it("updates a provider's credentials (shared becomes standard) and refuses an update that would leave a client_id without a secret", async () => {
      const b = await enabled();
      await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "microsoft" });
      const half = await call(neon, "PATCH", `${b.auth}/oauth_providers/microsoft`, { client_id: "ms-id" });
      assert.equal(half.status, 400);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/oauth_providers`)).body.providers, [{ id: "microsoft", type: "shared" }]);

      const res = await call(neon, "PATCH", `${b.auth}/oauth_providers/microsoft`, { client_id: "ms-id", client_secret: "ms-secret", microsoft_tenant_id: "t1" });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { id: "microsoft", type: "standard", client_id: "ms-id" });
      // With a secret already stored, a new client_id alone is fine.
      const rotated = await call(neon, "PATCH", `${b.auth}/oauth_providers/microsoft`, { client_id: "ms-id-2" });
      assert.equal(rotated.status, 200);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/oauth_providers`)).body.providers, [{ id: "microsoft", type: "standard", client_id: "ms-id-2" }]);
      assert.equal((await call(neon, "PATCH", `${b.auth}/oauth_providers/github`, { client_id: "a", client_secret: "b" })).status, 404);
    });

    it("deletes a provider, and answers 404 for one that is not configured", async () => {
      const b = await enabled();
      await call(neon, "POST", `${b.auth}/oauth_providers`, { id: "google" });
      assert.equal((await call(neon, "DELETE", `${b.auth}/oauth_providers/google`)).status, 200);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/oauth_providers`)).body.providers, []);
      const missing = await call(neon, "DELETE", `${b.auth}/oauth_providers/google`);
      assert.equal(missing.status, 404);
      assert.match(missing.body.message, /OAuth provider google not found/);
    });
  });

  describe("trusted domains and localhost", () => {
    it("adds (201), lists and deletes trusted domains; adding one twice keeps one entry", async () => {
      const b = await enabled();
      const add = (domain: string) => call(neon, "POST", `${b.auth}/domains`, { domain, auth_provider: "better_auth" });
      assert.equal((await add("https://app.example.com")).status, 201);
      assert.equal((await add("https://admin.example.com")).status, 201);
      assert.equal((await add("https://app.example.com")).status, 201);
      const list = await call(neon, "GET", `${b.auth}/domains`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.domains, [
        { domain: "https://app.example.com", auth_provider: "better_auth" },
        { domain: "https://admin.example.com", auth_provider: "better_auth" },
      ]);
      const del = await call(neon, "DELETE", `${b.auth}/domains`, { auth_provider: "better_auth", domains: [{ domain: "https://app.example.com" }] });
      assert.equal(del.status, 200);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/domains`)).body.domains.map((d: any) => d.domain), ["https://admin.example.com"]);
    });

    it("refuses a domain that is not a URI (400)", async () => {
      const b = await enabled();
      const res = await call(neon, "POST", `${b.auth}/domains`, { domain: "not a uri", auth_provider: "better_auth" });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /^domain: must be a URI/);
      const del = await call(neon, "DELETE", `${b.auth}/domains`, { auth_provider: "better_auth", domains: [{ domain: "app.example.com" }] });
      assert.equal(del.status, 400);
      assert.deepEqual((await call(neon, "GET", `${b.auth}/domains`)).body.domains, []);
    });

    it("reads allow_localhost (false at first) and changes it with PATCH", async () => {
      const b = await enabled();
      assert.deepEqual((await call(neon, "GET", `${b.auth}/allow_localhost`)).body, { allow_localhost: false });
      const res = await call(neon, "PATCH", `${b.auth}/allow_localhost`, { allow_localhost: true });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { allow_localhost: true });
      assert.deepEqual((await call(neon, "GET", `${b.auth}/allow_localhost`)).body, { allow_localhost: true });
      assert.equal((await call(neon, "PATCH", `${b.auth}/allow_localhost`, { allow_localhost: "yes" })).status, 400);
    });
  });
});
