import assert from "node:assert/strict";
import type { DataApi } from "../../provider/client/schemas/dataApi";
import { checkInputs } from "../../provider/resources/common/check";
import { plainOutputs } from "../../provider/resources/common/plainOutputs";
import { unknownValue } from "../../provider/resources/common/unknown";
import { dataApiInputsSchema } from "../../provider/resources/dataApi/args";
import {
  creationOnlyFields,
  dataApiCreateBody,
  dataApiDiff,
  dataApiOutputNames,
  dataApiOutputs,
  dataApiUpdateBody,
  settingsFromApi,
} from "../../provider/resources/dataApi/logic";

const api: DataApi = {
  url: "https://ep-x.apirest.example/neondb/rest/v1",
  status: "ready",
  settings: { db_schemas: ["public", "api"], db_max_rows: 1000, db_anon_role: "anonymous", openapi_mode: "disabled", some_future_setting: 1 } as never,
  available_schemas: ["public", "api"],
};
const location = { projectId: "proj-1", branchId: "br-main-1", databaseName: "neondb" };

describe("DataApi policy", () => {
  const declared = {
    projectId: "proj-1",
    authProvider: "external" as const,
    jwksUrl: "https://idp.example.com/.well-known/jwks.json",
    jwtAudience: "app",
    settings: { dbMaxRows: 1000, dbSchemas: ["public", "api"] },
  };
  const olds = dataApiOutputs(api, location, declared, declared);

  describe("diff", () => {
    it("reports no change for the same declared inputs, whatever Neon filled in besides", () => {
      assert.deepEqual(dataApiDiff(olds, declared), { changes: false, replaces: [], changed: [] });
    });

    it("never compares an undeclared branchId (the default branch may have been restored)", () => {
      assert.equal(dataApiDiff({ ...olds, branchId: "br-restored-2" }, declared).changes, false);
    });

    it("replaces for project, declared branch, database and every creation-only auth option, each on its own", () => {
      const changes: Record<string, unknown> = {
        projectId: "proj-2",
        branchId: "br-other-2",
        databaseName: "app",
        authProvider: "neon_auth",
        jwksUrl: "https://other.example.com/jwks",
        jwtAudience: "other",
        providerName: "Clerk",
        addDefaultGrants: true,
        skipAuthSchema: true,
      };
      assert.deepEqual(Object.keys(changes).slice(3), [...creationOnlyFields]);
      for (const [field, value] of Object.entries(changes)) {
        const d = dataApiDiff(olds, { ...declared, [field]: value });
        assert.deepEqual([d.changes, d.replaces], [true, [field]], field);
      }
    });

    it("updates settings in place, compares only declared settings, and keeps schema order significant", () => {
      assert.equal(dataApiDiff(olds, { ...declared, settings: { dbMaxRows: 1000 } }).changes, false);
      const d = dataApiDiff(olds, { ...declared, settings: { dbMaxRows: 50 } });
      assert.deepEqual([d.changes, d.replaces, d.changed], [true, [], ["settings"]]);
      assert.equal(dataApiDiff(olds, { ...declared, settings: { dbSchemas: ["api", "public"] } }).changes, true);
    });

    it("treats an unknown (preview) auth option as a replacement", () => {
      assert.deepEqual(dataApiDiff(olds, { ...declared, jwksUrl: unknownValue }).replaces, ["jwksUrl"]);
    });
  });

  describe("check", () => {
    const check = (news: Record<string, unknown>) => checkInputs(dataApiInputsSchema(), news);

    it("requires jwksUrl with an external auth provider, naming it", () => {
      assert.deepEqual(check({ projectId: "proj-1", authProvider: "external" }).failures, [{ property: "jwksUrl", reason: 'is required when authProvider is "external"' }]);
    });

    it("names bad and unknown fields, nested ones too", () => {
      const { failures } = check({ projectId: "proj-1", authProvider: "clerk", settings: { dbMaxRows: 0, openapiMode: "on", db_schemas: [] }, jwks: "x" });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["authProvider", "jwks", "settings.dbMaxRows", "settings.db_schemas", "settings.openapiMode"]);
    });

    it("lets Pulumi's unknown placeholder through in any field type", () => {
      assert.deepEqual(check({ projectId: unknownValue, authProvider: unknownValue, settings: { dbMaxRows: unknownValue, dbSchemas: unknownValue } }).failures, []);
      assert.deepEqual(check({ projectId: "proj-1", authProvider: "external", jwksUrl: unknownValue }).failures, []);
    });
  });

  describe("requests", () => {
    it("creates with Neon's names and only what was declared", () => {
      assert.deepEqual(dataApiCreateBody({ ...declared, addDefaultGrants: false, settings: { dbMaxRows: 10, openapiMode: "ignore-privileges", serverCorsAllowedOrigins: "https://a.example.com" } }), {
        auth_provider: "external",
        jwks_url: "https://idp.example.com/.well-known/jwks.json",
        jwt_audience: "app",
        add_default_grants: false,
        settings: { db_max_rows: 10, openapi_mode: "ignore-privileges", server_cors_allowed_origins: "https://a.example.com" },
      });
      assert.deepEqual(dataApiCreateBody({ projectId: "p" }), {});
    });

    it("PATCHes only declared settings that differ from Neon's", () => {
      const current = settingsFromApi(api.settings);
      assert.equal(dataApiUpdateBody(current, declared), undefined);
      assert.equal(dataApiUpdateBody(current, { projectId: "p" }), undefined);
      assert.deepEqual(dataApiUpdateBody(current, { projectId: "p", settings: { dbMaxRows: 1000, dbAnonRole: "web_anon", dbSchemas: ["public", "api"] } }), {
        settings: { db_anon_role: "web_anon" },
      });
    });
  });

  describe("outputs", () => {
    it("reports URL, status, schemas and live settings, echoes the creation-only options, and holds no undefined", () => {
      const outs = plainOutputs(dataApiOutputs(api, location, declared, declared));
      assert.deepEqual(outs, {
        projectId: "proj-1",
        branchId: "br-main-1",
        databaseName: "neondb",
        settings: { dbSchemas: ["public", "api"], dbMaxRows: 1000, dbAnonRole: "anonymous", openapiMode: "disabled" },
        authProvider: "external",
        jwksUrl: "https://idp.example.com/.well-known/jwks.json",
        jwtAudience: "app",
        url: api.url,
        status: "ready",
        availableSchemas: ["public", "api"],
        __declared: ["authProvider", "jwksUrl", "jwtAudience", "projectId", "settings"],
      });
      for (const k of Object.keys(outs)) if (k !== "__declared") assert.ok((dataApiOutputNames as readonly string[]).includes(k), k);
    });

    it("reads null settings and schemas as empty", () => {
      const outs = plainOutputs(dataApiOutputs({ url: api.url, status: "provisioning", settings: null, available_schemas: null } as never, location, {}, undefined));
      assert.deepEqual([outs.settings, outs.availableSchemas], [{}, []]);
    });
  });
});
