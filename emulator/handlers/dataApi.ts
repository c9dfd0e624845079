/**
 * The Data API: one instance per (branch, database). Neon's GET returns only url, status, settings
 * and available schemas, never the auth settings given at create: the same holds here, so clients
 * cannot (and must not pretend to) detect drift in them.
 */
import { z } from "zod";
import { apiErrors } from "../errors";
import { readWriteEndpoint } from "../render";
import type { BranchRecord, DataApiRecord, ProjectRecord } from "../store";
import { parseRequest } from "../validation";
import type { World } from "../world";
import { route, type RouteDefinition } from "./types";

const settings = z.object({
  db_aggregates_enabled: z.boolean().optional(),
  db_anon_role: z.string().optional(),
  db_extra_search_path: z.string().optional(),
  db_max_rows: z.number().int().min(1).optional(),
  db_schemas: z.array(z.string().min(1)).optional(),
  jwt_role_claim_key: z.string().optional(),
  jwt_cache_max_lifetime: z.number().int().min(0).optional(),
  openapi_mode: z.enum(["disabled", "ignore-privileges"]).optional(),
  server_cors_allowed_origins: z.string().optional(),
  server_timing_enabled: z.boolean().optional(),
});

export const createBody = z.object({
  auth_provider: z.enum(["neon_auth", "external"]).optional(),
  jwks_url: z.string().refine((s) => URL.canParse(s), "must be a URI").optional(),
  provider_name: z.string().optional(),
  jwt_audience: z.string().optional(),
  add_default_grants: z.boolean().optional(),
  skip_auth_schema: z.boolean().optional(),
  settings: settings.optional(),
});

export const updateBody = z.object({ settings: settings.optional() });

const path = "/projects/{project_id}/branches/{branch_id}/data-api/{database_name}";

function locate(world: World, params: Record<string, string>): { record: ProjectRecord; branch: BranchRecord } {
  const record = world.project(params.project_id);
  const branch = world.branch(record, params.branch_id);
  if (!branch.databases[params.database_name]) throw apiErrors.notFound("database", params.database_name);
  return { record, branch };
}

function instance(branch: BranchRecord, database: string): DataApiRecord {
  const api = branch.dataApis[database];
  if (!api) throw apiErrors.notFound(`Data API for database ${database} on branch ${branch.branch.id}`);
  return api;
}

export const dataApiRoutes: RouteDefinition[] = [
  route("createProjectBranchDataAPI")({
    method: "POST",
    path,
    handle({ world, params, body }) {
      const { record, branch } = locate(world, params);
      const req = parseRequest(createBody, body ?? {}, "");
      const db = params.database_name;
      if (branch.dataApis[db]) throw apiErrors.conflict(`the Data API is already enabled for database ${db} on branch ${branch.branch.id}`);
      const authProvider = req.auth_provider ?? "neon_auth";
      if (authProvider === "external" && !req.jwks_url) throw apiErrors.invalidField("jwks_url", "is required when auth_provider is external");
      if (authProvider === "neon_auth" && !branch.auth) {
        throw apiErrors.invalidField("auth_provider", `neon_auth needs Neon Auth enabled on branch ${branch.branch.id}`);
      }
      const compute = readWriteEndpoint(record, branch.branch.id);
      if (!compute) throw apiErrors.badRequest(`branch ${branch.branch.id} has no read_write compute to serve the Data API`);
      // The URL names the compute, so it survives a finalized restore (the compute moves).
      const url = `https://${compute.id}.apirest.${world.proxyHost(record.project.region_id)}/${encodeURIComponent(db)}/rest/v1`;
      branch.dataApis[db] = {
        database_name: db,
        url,
        status: "ready",
        auth_provider: authProvider,
        ...(req.jwks_url ? { jwks_url: req.jwks_url } : {}),
        ...(req.provider_name ? { provider_name: req.provider_name } : {}),
        ...(req.jwt_audience ? { jwt_audience: req.jwt_audience } : {}),
        settings: { db_schemas: ["public"], ...(req.settings ?? {}) },
        created_at: world.nowIso(),
      };
      return { status: 201, body: { url } };
    },
  }),
  route("getProjectBranchDataAPI")({
    method: "GET",
    path,
    handle({ world, params }) {
      const api = instance(locate(world, params).branch, params.database_name);
      const schemas = api.settings.db_schemas ?? ["public"];
      return { status: 200, body: { url: api.url, status: api.status, settings: api.settings, available_schemas: schemas } };
    },
  }),
  route("updateProjectBranchDataAPI")({
    method: "PATCH",
    path,
    handle({ world, params, body }) {
      const api = instance(locate(world, params).branch, params.database_name);
      const req = parseRequest(updateBody, body ?? {}, "");
      if (req.settings) api.settings = { ...api.settings, ...req.settings };
      return { status: 201, body: {} };
    },
  }),
  route("deleteProjectBranchDataAPI")({
    method: "DELETE",
    path,
    handle({ world, params }) {
      const { branch } = locate(world, params);
      instance(branch, params.database_name);
      delete branch.dataApis[params.database_name];
      return { status: 200, body: {} };
    },
  }),
];
