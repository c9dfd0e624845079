/** Branches: list (cursor pagination), create (with endpoints), get, update, delete, set as default. */
import { z } from "zod";
import { apiErrors } from "../errors";
import { formatLsn, generatedBranchName, parseLsn } from "../ids";
import { checkAutoscaling, copyRolesAndDatabases, defaultComputeUnits, newBranchRecord, newEndpoint } from "../model";
import { renderOperation, type NewOperation } from "../operations";
import { connectionUri, renderBranch, renderBranchAnnotation, renderDatabase, renderEndpoint, renderRole } from "../render";
import type { BranchRecord, EndpointData, ProjectRecord } from "../store";
import { computeUnit, endpointSettings, endpointType, isoDateTime, neonName, parseRequest, provisioner, queryBoolean, queryLimit, queryObject, resourceId, suspendTimeoutSeconds } from "../validation";
import type { World } from "../world";
import { route, type RouteDefinition } from "./types";

/** Neon caps branch expiry at 30 days ahead. */
const maxExpirySeconds = 30 * 24 * 3600;

const branchEndpointOptions = z.object({
  type: endpointType,
  settings: endpointSettings.optional(),
  autoscaling_limit_min_cu: computeUnit.optional(),
  autoscaling_limit_max_cu: computeUnit.optional(),
  provisioner: provisioner.optional(),
  suspend_timeout_seconds: suspendTimeoutSeconds.optional(),
});

export const createBranchBody = z.object({
  branch: z
    .object({
      parent_id: resourceId.optional(),
      name: neonName(256).optional(),
      parent_lsn: z.string().optional(),
      parent_timestamp: isoDateTime.optional(),
      protected: z.boolean().optional(),
      archived: z.boolean().optional(),
      init_source: z.enum(["parent-data", "schema-only"]).optional(),
      expires_at: isoDateTime.optional(),
    })
    .optional(),
  endpoints: z.array(branchEndpointOptions).optional(),
});

export const updateBranchBody = z.object({
  branch: z.object({
    name: neonName(256).optional(),
    protected: z.boolean().optional(),
    expires_at: isoDateTime.nullable().optional(),
  }),
});

export const listBranchesQuery = z.object({
  search: z.string().optional(),
  sort_by: z.enum(["name", "created_at", "updated_at"]).optional(),
  cursor: z.string().optional(),
  sort_order: z.enum(["asc", "desc"]).optional(),
  limit: queryLimit(10000).optional(),
  include_deleted: queryBoolean.optional(),
});

export function checkExpiry(world: World, expiresAt: string, field: string): void {
  const at = Date.parse(expiresAt);
  const now = world.now();
  if (at <= now) throw apiErrors.mustBeInFuture(field);
  if (at - now > maxExpirySeconds * 1000) throw apiErrors.invalidField(field, "must be at most 30 days ahead");
}

export function assertUniqueBranchName(record: ProjectRecord, name: string, exceptId?: string): void {
  const clash = Object.values(record.branches).find((b) => b.branch.name === name && b.branch.id !== exceptId);
  if (clash) throw apiErrors.branchNameTaken(name, clash.branch.id);
}

export function defaultBranch(record: ProjectRecord): BranchRecord {
  return Object.values(record.branches).find((b) => b.branch.default)!;
}

/**
 * The LSN a child branches from: an explicit LSN, a point in time inside the history window, or the
 * head. With the data plane on, an LSN may also be a position in the parent's real WAL (`dataLsn`:
 * the data plane copies the parent as of it); the API's own positions order its events only.
 */
