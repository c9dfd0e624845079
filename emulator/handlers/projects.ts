/** Projects: list, create, get, update, delete, connection URI. */
import { z } from "zod";
import { apiErrors } from "../errors";
import { newProjectId } from "../ids";
import { checkAutoscaling, defaultComputeUnits, newBranchRecord, newDatabase, newEndpoint, newRole } from "../model";
import { renderOperation } from "../operations";
import { connectionUri, readWriteEndpoint, renderBranch, renderDatabase, renderEndpoint, renderProject, renderProjectListItem, renderRole } from "../render";
import { planLimitsFor, regions } from "../seed";
import { dict, type ProjectData, type ProjectRecord } from "../store";
import { computeUnit, neonName, parseRequest, pgIdentifier, provisioner, queryBoolean, queryInteger, queryLimit, queryObject, resourceId, stringMap, suspendTimeoutSeconds } from "../validation";
import type { World } from "../world";
import { route, type RouteDefinition } from "./types";

const projectSettings = z.object({
  quota: z
    .object({
      active_time_seconds: z.number().int().min(0).optional(),
      compute_time_seconds: z.number().int().min(0).optional(),
      written_data_bytes: z.number().int().min(0).optional(),
      data_transfer_bytes: z.number().int().min(0).optional(),
      logical_size_bytes: z.number().int().min(0).optional(),
    })
    .optional(),
  allowed_ips: z.object({ ips: z.array(z.string()).optional(), protected_branches_only: z.boolean().optional() }).optional(),
  enable_logical_replication: z.boolean().optional(),
  maintenance_window: z
    .object({
      weekdays: z.array(z.number().int().min(1).max(7)).min(1),
      start_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC)"),
      end_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC)"),
    })
    .optional(),
  block_public_connections: z.boolean().optional(),
  block_vpc_connections: z.boolean().optional(),
  audit_log_level: z.enum(["base", "extended", "full"]).optional(),
  hipaa: z.boolean().optional(),
  preload_libraries: z
    .object({ use_defaults: z.boolean().optional(), enabled_libraries: z.array(z.string()).optional() })
    .optional(),
});

const defaultEndpointSettings = z.object({
  pg_settings: stringMap.optional(),
  pgbouncer_settings: stringMap.optional(),
  autoscaling_limit_min_cu: computeUnit.optional(),
  autoscaling_limit_max_cu: computeUnit.optional(),
  suspend_timeout_seconds: suspendTimeoutSeconds.optional(),
});

const historyRetention = z.number().int().min(0).max(2592000);

