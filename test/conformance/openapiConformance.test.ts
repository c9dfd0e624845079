import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NEON_OPENAPI_PATH, OpenApiConformance } from "../support/openapiConformance";

const NOW = "2026-04-25T10:00:00Z";
const PROJECT_ID = "young-sun-12345678";
const BRANCH_ID = "br-aged-salad-637688";

function project(): Record<string, unknown> {
  return {
    id: PROJECT_ID,
    platform_id: "aws",
    region_id: "aws-us-east-2",
    name: "myproject",
    pg_version: 17,
    proxy_host: "us-east-2.aws.neon.tech",
    branch_logical_size_limit: 512,
    branch_logical_size_limit_bytes: 536870912,
    store_passwords: true,
    cpu_used_sec: 0,
    provisioner: "k8s-neonvm",
    creation_source: "console",
    history_retention_seconds: 86400,
    created_at: NOW,
    updated_at: NOW,
    owner_id: "c3f5a1b2-0000-4000-8000-000000000001",
    consumption_period_start: NOW,
    consumption_period_end: "2026-05-25T10:00:00Z",
    active_time_seconds: 0,
    compute_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    data_storage_bytes_hour: 0,
  };
}

function branch(): Record<string, unknown> {
  return {
    id: BRANCH_ID,
    project_id: PROJECT_ID,
    name: "main",
    current_state: "init",
    state_changed_at: NOW,
    creation_source: "console",
    created_at: NOW,
    updated_at: NOW,
    default: true,
    protected: false,
    cpu_used_sec: 0,
    active_time_seconds: 0,
    compute_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
  };
}

function createdProjectBody(): Record<string, unknown> {
  return {
    project: project(),
    branch: branch(),
    connection_uris: [
      {
        connection_uri: "postgresql://neondb_owner:secret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require",
        connection_parameters: {
          database: "neondb",
          password: "secret",
          role: "neondb_owner",
          host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
          pooler_host: "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech",
        },
      },
    ],
    roles: [{ branch_id: BRANCH_ID, name: "neondb_owner", password: "secret", protected: false, created_at: NOW, updated_at: NOW }],
    databases: [{ id: 1234, branch_id: BRANCH_ID, name: "neondb", owner_name: "neondb_owner", created_at: NOW, updated_at: NOW }],
    operations: [
      {
        id: "a07f8772-1877-4da9-a939-3a3ae62d1d8d",
        project_id: PROJECT_ID,
        branch_id: BRANCH_ID,
        action: "create_timeline",
        status: "running",
        failures_count: 0,
        created_at: NOW,
        updated_at: NOW,
        total_duration_ms: 0,
      },
    ],
    endpoints: [
      {
        host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
        id: "ep-cool-darkness-123456",
        project_id: PROJECT_ID,
        branch_id: BRANCH_ID,
        region_id: "aws-us-east-2",
        autoscaling_limit_min_cu: 0.25,
        autoscaling_limit_max_cu: 1,
        type: "read_write",
        current_state: "init",
        pooler_enabled: false,
        pooler_mode: "transaction",
        disabled: false,
        passwordless_access: true,
        creation_source: "console",
        created_at: NOW,
        updated_at: NOW,
        settings: {},
        proxy_host: "us-east-2.aws.neon.tech",
        suspend_timeout_seconds: 0,
        provisioner: "k8s-neonvm",
      },
    ],
  };
}

