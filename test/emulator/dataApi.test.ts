import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

describe("local Neon API: Data API", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  async function newProject(options: { neonAuth: boolean }) {
    const res = await call(neon, "POST", "/projects", { project: {} });
    assert.equal(res.status, 201);
    const projectId = res.body.project.id as string;
    const branchId = res.body.branch.id as string;
    if (options.neonAuth) {
      assert.equal((await call(neon, "POST", `/projects/${projectId}/branches/${branchId}/auth`, { auth_provider: "better_auth" })).status, 201);
    }
    return { projectId, branchId, endpoint: res.body.endpoints[0], dataApi: `/projects/${projectId}/branches/${branchId}/data-api/neondb` };
  }

  it("creates the Data API with 201 {url} using Neon Auth by default; a second create answers 409", async () => {
    const p = await newProject({ neonAuth: true });
    const res = await call(neon, "POST", p.dataApi, {});
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), ["url"]);
    const url = new URL(res.body.url);
    assert.equal(url.protocol, "https:");
    assert.ok(url.hostname.startsWith(`${p.endpoint.id}.`), "the URL names the branch's compute");
    assert.equal(url.pathname, "/neondb/rest/v1");

    const again = await call(neon, "POST", p.dataApi, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "CONFLICT");
  });

  it("refuses the default neon_auth provider when Neon Auth is not enabled on the branch (400)", async () => {
    const p = await newProject({ neonAuth: false });
    for (const body of [undefined, {}, { auth_provider: "neon_auth" }]) {
      const res = await call(neon, "POST", p.dataApi, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.message, /^auth_provider: neon_auth needs Neon Auth enabled/);
    }
    assert.equal((await call(neon, "GET", p.dataApi)).status, 404, "the refused requests created nothing");
  });

  it("requires jwks_url for an external provider (400) and accepts it with one", async () => {
    const p = await newProject({ neonAuth: false });
    const missing = await call(neon, "POST", p.dataApi, { auth_provider: "external", provider_name: "Clerk" });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /^jwks_url: is required/);
    const notUri = await call(neon, "POST", p.dataApi, { auth_provider: "external", jwks_url: "clerk jwks" });
    assert.equal(notUri.status, 400);
    const ok = await call(neon, "POST", p.dataApi, {
      auth_provider: "external",
      jwks_url: "https://clerk.example.com/.well-known/jwks.json",
      provider_name: "Clerk",
      jwt_audience: "my-app",
    });
    assert.equal(ok.status, 201);
  });

  it("GET returns url, status, settings and available schemas, never the auth settings given at create", async () => {
    const p = await newProject({ neonAuth: false });
    const created = await call(neon, "POST", p.dataApi, {
      auth_provider: "external",
      jwks_url: "https://issuer.example.com/jwks.json",
      jwt_audience: "audience-value",
      provider_name: "Auth0",
      settings: { db_max_rows: 500 },
    });
    assert.equal(created.status, 201);
    const res = await call(neon, "GET", p.dataApi);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ["available_schemas", "settings", "status", "url"]);
    assert.equal(res.body.url, created.body.url);
    assert.equal(typeof res.body.status, "string");
    assert.deepEqual(res.body.settings, { db_schemas: ["public"], db_max_rows: 500 });
    assert.deepEqual(res.body.available_schemas, ["public"]);
    const text = JSON.stringify(res.body);
    for (const hidden of ["auth_provider", "jwks_url", "jwt_audience", "provider_name", "issuer.example.com", "audience-value"]) {
      assert.ok(!text.includes(hidden), `GET does not reveal ${hidden}`);
    }
  });

  it("PATCH merges settings and answers 201 {}", async () => {
    const p = await newProject({ neonAuth: true });
    await call(neon, "POST", p.dataApi, { settings: { db_max_rows: 100, openapi_mode: "disabled" } });
    const res = await call(neon, "PATCH", p.dataApi, { settings: { db_schemas: ["public", "api"], db_max_rows: 1000 } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, {});
    const got = (await call(neon, "GET", p.dataApi)).body;
    assert.deepEqual(got.settings, { db_schemas: ["public", "api"], db_max_rows: 1000, openapi_mode: "disabled" });
    assert.deepEqual(got.available_schemas, ["public", "api"]);
    // An empty PATCH only refreshes the schema cache.
    assert.equal((await call(neon, "PATCH", p.dataApi)).status, 201);
    assert.deepEqual((await call(neon, "GET", p.dataApi)).body.settings, got.settings);
    const bad = await call(neon, "PATCH", p.dataApi, { settings: { openapi_mode: "everything" } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /^settings\.openapi_mode: /);
  });

  it("DELETE answers 200 {}; afterwards GET, PATCH and DELETE answer 404", async () => {
    const p = await newProject({ neonAuth: true });
    await call(neon, "POST", p.dataApi, {});
    const res = await call(neon, "DELETE", p.dataApi);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
    assert.equal((await call(neon, "GET", p.dataApi)).status, 404);
    assert.equal((await call(neon, "PATCH", p.dataApi, { settings: {} })).status, 404);
    assert.equal((await call(neon, "DELETE", p.dataApi)).status, 404);
    assert.equal((await call(neon, "POST", p.dataApi, {})).status, 201, "it can be created again");
  });

  it("answers 404 for a database that does not exist on the branch", async () => {
    const p = await newProject({ neonAuth: true });
    const path = `/projects/${p.projectId}/branches/${p.branchId}/data-api/nosuchdb`;
    for (const method of ["POST", "GET", "PATCH", "DELETE"]) {
      const res = await call(neon, method, path, method === "POST" || method === "PATCH" ? {} : undefined);
      assert.equal(res.status, 404, method);
      assert.match(res.body.message, /database nosuchdb not found/);
    }
  });

  it("refuses (400) a branch without a read-write compute to serve it", async () => {
    const p = await newProject({ neonAuth: false });
    const child = await call(neon, "POST", `/projects/${p.projectId}/branches`, { branch: { name: "no-compute" } });
    assert.equal(child.status, 201);
    const res = await call(neon, "POST", `/projects/${p.projectId}/branches/${child.body.branch.id}/data-api/neondb`, {
      auth_provider: "external",
      jwks_url: "https://issuer.example.com/jwks.json",
    });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /no read_write compute/);
  });
});