export const createProjectBody = z.object({
  project: z.object({
    name: neonName(256).optional(),
    region_id: z.string().optional(),
    pg_version: z.number().int().min(14).max(18).optional(),
    org_id: resourceId.optional(),
    provisioner: provisioner.optional(),
    store_passwords: z.boolean().optional(),
    history_retention_seconds: historyRetention.optional(),
    settings: projectSettings.optional(),
    default_endpoint_settings: defaultEndpointSettings.optional(),
    autoscaling_limit_min_cu: computeUnit.optional(),
    autoscaling_limit_max_cu: computeUnit.optional(),
    branch: z
      .object({
        name: neonName(256).optional(),
        role_name: pgIdentifier.optional(),
        database_name: pgIdentifier.optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
  }),
});

export const updateProjectBody = z.object({
  project: z.object({
    name: neonName(256).optional(),
    settings: projectSettings.optional(),
    default_endpoint_settings: defaultEndpointSettings.optional(),
    history_retention_seconds: historyRetention.optional(),
  }),
});

export const listProjectsQuery = z.object({
  cursor: z.string().optional(),
  limit: queryLimit(400).optional(),
  search: z.string().optional(),
  org_id: z.string().optional(),
  /** Milliseconds Neon may spend listing; the local Neon API answers at once, but checks it as Neon does. */
  timeout: queryInteger.optional(),
  recoverable: queryBoolean.optional(),
});

export const connectionUriQuery = z.object({
  database_name: z.string().min(1),
  role_name: z.string().min(1),
  branch_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  pooled: queryBoolean.optional(),
});

function checkHistoryRetention(world: World, orgId: string, seconds: number, field: string): void {
  const plan = world.organization(orgId).plan;
  const max = planLimitsFor(plan).maxHistoryRetentionSeconds;
  if (seconds > max) throw apiErrors.invalidField(field, `${seconds} exceeds the ${plan} plan's maximum of ${max} seconds`);
}

/** Checks the limits computes will get: an unset bound is Neon's default (0.25–2 CU), as in newEndpoint. */
function checkDefaultEndpointSettings(settings: ProjectData["default_endpoint_settings"], field: string): void {
  const min = settings.autoscaling_limit_min_cu ?? defaultComputeUnits.min;
  const max = settings.autoscaling_limit_max_cu ?? defaultComputeUnits.max;
  const problem = checkAutoscaling(field, min, max);
  if (problem) throw apiErrors.badRequest(problem);
}

/** `created_at|id`: created_at is fixed-width ISO, so comparing the text compares (created_at, id). */
function projectListKey(record: ProjectRecord): string {
  return `${record.project.created_at}|${record.project.id}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const projectRoutes: RouteDefinition[] = [
  route("listProjects")({
    method: "GET",
    path: "/projects",
    handle({ world, query }) {
      const q = parseRequest(listProjectsQuery, queryObject(query), "");
      const limit = q.limit ?? 10;
      const search = q.search?.toLowerCase();
      // Projects are listed oldest first. The cursor is the sort key of the last project returned
      // (Neon's is a creation timestamp), not its position, so a walk survives projects being
      // deleted between pages: a cleanup loop that deletes as it lists still sees every project.
      let all = Object.values(world.state.projects)
        .filter(
          (p) =>
            (q.org_id === undefined || p.project.org_id === q.org_id) &&
            (search === undefined || p.project.name.toLowerCase().includes(search) || p.project.id.includes(search)),
        )
        .sort((a, b) => compareText(projectListKey(a), projectListKey(b)));
      if (q.cursor) {
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|[a-z0-9-]{1,60}$/.test(q.cursor)) {
          throw apiErrors.unknownCursor("cursor");
        }
        const after = q.cursor;
        all = all.filter((p) => compareText(projectListKey(p), after) > 0);
      }
      const page = all.slice(0, limit);
      // The spec's Pagination.cursor has minLength 1: with nothing to continue from, no pagination.
      const last = page.at(-1);
      const cursor = last ? projectListKey(last) : q.cursor;
      return {
        status: 200,
        body: {
          projects: page.map((p) => renderProjectListItem(world, world.project(p.project.id))),
          ...(cursor ? { pagination: { cursor } } : {}),
          applications: {},
          integrations: {},
        },
      };
    },
  }),
  route("createProject")({
    method: "POST",
    path: "/projects",
    handle({ world, body }) {
      const req = parseRequest(createProjectBody, body, "").project;
      const orgId = req.org_id ?? Object.keys(world.state.organizations)[0];
      if (!world.state.organizations[orgId]) throw apiErrors.referenceNotFound("project.org_id", `organization ${orgId}`);
      const regionId = req.region_id ?? regions[0];
      if (!(regions as readonly string[]).includes(regionId)) {
        throw apiErrors.invalidField("project.region_id", `unknown region ${regionId}; one of ${regions.join(", ")}`);
      }
      const plan = world.organization(orgId).plan;
      const retention = req.history_retention_seconds ?? Math.min(86400, planLimitsFor(plan).maxHistoryRetentionSeconds);
      checkHistoryRetention(world, orgId, retention, "project.history_retention_seconds");
      const defaults: ProjectData["default_endpoint_settings"] = { ...(req.default_endpoint_settings ?? {}) };
      // The deprecated top-level limits still work, as in Neon.
      if (req.autoscaling_limit_min_cu !== undefined) defaults.autoscaling_limit_min_cu ??= req.autoscaling_limit_min_cu;
      if (req.autoscaling_limit_max_cu !== undefined) defaults.autoscaling_limit_max_cu ??= req.autoscaling_limit_max_cu;
      checkDefaultEndpointSettings(defaults, "project.default_endpoint_settings");

      const id = newProjectId((candidate) => candidate in world.state.projects);
      const now = world.nowIso();
      const record: ProjectRecord = {
        project: {
          id,
          name: req.name ?? id,
          region_id: regionId,
          pg_version: req.pg_version ?? 17,
          provisioner: req.provisioner ?? "k8s-neonvm",
          store_passwords: req.store_passwords ?? true,
          history_retention_seconds: retention,
          org_id: orgId,
          settings: { ...(req.settings ?? {}) },
          default_endpoint_settings: defaults,
          created_at: now,
          updated_at: now,
        },
        branches: dict(),
        endpoints: dict(),
        snapshots: dict(),
        operations: [],
        lsn: 0x1000000,
      };
      const databaseName = req.branch?.database_name ?? "neondb";
      const roleName = req.branch?.role_name ?? `${databaseName}_owner`;
      const branch = newBranchRecord(world, record, { name: req.branch?.name ?? "main", isDefault: true, lsn: record.lsn });
      branch.annotations = dict(req.branch?.annotations);
      record.branches[branch.branch.id] = branch;
      const role = newRole(world, branch.branch.id, roleName);
      branch.roles[role.name] = role;
      const database = newDatabase(world, branch.branch.id, databaseName, roleName);
      branch.databases[database.name] = database;
      const endpoint = newEndpoint(world, record, branch.branch.id, { type: "read_write" });
      record.endpoints[endpoint.id] = endpoint;
      world.state.projects[id] = record;
      const operations = world.schedule(record, [
        { action: "create_timeline", branchId: branch.branch.id, effects: [{ kind: "branch_ready", branchId: branch.branch.id }] },
        {
          action: "start_compute",
          branchId: branch.branch.id,
          endpointId: endpoint.id,
          effects: [{ kind: "endpoint_state", endpointId: endpoint.id, state: "active" }],
        },
      ]);
      const t = world.now();
      return {
        status: 201,
        body: {
          project: renderProject(world, record),
          connection_uris: [
            {
              connection_uri: connectionUri(endpoint.host, role, databaseName, world.postgresAddress),
              connection_parameters: {
                database: databaseName,
                password: role.password,
                role: role.name,
                host: endpoint.host,
                pooler_host: world.endpointHost(endpoint.id, regionId, true),
              },
            },
          ],
          roles: [renderRole(role, true)],
          databases: [renderDatabase(database)],
          operations: operations.map((o) => renderOperation(o, t)),
          branch: renderBranch(branch),
          endpoints: [renderEndpoint(world, endpoint)],
        },
      };
    },
  }),
  route("getProject")({
    method: "GET",
    path: "/projects/{project_id}",
    handle({ world, params }) {
      return { status: 200, body: { project: renderProject(world, world.project(params.project_id)) } };
    },
  }),
  route("updateProject")({
    method: "PATCH",
    path: "/projects/{project_id}",
    locksProject: true,
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const req = parseRequest(updateProjectBody, body, "").project;
      if (req.history_retention_seconds !== undefined) {
        checkHistoryRetention(world, record.project.org_id, req.history_retention_seconds, "project.history_retention_seconds");
      }
      const mergedDefaults = { ...record.project.default_endpoint_settings, ...(req.default_endpoint_settings ?? {}) };
      checkDefaultEndpointSettings(mergedDefaults, "project.default_endpoint_settings");
      // Validation is complete: from here on the change cannot fail half-way.
      const p = record.project;
      if (req.name !== undefined) p.name = req.name;
      if (req.history_retention_seconds !== undefined) p.history_retention_seconds = req.history_retention_seconds;
      // PATCH merges `settings` key by key, as Neon does (a key that is sent replaces that key).
      if (req.settings !== undefined) p.settings = { ...p.settings, ...req.settings };
      if (req.default_endpoint_settings !== undefined) p.default_endpoint_settings = mergedDefaults;
      p.updated_at = world.nowIso();
      // Settings that reach the computes are applied by an apply_config operation per compute.
      const operations =
        req.settings !== undefined
          ? world.schedule(
              record,
              Object.values(record.endpoints).map((e) => ({ action: "apply_config", branchId: e.branch_id, endpointId: e.id })),
            )
          : [];
      const t = world.now();
      return { status: 200, body: { project: renderProject(world, record), operations: operations.map((o) => renderOperation(o, t)) } };
    },
  }),
  route("deleteProject")({
    method: "DELETE",
    path: "/projects/{project_id}",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const rendered = renderProject(world, record);
      delete world.state.projects[params.project_id];
      return { status: 200, body: { project: rendered } };
    },
  }),
  route("getConnectionURI")({
    method: "GET",
    path: "/projects/{project_id}/connection_uri",
    handle({ world, params, query }) {
      const record = world.project(params.project_id);
      const q = parseRequest(connectionUriQuery, queryObject(query), "");
      const branchId = q.branch_id ?? Object.values(record.branches).find((b) => b.branch.default)!.branch.id;
      const branch = world.branch(record, branchId);
      const endpoint = q.endpoint_id ? record.endpoints[q.endpoint_id] : readWriteEndpoint(record, branchId);
      if (!endpoint || endpoint.branch_id !== branchId) throw apiErrors.notFound("endpoint for branch", branchId);
      const role = branch.roles[q.role_name];
      if (!role) throw apiErrors.notFound("role", q.role_name);
      if (!branch.databases[q.database_name]) throw apiErrors.notFound("database", q.database_name);
      const host = world.endpointHost(endpoint.id, endpoint.region_id, q.pooled === true);
      return { status: 200, body: { uri: connectionUri(host, role, q.database_name, world.postgresAddress) } };
    },
  }),
];