interface MediaTypeObject {
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface SpecDocument {
  components: { schemas: Record<string, { example?: unknown }> };
  paths: Record<string, Record<string, {
    requestBody?: { content?: Record<string, MediaTypeObject> };
    responses?: Record<string, { content?: Record<string, MediaTypeObject> }>;
  }>>;
}

function examplesOf(mediaType: MediaTypeObject | undefined): unknown[] {
  if (!mediaType) return [];
  const named = Object.values(mediaType.examples ?? {}).map((example) => example.value);
  return [...(mediaType.example === undefined ? [] : [mediaType.example]), ...named].filter((v) => v !== undefined);
}

function assertFlagged(errors: string[], ...fragments: string[]): void {
  assert.ok(
    errors.some((e) => fragments.every((f) => e.includes(f))),
    `expected an error mentioning ${fragments.map((f) => JSON.stringify(f)).join(" and ")}, got:\n${errors.join("\n") || "(no errors)"}`,
  );
}

describe("OpenApiConformance", () => {
  // One instance for the file: it compiles lazily and caches, which is what keeps this suite fast.
  const spec = new OpenApiConformance();

  describe("matchOperation", () => {
    it("prefers the literal /branches/count over /branches/{branch_id}", () => {
      assert.deepEqual(spec.matchOperation("GET", `/projects/${PROJECT_ID}/branches/count`), {
        operationId: "countProjectBranches",
        pathTemplate: "/projects/{project_id}/branches/count",
        pathParams: { project_id: PROJECT_ID },
      });
      assert.equal(spec.matchOperation("GET", `/projects/${PROJECT_ID}/branches/${BRANCH_ID}`)?.operationId, "getProjectBranch");
    });

    it("prefers the literal /projects/shared over /projects/{project_id}", () => {
      assert.equal(spec.matchOperation("GET", "/projects/shared")?.operationId, "listSharedProjects");
      assert.equal(spec.matchOperation("GET", `/projects/${PROJECT_ID}`)?.operationId, "getProject");
    });

    it("prefers literal segments whatever order the document lists the paths in", () => {
      // Neon's document happens to list the literal paths first; this one does not.
      const operation = (operationId: string) => ({ get: { operationId, responses: { default: { description: "error" } } } });
      const document = {
        openapi: "3.0.3",
        info: { title: "order", version: "1" },
        paths: {
          "/projects/{project_id}/branches/{branch_id}": operation("getProjectBranch"),
          "/projects/{project_id}": operation("getProject"),
          "/projects/{project_id}/branches/count": operation("countProjectBranches"),
          "/projects/shared": operation("listSharedProjects"),
        },
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-order-"));
      try {
        const file = path.join(dir, "openapi.json");
        fs.writeFileSync(file, JSON.stringify(document));
        const reordered = new OpenApiConformance(file);
        assert.equal(reordered.matchOperation("GET", "/projects/shared")?.operationId, "listSharedProjects");
        assert.equal(reordered.matchOperation("GET", "/projects/p-1/branches/count")?.operationId, "countProjectBranches");
        assert.equal(reordered.matchOperation("GET", "/projects/p-1/branches/br-1")?.operationId, "getProjectBranch");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("accepts the /api/v2 prefix, ignores the query string and decodes path parameters", () => {
      const match = spec.matchOperation("delete", `/api/v2/projects/${PROJECT_ID}/branches/${BRANCH_ID}/roles/app%20user?x=1`);
      assert.equal(match?.operationId, "deleteProjectBranchRole");
      assert.equal(match?.pathParams.role_name, "app user");
    });

    it("returns undefined for unknown paths and for methods the path does not declare", () => {
      assert.equal(spec.matchOperation("GET", "/nope"), undefined);
      assert.equal(spec.matchOperation("GET", `/projects/${PROJECT_ID}/branches/${BRANCH_ID}/nope`), undefined);
      assert.equal(spec.matchOperation("PUT", "/projects"), undefined);
      assert.equal(spec.matchOperation("GET", "/projects/"), undefined);
    });
  });

  describe("checkResponse", () => {
    it("accepts a complete createProject 201 body and records the operation as covered", () => {
      const result = spec.checkResponse({ method: "POST", path: "/projects", status: 201, body: createdProjectBody(), contentType: "application/json" });
      assert.deepEqual(result, { operationId: "createProject", errors: [] });
      assert.ok(spec.coveredOperationIds().includes("createProject"));
    });

    it("names the missing field when project.id is absent", () => {
      const body = createdProjectBody();
      delete (body.project as Record<string, unknown>).id;
      const { errors } = spec.checkResponse({ method: "POST", path: "/projects", status: 201, body });
      assert.deepEqual(errors, ["createProject 201 response: /project/id is required"]);
    });

    it("names the field and the expected type when created_at is a number", () => {
      const body = createdProjectBody();
      (body.branch as Record<string, unknown>).created_at = 5;
      const { errors } = spec.checkResponse({ method: "POST", path: "/api/v2/projects", status: 201, body });
      assertFlagged(errors, "createProject 201 response:", "/branch/created_at must be string");
    });

    it("checks formats, including OpenAPI's int64 on JSON numbers", () => {
      const body = createdProjectBody();
      (body.project as Record<string, unknown>).created_at = "yesterday";
      (body.databases as Record<string, unknown>[])[0].id = 1.5;
      const { errors } = spec.checkResponse({ method: "POST", path: "/projects", status: 201, body });
      assertFlagged(errors, "/project/created_at", "date-time");
      assertFlagged(errors, "/databases/0/id must be integer");
    });

    it("allows properties the spec does not list (no additionalProperties: false)", () => {
      const body = createdProjectBody();
      (body.project as Record<string, unknown>).some_future_field = { anything: true };
      assert.deepEqual(spec.checkResponse({ method: "POST", path: "/projects", status: 201, body }).errors, []);
    });

    it("validates error statuses against the default GeneralError and flags a missing message", () => {
      const path = `/projects/${PROJECT_ID}`;
      assert.deepEqual(spec.checkResponse({ method: "GET", path, status: 404, body: { code: "", message: "project not found", request_id: "r1" } }).errors, []);
      const { errors } = spec.checkResponse({ method: "GET", path, status: 404, body: { code: "" } });
      assert.deepEqual(errors, ["getProject 404 response: /message is required"]);
    });

    it("flags an undocumented success status and a non-JSON content type", () => {
      assertFlagged(
        spec.checkResponse({ method: "POST", path: "/projects", status: 200, body: createdProjectBody() }).errors,
        "status 200 is not a documented success status (documented: 201)",
      );
      assertFlagged(
        spec.checkResponse({ method: "POST", path: "/projects", status: 201, body: createdProjectBody(), contentType: "text/html" }).errors,
        "content-type text/html is not JSON",
      );
    });

    it("requires a body when JSON is declared and no body when none is (204)", () => {
      assertFlagged(spec.checkResponse({ method: "GET", path: `/projects/${PROJECT_ID}`, status: 200, body: undefined }).errors, "the body was empty");
      const roles = `/projects/${PROJECT_ID}/branches/${BRANCH_ID}/roles/app`;
      assert.deepEqual(spec.checkResponse({ method: "DELETE", path: roles, status: 204, body: undefined }).errors, []);
      assertFlagged(spec.checkResponse({ method: "DELETE", path: roles, status: 204, body: {} }).errors, "declares no body for 204");
    });

    it("accepts null for a nullable property whose schema is an allOf (DataAPIReponse.settings)", () => {
      const path = `/projects/${PROJECT_ID}/branches/${BRANCH_ID}/data-api/neondb`;
      const ok = spec.checkResponse({ method: "GET", path, status: 200, body: { url: "https://example.neon.tech/rest/v1", status: "ready", settings: null } });
      assert.deepEqual(ok.errors, []);
      const bad = spec.checkResponse({ method: "GET", path, status: 200, body: { url: "https://example.neon.tech/rest/v1", status: "ready", settings: 7 } });
      assertFlagged(bad.errors, "/settings");
    });

    it("reports a path that no operation matches", () => {
      const result = spec.checkResponse({ method: "GET", path: "/nope", status: 200, body: {} });
      assert.equal(result.operationId, undefined);
      assert.deepEqual(result.errors, ["no operation in the spec matches GET /nope"]);
    });
  });

  describe("checkRequest", () => {
    it("accepts a minimal createProject body", () => {
      assert.deepEqual(spec.checkRequest({ method: "POST", path: "/projects", body: { project: { name: "p" } } }), { operationId: "createProject", errors: [] });
    });

    it("flags a createProject body with pg_version 'x' or history_retention_seconds -1", () => {
      assertFlagged(spec.checkRequest({ method: "POST", path: "/projects", body: { project: { pg_version: "x" } } }).errors, "createProject request body:", "/project/pg_version must be integer");
      assertFlagged(
        spec.checkRequest({ method: "POST", path: "/projects", body: { project: { history_retention_seconds: -1 } } }).errors,
        "/project/history_retention_seconds must be >= 0",
      );
    });

    it("flags a missing body when the request body is required", () => {
      assertFlagged(spec.checkRequest({ method: "POST", path: "/projects", body: undefined }).errors, "requires a body");
    });

    it("coerces query strings before checking them: limit=0 is below the minimum of 1", () => {
      assertFlagged(spec.checkRequest({ method: "GET", path: "/projects?limit=0" }).errors, "listProjects request: query parameter limit must be >= 1");
      assertFlagged(spec.checkRequest({ method: "GET", path: "/projects", query: { limit: "ten" } }).errors, "query parameter limit must be integer");
      assert.deepEqual(spec.checkRequest({ method: "GET", path: "/projects", query: new URLSearchParams({ limit: "10", recoverable: "true" }) }).errors, []);
      assertFlagged(spec.checkRequest({ method: "GET", path: "/projects", query: { recoverable: "yes" } }).errors, "query parameter recoverable must be boolean");
    });

    it("selects the email server schema by the discriminator instead of plain oneOf", () => {
      // Every StandardEmailServer also matches the all-optional SharedEmailServer, so a plain
      // oneOf would reject every standard server ("must match exactly one schema").
      const path = `/projects/${PROJECT_ID}/auth/email_server`;
      const standard = { type: "standard", host: "smtp.example.com", port: 587, username: "u", password: "p", sender_email: "a@example.com", sender_name: "A" };
      assert.deepEqual(spec.checkRequest({ method: "PATCH", path, body: standard }).errors, []);
      assert.deepEqual(spec.checkRequest({ method: "PATCH", path, body: { type: "shared" } }).errors, []);
      assertFlagged(spec.checkRequest({ method: "PATCH", path, body: { type: "standard", host: "h" } }).errors, "/port is required");
      assertFlagged(spec.checkRequest({ method: "PATCH", path, body: { type: "smtp" } }).errors, '/type must be one of "standard", "shared", got "smtp"');
    });

    it("checks path parameters against their declared pattern", () => {
      assertFlagged(spec.checkRequest({ method: "GET", path: "/projects/Not_A_Valid_Id" }).errors, "path parameter project_id must match pattern");
    });
  });

  describe("OpenAPI 3.0 semantics Neon's document does not exercise yet", () => {
    // A small document, so these rules are proven even before Neon starts using them.
    const document = {
      openapi: "3.0.3",
      info: { title: "semantics", version: "1" },
      paths: {
        "/things": {
          post: {
            operationId: "createThing",
            requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
            responses: { "201": { description: "created", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } } },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: "object",
            required: ["id", "password", "name"],
            properties: {
              id: { type: "string", readOnly: true },
              password: { type: "string", writeOnly: true },
              name: { type: "string" },
              // OpenAPI 3.0 ignores siblings of $ref, except that `nullable` is clearly meant.
              parent: { $ref: "#/components/schemas/Name", nullable: true, type: "integer" },
            },
          },
          Name: { type: "string", minLength: 1 },
        },
      },
    };
    let dir = "";
    let things: OpenApiConformance;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-semantics-"));
      const file = path.join(dir, "openapi.json");
      fs.writeFileSync(file, JSON.stringify(document));
      things = new OpenApiConformance(file);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("does not require readOnly properties in requests, nor writeOnly ones in responses", () => {
      assert.deepEqual(things.checkRequest({ method: "POST", path: "/things", body: { password: "p", name: "n" } }).errors, []);
      assert.deepEqual(things.checkResponse({ method: "POST", path: "/things", status: 201, body: { id: "t1", name: "n" } }).errors, []);
      assert.deepEqual(things.checkRequest({ method: "POST", path: "/things", body: { name: "n" } }).errors, ["createThing request body: /password is required"]);
      assert.deepEqual(things.checkResponse({ method: "POST", path: "/things", status: 201, body: { name: "n" } }).errors, ["createThing 201 response: /id is required"]);
    });

    it("honours nullable next to a $ref and ignores the other siblings", () => {
      const body = (parent: unknown) => ({ id: "t1", name: "n", parent });
      assert.deepEqual(things.checkResponse({ method: "POST", path: "/things", status: 201, body: body(null) }).errors, []);
      assert.deepEqual(things.checkResponse({ method: "POST", path: "/things", status: 201, body: body("p") }).errors, []);
      assertFlagged(things.checkResponse({ method: "POST", path: "/things", status: 201, body: body("") }).errors, "/parent must NOT have fewer than 1 characters");
    });

    it("treats an undeclared status without a default response as an error", () => {
      assertFlagged(things.checkResponse({ method: "POST", path: "/things", status: 500, body: { code: "", message: "boom" } }).errors, "status 500 is not documented and the operation has no default response");
    });
  });

  describe("the document as a whole", () => {
    it("compiles every component schema and every operation's schemas", function () {
      this.timeout(60_000);
      assert.deepEqual(spec.compileEverything(), []);
    });

    it("accepts the examples the spec itself gives, except the one Neon got wrong", () => {
      // A cross-check that the checker is not stricter than Neon: these are Neon's own payloads.
      const document = JSON.parse(fs.readFileSync(NEON_OPENAPI_PATH, "utf8")) as SpecDocument;
      const errors: string[] = [];
      for (const [name, schema] of Object.entries(document.components.schemas)) {
        if (schema.example !== undefined) errors.push(...spec.checkSchema(name, schema.example).errors);
      }
      let checked = 0;
      for (const [template, pathItem] of Object.entries(document.paths)) {
        const path = template.replace(/\{[^}]+\}/g, "abc-1");
        for (const [method, operation] of Object.entries(pathItem)) {
          if (method === "parameters") continue;
          for (const body of examplesOf(operation.requestBody?.content?.["application/json"])) {
            checked++;
            // Only the body: the placeholder path values are not what is under test here.
            errors.push(...spec.checkRequest({ method, path, body }).errors.filter((e) => e.includes("request body:")));
          }
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            for (const body of examplesOf(response.content?.["application/json"])) {
              checked++;
              errors.push(...spec.checkResponse({ method, path, status: status === "default" ? 500 : Number(status), body }).errors);
            }
          }
        }
      }
      assert.ok(checked > 50, `only ${checked} examples found; has the document changed shape?`);
      // Neon's example puts an email address in Invitation.invited_by, which is declared format: uuid.
      const knownSpecMistakes = [
        'getOrganizationInvitations 200 response: /invitations/0/invited_by must match format "uuid"',
        'getOrganizationInvitations 200 response: /invitations/1/invited_by must match format "uuid"',
      ];
      assert.deepEqual(errors, knownSpecMistakes);
    });

    it("lists every operation", () => {
      const all = spec.allOperationIds();
      assert.equal(all.length, 145);
      assert.deepEqual(all, [...all].sort());
      assert.ok(all.includes("createProject") && all.includes("listSharedProjects"));
    });
  });
});
