/** Roles and databases of a branch, and role passwords (reveal, reset). */
import { z } from "zod";
import { apiErrors } from "../errors";
import { newRolePassword } from "../ids";
import { newDatabase, newRole } from "../model";
import { renderOperation } from "../operations";
import { renderDatabase, renderRole } from "../render";
import type { BranchRecord, ProjectRecord } from "../store";
import { parseRequest, pgIdentifier } from "../validation";
import type { World } from "../world";
import { route, type RouteDefinition } from "./types";

const identifier = pgIdentifier;

export const createRoleBody = z.object({ role: z.object({ name: identifier, no_login: z.boolean().optional() }) });
export const createDatabaseBody = z.object({ database: z.object({ name: identifier, owner_name: identifier }) });
export const updateDatabaseBody = z.object({ database: z.object({ name: identifier.optional(), owner_name: identifier.optional() }) });

/** Role and database changes are applied to the branch's computes by an apply_config operation. */
function applyConfig(world: World, record: ProjectRecord, branch: BranchRecord) {
  const computes = Object.values(record.endpoints).filter((e) => e.branch_id === branch.branch.id);
  const ops = world.schedule(
    record,
    computes.length > 0
      ? computes.map((e) => ({ action: "apply_config", branchId: branch.branch.id, endpointId: e.id }))
      : [{ action: "apply_config", branchId: branch.branch.id }],
  );
  const t = world.now();
  return ops.map((o) => renderOperation(o, t));
}

function locate(world: World, params: Record<string, string>) {
  const record = world.project(params.project_id);
  return { record, branch: world.branch(record, params.branch_id) };
}