function resolveBranchPoint(
  world: World,
  record: ProjectRecord,
  parent: BranchRecord,
  parentLsn: string | undefined,
  parentTimestamp: string | undefined,
  field: string,
): { lsn: number; dataLsn?: string } {
  if (parentLsn !== undefined && parentTimestamp !== undefined) {
    throw apiErrors.badRequest(`${field}: parent_lsn and parent_timestamp are mutually exclusive`);
  }
  if (parentLsn !== undefined) {
    const lsn = parseLsn(parentLsn);
    if (lsn === undefined) throw apiErrors.malformedLsn(`${field}.parent_lsn`);
    if (world.inWalHistory(record.project.id, parent.branch.id, lsn)) return { lsn: record.lsn, dataLsn: formatLsn(lsn) };
    if (lsn < parent.branch.lsn || lsn > record.lsn) {
      throw apiErrors.invalidField(`${field}.parent_lsn`, `${parentLsn} is outside the parent branch's history`);
    }
    return { lsn };
  }
  if (parentTimestamp !== undefined) {
    const at = Date.parse(parentTimestamp);
    const now = world.now();
    const windowStart = now - record.project.history_retention_seconds * 1000;
    if (at > now) throw apiErrors.mustNotBeInFuture(`${field}.parent_timestamp`);
    if (at < windowStart || at < Date.parse(parent.branch.created_at)) {
      throw apiErrors.outsideRetention(`${field}.parent_timestamp`);
    }
    return { lsn: Math.max(parent.branch.lsn, record.lsn - 1) };
  }
  return { lsn: record.lsn };
}

