import assert from "node:assert/strict";
import { startNeonLocal, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createProject, paidOrgId, sponsoredOrgId, stateText } from "./fixtures";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("local Neon API: authentication and request ids", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  it("answers 401 with Neon's error body when Authorization is missing", async () => {
    const res = await fetch(`${neon.url}/projects`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { code: string; message: string; request_id: string };
    assert.deepEqual(Object.keys(body).sort(), ["code", "message", "request_id"]);
    assert.equal(body.code, "UNAUTHORIZED");
    assert.match(body.request_id, uuid);
    assert.equal(body.request_id, res.headers.get("x-request-id"));
  });

  it("answers 401 to a wrong key, to a key without the Bearer scheme, and creates nothing", async () => {
    const before = stateText(neon);
    assertError(await call({ url: neon.url, apiKey: "not-the-key" }, "POST", "/projects", { project: {} }), 401);
    const raw = await fetch(`${neon.url}/projects`, { method: "POST", headers: { Authorization: neon.apiKey, "Content-Type": "application/json" }, body: "{}" });
    assert.equal(raw.status, 401);
    assert.equal(stateText(neon), before);
    assert.deepEqual(neon.requestLog.slice(-2).map((e) => [e.method, e.status]), [
      ["POST", 401],
      ["POST", 401],
    ]);
  });

  it("accepts the key with a lower-case bearer scheme", async () => {
    const res = await fetch(`${neon.url}/auth`, { headers: { Authorization: `bearer ${neon.apiKey}` } });
    assert.equal(res.status, 200);
  });

  it("echoes X-Request-ID in the header, in error bodies and in the request log", async () => {
    const ok = await call(neon, "GET", "/auth", undefined, { "X-Request-ID": "trace-me-123" });
    assert.equal(ok.headers.get("x-request-id"), "trace-me-123");
    assert.equal(neon.requestLog.at(-1)!.requestId, "trace-me-123");
    const failed = await call(neon, "GET", "/projects/no-such-project-1", undefined, { "X-Request-ID": "trace-me-456" });
    assert.equal(failed.status, 404);
    assert.equal(failed.headers.get("x-request-id"), "trace-me-456");
    assert.equal(failed.body.request_id, "trace-me-456");
  });

  it("generates a distinct request id per request when none is sent", async () => {
    const a = await call(neon, "GET", "/auth");
    const b = await call(neon, "GET", "/auth");
    assert.match(a.headers.get("x-request-id")!, uuid);
    assert.notEqual(a.headers.get("x-request-id"), b.headers.get("x-request-id"));
    assert.equal(neon.requestLog.at(-1)!.requestId, b.headers.get("x-request-id"));
  });
});

describe("local Neon API: unknown routes and methods", () => {
  // These requests have no operation in the OpenAPI document, so there is nothing to validate them
  // against: this server is started without the conformance observer on purpose.
  let neon: NeonLocal;

  before(async () => {
    neon = await startNeonLocal({ host: "127.0.0.1", port: 0, operationDelayMs: 0, rateLimit: false });
  });
  after(() => neon.close());

  it("answers 404 with Neon's error body for a path no route serves, inside and outside /api/v2", async () => {
    const inside = await call(neon, "GET", "/no-such-route");
    assertError(inside, 404, "/no-such-route");
    assert.equal(inside.body.request_id, inside.headers.get("x-request-id"));
    const outside = await fetch(`${neon.origin}/elsewhere`, { headers: { Authorization: `Bearer ${neon.apiKey}` } });
    assert.equal(outside.status, 404);
    assert.equal(((await outside.json()) as { code: string }).code, "NOT_FOUND");
    assertError(await call(neon, "GET", "/projects/a/b/c/d/e"), 404);
  });

  it("answers 405 for a method a known path does not serve", async () => {
    assertError(await call(neon, "PUT", "/projects", { project: {} }), 405, "PUT");
    assertError(await call(neon, "DELETE", "/projects"), 405);
    assertError(await call(neon, "POST", "/auth"), 405);
    assert.equal(neon.requestLog.at(-1)!.status, 405);
  });

  it("checks the key before saying whether a route exists", async () => {
    assertError(await call({ url: neon.url, apiKey: "wrong" }, "GET", "/no-such-route"), 401);
  });
});

