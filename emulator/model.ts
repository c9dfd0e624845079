/**
 * Constructors for new records with Neon's defaults, shared by the handlers that create projects,
 * branches, endpoints and restores.
 */
import { isoSeconds } from "./clock";
import { newBranchId, newEndpointId, newRolePassword } from "./ids";
import { dict, type BranchRecord, type DatabaseRecord, type EndpointData, type JsonObject, type ProjectRecord, type RoleRecord } from "./store";
import type { World } from "./world";

/** Neon's default compute size when neither the request nor the project says otherwise. */
export const defaultComputeUnits = { min: 0.25, max: 2 };

export function newBranchRecord(
  world: World,
  record: ProjectRecord,
  fields: {
    name: string;
    parentId?: string;
    parentLsn?: string;
    parentTimestamp?: string;
    isDefault: boolean;
    protected?: boolean;
    expiresAt?: string;
    initSource?: string;
    lsn: number;
  },
): BranchRecord {
  const now = world.nowIso();
  const id = newBranchId((candidate) => !world.claimId(candidate));
  return {
    branch: {
      id,
      project_id: record.project.id,
      ...(fields.parentId ? { parent_id: fields.parentId } : {}),
      ...(fields.parentLsn ? { parent_lsn: fields.parentLsn } : {}),
      ...(fields.parentTimestamp ? { parent_timestamp: fields.parentTimestamp } : {}),
      name: fields.name,
      current_state: "init",
      pending_state: "ready",
      state_changed_at: now,
      logical_size: 0,
      creation_source: "console",
      primary: fields.isDefault,
      default: fields.isDefault,
      protected: fields.protected ?? false,
      created_at: now,
      updated_at: now,
      ...(fields.expiresAt ? { expires_at: fields.expiresAt } : {}),
      ...(fields.initSource ? { init_source: fields.initSource } : {}),
      lsn: fields.lsn,
    },
    annotations: dict(),
    roles: dict(),
    databases: dict(),
    dataApis: dict(),
  };
}

export function newRole(world: World, branchId: string, name: string, noLogin = false): RoleRecord {
  const now = world.nowIso();
  return {
    branch_id: branchId,
    name,
    protected: false,
    authentication_method: noLogin ? "no_login" : "password",
    created_at: now,
    updated_at: now,
    password: newRolePassword(),
  };
}

export function newDatabase(world: World, branchId: string, name: string, owner: string): DatabaseRecord {
  const now = world.nowIso();
  return { id: world.state.nextDatabaseId++, branch_id: branchId, name, owner_name: owner, created_at: now, updated_at: now };
}

/** Copies roles and databases from a parent branch, as a `parent-data` child shares them. */
export function copyRolesAndDatabases(world: World, from: BranchRecord, to: BranchRecord): void {
  const now = world.nowIso();
  for (const role of Object.values(from.roles)) to.roles[role.name] = { ...role, branch_id: to.branch.id, created_at: now, updated_at: now };
  for (const db of Object.values(from.databases)) {
    to.databases[db.name] = { ...db, id: world.state.nextDatabaseId++, branch_id: to.branch.id, created_at: now, updated_at: now };
  }
}

export interface EndpointFields {
  type: "read_write" | "read_only";
  min?: number;
  max?: number;
  suspendTimeoutSeconds?: number;
  settings?: JsonObject;
  provisioner?: string;
  poolerMode?: "transaction";
  poolerEnabled?: boolean;
  disabled?: boolean;
  passwordlessAccess?: boolean;
  name?: string;
}

export function newEndpoint(world: World, record: ProjectRecord, branchId: string, fields: EndpointFields): EndpointData {
  const now = world.nowIso();
  const defaults = record.project.default_endpoint_settings;
  const id = newEndpointId((candidate) => !world.claimId(candidate));
  const region = record.project.region_id;
  return {
    id,
    host: world.endpointHost(id, region),
    ...(fields.name ? { name: fields.name } : {}),
    project_id: record.project.id,
    branch_id: branchId,
    region_id: region,
    autoscaling_limit_min_cu: fields.min ?? defaults.autoscaling_limit_min_cu ?? defaultComputeUnits.min,
    autoscaling_limit_max_cu: fields.max ?? defaults.autoscaling_limit_max_cu ?? defaultComputeUnits.max,
    type: fields.type,
    current_state: "init",
    pending_state: "active",
    settings: fields.settings ?? {},
    pooler_enabled: fields.poolerEnabled ?? false,
    pooler_mode: fields.poolerMode ?? "transaction",
    disabled: fields.disabled ?? false,
    passwordless_access: fields.passwordlessAccess ?? false,
    creation_source: "console",
    created_at: now,
    updated_at: now,
    suspend_timeout_seconds: fields.suspendTimeoutSeconds ?? defaults.suspend_timeout_seconds ?? 0,
    provisioner: fields.provisioner ?? record.project.provisioner,
  };
}

/** Neon rejects autoscaling limits where min > max (and max − min > 8 CU on real plans; not modelled). */
export function checkAutoscaling(field: string, min: number, max: number): string | undefined {
  return min > max ? `${field}: autoscaling_limit_min_cu (${min}) must be ≤ autoscaling_limit_max_cu (${max})` : undefined;
}

export { isoSeconds };