export const branchRoutes: RouteDefinition[] = [
  route("listProjectBranches")({
    method: "GET",
    path: "/projects/{project_id}/branches",
    handle({ world, params, query }) {
      const record = world.project(params.project_id);
      const q = parseRequest(listBranchesQuery, queryObject(query), "");
      const sortBy = q.sort_by ?? "updated_at";
      const order = q.sort_order ?? "desc";
      const search = q.search?.toLowerCase();
      const key = (b: BranchRecord): [string, string] => [String(b.branch[sortBy]), b.branch.id];
      const compare = (a: [string, string], b: [string, string]) => {
        const c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
        return order === "asc" ? c : -c;
      };
      let rows = Object.values(record.branches)
        .filter((b) => search === undefined || b.branch.name.toLowerCase().includes(search) || b.branch.id.includes(search))
        .sort((a, b) => compare(key(a), key(b)));
      // The cursor is opaque to clients: the sort key of the last row returned, so pages stay
      // stable when branches are added between calls.
      if (q.cursor) {
        const after = decodeCursor(q.cursor, sortBy, order);
        rows = rows.filter((b) => compare(key(b), after) > 0);
      }
      const limit = q.limit;
      const page = limit === undefined ? rows : rows.slice(0, limit);
      const more = limit !== undefined && rows.length > limit;
      const pagination: Record<string, string> = { sort_by: sortBy, sort_order: order };
      if (more) pagination.next = encodeCursor(key(page[page.length - 1]), sortBy, order);
      const annotations = Object.fromEntries(page.map((b) => [b.branch.id, renderBranchAnnotation(b)]));
      return { status: 200, body: { branches: page.map(renderBranch), annotations, pagination } };
    },
  }),
  route("createProjectBranch")({
    method: "POST",
    path: "/projects/{project_id}/branches",
    locksProject: true,
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const req = parseRequest(createBranchBody, body ?? {}, "");
      const b = req.branch ?? {};
      const schemaOnly = b.init_source === "schema-only";
      const parent = b.parent_id ? record.branches[b.parent_id] : defaultBranch(record);
      if (!parent) throw apiErrors.referenceNotFound("branch.parent_id", `branch ${b.parent_id}`);
      const point = resolveBranchPoint(world, record, parent, b.parent_lsn, b.parent_timestamp, "branch");
      const name = b.name ?? generatedBranchName();
      assertUniqueBranchName(record, name);
      if (b.expires_at !== undefined) checkExpiry(world, b.expires_at, "branch.expires_at");
      const endpointsReq = req.endpoints ?? [];
      if (endpointsReq.filter((e) => e.type === "read_write").length > 1) {
        throw apiErrors.invalidField("endpoints", "a branch can have at most one read_write endpoint");
      }
      // Check the limits each compute will really get: an unset bound comes from the project's
      // default endpoint settings, then Neon's default, exactly as newEndpoint fills it in.
      const defaults = record.project.default_endpoint_settings;
      endpointsReq.forEach((e, i) => {
        const problem = checkAutoscaling(
          `endpoints.${i}`,
          e.autoscaling_limit_min_cu ?? defaults.autoscaling_limit_min_cu ?? defaultComputeUnits.min,
          e.autoscaling_limit_max_cu ?? defaults.autoscaling_limit_max_cu ?? defaultComputeUnits.max,
        );
        if (problem) throw apiErrors.badRequest(problem);
      });

      record.lsn += 0x100;
      const branch = newBranchRecord(world, record, {
        name,
        // A schema-only branch is a new root: it has no parent and no shared history.
        parentId: schemaOnly ? undefined : parent.branch.id,
        parentLsn: schemaOnly ? undefined : point.dataLsn ?? formatLsn(point.lsn),
        parentTimestamp: schemaOnly ? undefined : b.parent_timestamp ?? world.nowIso(),
        isDefault: false,
        protected: b.protected,
        expiresAt: b.expires_at,
        initSource: b.init_source ?? "parent-data",
        lsn: schemaOnly ? record.lsn : point.lsn,
      });
      if (b.expires_at !== undefined) {
        branch.branch.ttl_interval_seconds = Math.round((Date.parse(b.expires_at) - world.now()) / 1000);
      }
      if (schemaOnly) branch.branch.schema_source_id = parent.branch.id;
      else if (point.dataLsn !== undefined) branch.branch.data_lsn = point.dataLsn;
      copyRolesAndDatabases(world, parent, branch);
      record.branches[branch.branch.id] = branch;
      const endpoints: EndpointData[] = endpointsReq.map((e) =>
        newEndpoint(world, record, branch.branch.id, {
          type: e.type,
          min: e.autoscaling_limit_min_cu,
          max: e.autoscaling_limit_max_cu,
          suspendTimeoutSeconds: e.suspend_timeout_seconds,
          settings: e.settings,
          provisioner: e.provisioner,
        }),
      );
      for (const ep of endpoints) record.endpoints[ep.id] = ep;
      const ops: NewOperation[] = [
        { action: "create_branch", branchId: branch.branch.id, effects: [{ kind: "branch_ready", branchId: branch.branch.id }] },
        ...endpoints.map((ep): NewOperation => ({
          action: "start_compute",
          branchId: branch.branch.id,
          endpointId: ep.id,
          effects: [{ kind: "endpoint_state", endpointId: ep.id, state: "active" }],
        })),
      ];
      const operations = world.schedule(record, ops);
      const t = world.now();
      const roles = Object.values(branch.roles);
      const databases = Object.values(branch.databases);
      const rw = endpoints.find((e) => e.type === "read_write");
      const connectionUris = rw
        ? roles
            .filter((r) => r.authentication_method === "password")
            .flatMap((role) =>
              databases
                .filter((d) => d.owner_name === role.name)
                .map((db) => ({
                  connection_uri: connectionUri(rw.host, role, db.name, world.postgresAddress),
                  connection_parameters: {
                    database: db.name,
                    password: role.password,
                    role: role.name,
                    host: rw.host,
                    pooler_host: world.endpointHost(rw.id, rw.region_id, true),
                  },
                })),
            )
        : undefined;
      return {
        status: 201,
        body: {
          branch: renderBranch(branch),
          endpoints: endpoints.map((e) => renderEndpoint(world, e)),
          operations: operations.map((o) => renderOperation(o, t)),
          roles: roles.map((r) => renderRole(r)),
          databases: databases.map(renderDatabase),
          ...(connectionUris ? { connection_uris: connectionUris } : {}),
        },
      };
    },
  }),
  route("getProjectBranch")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const branch = world.branch(record, params.branch_id);
      return { status: 200, body: { branch: renderBranch(branch), annotation: renderBranchAnnotation(branch) } };
    },
  }),
  route("updateProjectBranch")({
    method: "PATCH",
    path: "/projects/{project_id}/branches/{branch_id}",
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const branch = world.branch(record, params.branch_id);
      const req = parseRequest(updateBranchBody, body, "").branch;
      if (req.name !== undefined) assertUniqueBranchName(record, req.name, branch.branch.id);
      if (req.expires_at) checkExpiry(world, req.expires_at, "branch.expires_at");
      if (req.expires_at && branch.branch.default) {
        throw apiErrors.invalidField("branch.expires_at", "the default branch cannot expire");
      }
      const b = branch.branch;
      if (req.name !== undefined) b.name = req.name;
      if (req.protected !== undefined) b.protected = req.protected;
      if (req.expires_at === null) {
        delete b.expires_at;
        delete b.ttl_interval_seconds;
      } else if (req.expires_at !== undefined) {
        b.expires_at = req.expires_at;
        b.ttl_interval_seconds = Math.round((Date.parse(req.expires_at) - world.now()) / 1000);
      }
      b.updated_at = world.nowIso();
      return { status: 200, body: { branch: renderBranch(branch), operations: [] } };
    },
  }),
  route("deleteProjectBranch")({
    method: "DELETE",
    path: "/projects/{project_id}/branches/{branch_id}",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const branch = record.branches[params.branch_id];
      // Neon answers 204 for a branch that does not exist (any more): deletes are idempotent.
      if (!branch) return { status: 204, nothingToDo: true };
      if (branch.branch.default) throw apiErrors.conflict(`branch ${branch.branch.id} is the project's default branch and cannot be deleted`);
      const children = Object.values(record.branches).filter((b) => b.branch.parent_id === branch.branch.id);
      if (children.length > 0) {
        throw apiErrors.conflict(
          `branch ${branch.branch.id} has child branches (${children.map((c) => c.branch.id).join(", ")}); delete them first`,
        );
      }
      if (branch.branch.protected) throw apiErrors.conflict(`branch ${branch.branch.id} is protected; unprotect it before deleting`);
      const endpoints = Object.values(record.endpoints).filter((e) => e.branch_id === branch.branch.id);
      for (const ep of endpoints) delete record.endpoints[ep.id];
      delete record.branches[branch.branch.id];
      const operations = world.schedule(record, [
        ...endpoints.map((ep): NewOperation => ({ action: "suspend_compute", branchId: branch.branch.id, endpointId: ep.id })),
        { action: "delete_timeline", branchId: branch.branch.id },
      ]);
      const t = world.now();
      return { status: 200, body: { branch: renderBranch(branch), operations: operations.map((o) => renderOperation(o, t)) } };
    },
  }),
  route("setDefaultProjectBranch")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/set_as_default",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const branch = world.branch(record, params.branch_id);
      if (branch.branch.expires_at) throw apiErrors.badRequest(`branch ${branch.branch.id} has an expiry; remove it before making it the default`);
      const now = world.nowIso();
      for (const other of Object.values(record.branches)) {
        if (other.branch.default && other !== branch) {
          other.branch.default = false;
          other.branch.primary = false;
          other.branch.updated_at = now;
        }
      }
      branch.branch.default = true;
      branch.branch.primary = true;
      branch.branch.updated_at = now;
      return { status: 200, body: { branch: renderBranch(branch), operations: [] } };
    },
  }),
  route("listProjectBranchEndpoints")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/endpoints",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      world.branch(record, params.branch_id);
      const endpoints = Object.values(record.endpoints).filter((e) => e.branch_id === params.branch_id);
      return { status: 200, body: { endpoints: endpoints.map((e) => renderEndpoint(world, e)) } };
    },
  }),
];

function encodeCursor(key: [string, string], sortBy: string, order: string): string {
  return Buffer.from(JSON.stringify({ k: key, s: sortBy, o: order })).toString("base64url");
}

function decodeCursor(cursor: string, sortBy: string, order: string): [string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { k: [string, string]; s: string; o: string };
    if (Array.isArray(parsed.k) && parsed.k.length === 2 && parsed.s === sortBy && parsed.o === order) return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw apiErrors.unknownCursor("cursor", true);
}