export const roleAndDatabaseRoutes: RouteDefinition[] = [
  route("listProjectBranchRoles")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/roles",
    handle({ world, params }) {
      const { branch } = locate(world, params);
      return { status: 200, body: { roles: Object.values(branch.roles).map((r) => renderRole(r)) } };
    },
  }),
  route("createProjectBranchRole")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/roles",
    locksProject: true,
    handle({ world, params, body }) {
      const { record, branch } = locate(world, params);
      const req = parseRequest(createRoleBody, body, "").role;
      if (branch.roles[req.name]) throw apiErrors.alreadyExistsOnBranch("role", req.name, branch.branch.id);
      const role = newRole(world, branch.branch.id, req.name, req.no_login);
      branch.roles[role.name] = role;
      return { status: 201, body: { role: renderRole(role, role.authentication_method === "password"), operations: applyConfig(world, record, branch) } };
    },
  }),
  route("getProjectBranchRole")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/roles/{role_name}",
    handle({ world, params }) {
      const { branch } = locate(world, params);
      const role = branch.roles[params.role_name];
      if (!role) throw apiErrors.notFound("role", params.role_name);
      return { status: 200, body: { role: renderRole(role) } };
    },
  }),
  route("deleteProjectBranchRole")({
    method: "DELETE",
    path: "/projects/{project_id}/branches/{branch_id}/roles/{role_name}",
    locksProject: true,
    handle({ world, params }) {
      const { record, branch } = locate(world, params);
      const role = branch.roles[params.role_name];
      if (!role) return { status: 204, nothingToDo: true };
      const owned = Object.values(branch.databases).filter((d) => d.owner_name === role.name);
      if (owned.length > 0) {
        throw apiErrors.conflict(`role "${role.name}" owns database(s) ${owned.map((d) => d.name).join(", ")}; delete or reassign them first`);
      }
      delete branch.roles[role.name];
      return { status: 200, body: { role: renderRole(role), operations: applyConfig(world, record, branch) } };
    },
  }),
  route("getProjectBranchRolePassword")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/roles/{role_name}/reveal_password",
    handle({ world, params }) {
      const { record, branch } = locate(world, params);
      const role = branch.roles[params.role_name];
      if (!role) throw apiErrors.notFound("role", params.role_name);
      if (!record.project.store_passwords) throw apiErrors.preconditionFailed("storing passwords is disabled for this project");
      return { status: 200, body: { password: role.password } };
    },
  }),
  route("resetProjectBranchRolePassword")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/roles/{role_name}/reset_password",
    locksProject: true,
    handle({ world, params }) {
      const { record, branch } = locate(world, params);
      const role = branch.roles[params.role_name];
      if (!role) throw apiErrors.notFound("role", params.role_name);
      role.password = newRolePassword();
      role.updated_at = world.nowIso();
      return { status: 200, body: { role: renderRole(role, true), operations: applyConfig(world, record, branch) } };
    },
  }),
  route("listProjectBranchDatabases")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/databases",
    handle({ world, params }) {
      const { branch } = locate(world, params);
      return { status: 200, body: { databases: Object.values(branch.databases).map(renderDatabase) } };
    },
  }),
  route("createProjectBranchDatabase")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/databases",
    locksProject: true,
    handle({ world, params, body }) {
      const { record, branch } = locate(world, params);
      const req = parseRequest(createDatabaseBody, body, "").database;
      if (branch.databases[req.name]) throw apiErrors.alreadyExistsOnBranch("database", req.name, branch.branch.id);
      if (!branch.roles[req.owner_name]) throw apiErrors.referenceNotFound("database.owner_name", `role "${req.owner_name}"`);
      const db = newDatabase(world, branch.branch.id, req.name, req.owner_name);
      branch.databases[db.name] = db;
      return { status: 201, body: { database: renderDatabase(db), operations: applyConfig(world, record, branch) } };
    },
  }),
  route("getProjectBranchDatabase")({
    method: "GET",
    path: "/projects/{project_id}/branches/{branch_id}/databases/{database_name}",
    handle({ world, params }) {
      const { branch } = locate(world, params);
      const db = branch.databases[params.database_name];
      if (!db) throw apiErrors.notFound("database", params.database_name);
      return { status: 200, body: { database: renderDatabase(db) } };
    },
  }),
  route("updateProjectBranchDatabase")({
    method: "PATCH",
    path: "/projects/{project_id}/branches/{branch_id}/databases/{database_name}",
    locksProject: true,
    handle({ world, params, body }) {
      const { record, branch } = locate(world, params);
      const db = branch.databases[params.database_name];
      if (!db) throw apiErrors.notFound("database", params.database_name);
      const req = parseRequest(updateDatabaseBody, body, "").database;
      if (req.name !== undefined && req.name !== db.name && branch.databases[req.name]) {
        throw apiErrors.alreadyExistsOnBranch("database", req.name, branch.branch.id);
      }
      if (req.owner_name !== undefined && !branch.roles[req.owner_name]) {
        throw apiErrors.referenceNotFound("database.owner_name", `role "${req.owner_name}"`);
      }
      if (req.name !== undefined && req.name !== db.name) {
        const oldName = db.name;
        delete branch.databases[oldName];
        db.name = req.name;
        branch.databases[db.name] = db;
        // What serves the database follows its new name.
        const dataApi = branch.dataApis[oldName];
        if (dataApi) {
          delete branch.dataApis[oldName];
          branch.dataApis[db.name] = { ...dataApi, database_name: db.name };
        }
        if (branch.auth?.db_name === oldName) branch.auth.db_name = db.name;
      }
      if (req.owner_name !== undefined) db.owner_name = req.owner_name;
      db.updated_at = world.nowIso();
      return { status: 200, body: { database: renderDatabase(db), operations: applyConfig(world, record, branch) } };
    },
  }),
  route("deleteProjectBranchDatabase")({
    method: "DELETE",
    path: "/projects/{project_id}/branches/{branch_id}/databases/{database_name}",
    locksProject: true,
    handle({ world, params }) {
      const { record, branch } = locate(world, params);
      const db = branch.databases[params.database_name];
      if (!db) return { status: 204, nothingToDo: true };
      delete branch.databases[db.name];
      // The Data API of a dropped database goes with it.
      delete branch.dataApis[db.name];
      return { status: 200, body: { database: renderDatabase(db), operations: applyConfig(world, record, branch) } };
    },
  }),
];