describe("local Neon API: bad request bodies leave the state unchanged", () => {
  let neon: NeonLocal;
  let pid: string;
  let mainId: string;
  let epId: string;

  before(async () => {
    neon = await startTestNeon({ maxBodyBytes: 1024 * 1024 });
    const p = await createProject(neon, { org_id: sponsoredOrgId });
    pid = p.project.id;
    mainId = p.branch.id;
    epId = p.endpoints[0].id;
  });
  after(() => neon.close());

  it("answers 400 to malformed JSON, changing nothing", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "POST", "/projects", '{"project": {"name": "half'), 400, "JSON");
    assertError(await call(neon, "PATCH", `/projects/${pid}`, "{project:}"), 400, "JSON");
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, "not json"), 400, "JSON");
    assert.equal(stateText(neon), before);
  });

  it("answers 400 naming the body when a required body is missing or not an object", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "POST", "/projects"), 400, "body");
    assertError(await call(neon, "POST", "/projects", []), 400, "body");
    assertError(await call(neon, "POST", "/projects", {}), 400, "project");
    assertError(await call(neon, "POST", "/projects", { project: null }), 400, "project");
    assert.equal(stateText(neon), before);
  });

  // Paths and bodies are functions: the ids they use exist only once `before` has run.
  const cases: { what: string; method: string; path: () => string; body: () => unknown; field: string }[] = [
    { what: "a string pg_version", method: "POST", path: () => "/projects", body: () => ({ project: { pg_version: "x" } }), field: "project.pg_version" },
    { what: "a pg_version below 14", method: "POST", path: () => "/projects", body: () => ({ project: { pg_version: 13 } }), field: "project.pg_version" },
    { what: "a fractional pg_version", method: "POST", path: () => "/projects", body: () => ({ project: { pg_version: 16.5 } }), field: "project.pg_version" },
    { what: "a numeric project name", method: "POST", path: () => "/projects", body: () => ({ project: { name: 5 } }), field: "project.name" },
    { what: "a 257-character name", method: "POST", path: () => "/projects", body: () => ({ project: { name: "n".repeat(257) } }), field: "project.name" },
    { what: "a negative history retention", method: "POST", path: () => "/projects", body: () => ({ project: { history_retention_seconds: -1 } }), field: "project.history_retention_seconds" },
    { what: "a history retention above 30 days", method: "POST", path: () => "/projects", body: () => ({ project: { org_id: paidOrgId, history_retention_seconds: 2592001 } }), field: "project.history_retention_seconds" },
    { what: "a string store_passwords", method: "POST", path: () => "/projects", body: () => ({ project: { store_passwords: "yes" } }), field: "project.store_passwords" },
    { what: "an unknown provisioner", method: "POST", path: () => "/projects", body: () => ({ project: { provisioner: "docker" } }), field: "project.provisioner" },
    { what: "a malformed org_id", method: "POST", path: () => "/projects", body: () => ({ project: { org_id: "Org With Spaces" } }), field: "project.org_id" },
    { what: "an empty project name on PATCH", method: "PATCH", path: () => `/projects/${pid}`, body: () => ({ project: { name: "" } }), field: "project.name" },
    { what: "settings that are not an object", method: "PATCH", path: () => `/projects/${pid}`, body: () => ({ project: { settings: "on" } }), field: "project.settings" },
    { what: "a string protected flag", method: "POST", path: () => `/projects/${pid}/branches`, body: () => ({ branch: { protected: "yes" } }), field: "branch.protected" },
    { what: "an unknown init_source", method: "POST", path: () => `/projects/${pid}/branches`, body: () => ({ branch: { init_source: "everything" } }), field: "branch.init_source" },
    { what: "an unknown endpoint type in endpoints[]", method: "POST", path: () => `/projects/${pid}/branches`, body: () => ({ endpoints: [{ type: "primary" }] }), field: "endpoints.0.type" },
    { what: "a numeric expires_at", method: "PATCH", path: () => `/projects/${pid}/branches/${mainId}`, body: () => ({ branch: { expires_at: 5 } }), field: "branch.expires_at" },
    { what: "a compute without branch_id", method: "POST", path: () => `/projects/${pid}/endpoints`, body: () => ({ endpoint: { type: "read_only" } }), field: "endpoint.branch_id" },
    {
      what: "a string max CU",
      method: "POST",
      path: () => `/projects/${pid}/endpoints`,
      body: () => ({ endpoint: { branch_id: mainId, type: "read_only", autoscaling_limit_max_cu: "big" } }),
      field: "endpoint.autoscaling_limit_max_cu",
    },
    { what: "a fractional suspend timeout", method: "PATCH", path: () => `/projects/${pid}/endpoints/${epId}`, body: () => ({ endpoint: { suspend_timeout_seconds: 1.5 } }), field: "endpoint.suspend_timeout_seconds" },
    { what: "a pooler_mode other than transaction", method: "PATCH", path: () => `/projects/${pid}/endpoints/${epId}`, body: () => ({ endpoint: { pooler_mode: "session" } }), field: "endpoint.pooler_mode" },
    { what: "a numeric role name", method: "POST", path: () => `/projects/${pid}/branches/${mainId}/roles`, body: () => ({ role: { name: 1 } }), field: "role.name" },
    { what: "a numeric database owner", method: "POST", path: () => `/projects/${pid}/branches/${mainId}/databases`, body: () => ({ database: { name: "x", owner_name: 2 } }), field: "database.owner_name" },
    {
      what: "a malformed destination organization",
      method: "POST",
      path: () => `/organizations/${sponsoredOrgId}/projects/transfer`,
      body: () => ({ destination_org_id: "UPPER", project_ids: [pid] }),
      field: "destination_org_id",
    },
  ];

  for (const c of cases) {
    it(`answers 400 naming ${c.field} for ${c.what}, changing nothing`, async () => {
      const before = stateText(neon);
      assertError(await call(neon, c.method, c.path(), c.body()), 400, `${c.field}:`);
      assert.equal(stateText(neon), before);
    });
  }

  it("answers 400 naming the query parameter for a bad limit, sort order or flag", async () => {
    assertError(await call(neon, "GET", `/projects/${pid}/branches?sort_order=up`), 400, "sort_order");
    assertError(await call(neon, "GET", `/projects/${pid}/branches?limit=-1`), 400, "limit");
    assertError(await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=neondb&role_name=neondb_owner&pooled=yes`), 400, "pooled");
  });

  it("answers 413 to a 2 MiB body (declared length), changing nothing, and keeps serving", async () => {
    const before = stateText(neon);
    const big = JSON.stringify({ project: { name: "x", padding: "p".repeat(2 * 1024 * 1024) } });
    const res = await call(neon, "POST", "/projects", big);
    assertError(res, 413, "1048576");
    assert.equal(stateText(neon), before);
    assert.equal((await call(neon, "GET", `/projects/${pid}`)).status, 200);
    assert.equal((await call(neon, "POST", "/projects", { project: { name: "after-413" } })).status, 201);
  });

  it("answers 413 to a 2 MiB body streamed without a declared length, and keeps serving", async () => {
    const before = stateText(neon);
    const chunk = new TextEncoder().encode("p".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${neon.url}/projects`, {
      method: "POST",
      headers: { Authorization: `Bearer ${neon.apiKey}`, "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { code: string }).code, "REQUEST_TOO_LARGE");
    assert.equal(stateText(neon), before);
    assert.equal((await call(neon, "GET", "/auth")).status, 200);
  });
});
