/**
 * The in-memory state of the local Neon API. Records are kept in the API's own (snake_case) shape
 * so that rendering a response is a copy, plus the few internal fields Neon never shows (role
 * passwords, operation timings). Everything here is plain JSON so it can be saved to a state file.
 */
import type { NeonSchema } from "../spec/types";
import type { OperationStatus } from "./operations";

export interface OrganizationRecord {
  id: string;
  name: string;
  handle: string;
  plan: string;
  created_at: string;
  updated_at: string;
  managed_by: string;
  allow_hipaa_projects: boolean;
}

export interface UserRecord {
  id: string;
  email: string;
  login: string;
  name: string;
  last_name: string;
}

export type JsonObject = Record<string, unknown>;

/** A spec type (readonly, as generated) as the store keeps it: its own fields can be set. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

export interface ProjectData {
  id: string;
  name: string;
  region_id: string;
  pg_version: number;
  provisioner: string;
  store_passwords: boolean;
  history_retention_seconds: number;
  org_id: string;
  settings: Writable<NeonSchema<"ProjectSettingsData">>;
  default_endpoint_settings: Writable<NeonSchema<"DefaultEndpointSettings">>;
  created_at: string;
  updated_at: string;
}

export interface BranchData {
  id: string;
  project_id: string;
  parent_id?: string;
  parent_lsn?: string;
  parent_timestamp?: string;
  name: string;
  current_state: string;
  pending_state?: string;
  state_changed_at: string;
  logical_size: number;
  creation_source: string;
  primary: boolean;
  default: boolean;
  protected: boolean;
  created_at: string;
  updated_at: string;
  expires_at?: string;
  ttl_interval_seconds?: number;
  init_source?: string;
  restore_status?: "restored" | "finalized";
  restored_from?: string;
  restored_as?: string;
  /** Internal: the LSN this branch's history starts at; snapshot/child LSNs are checked against it. */
  lsn: number;
  /** Internal: for a restored branch, the branch a later finalize_restore replaces. */
  restore_target_id?: string;
  /** Internal: for a schema-only branch (a new root), the branch whose schema it copied (the data plane copies it). */
  schema_source_id?: string;
  /** Internal: the position in the parent's real WAL (the data plane's) its data was asked as of (`parent_lsn`). */
  data_lsn?: string;
}

export interface RoleRecord {
  branch_id: string;
  name: string;
  protected: boolean;
  authentication_method: "password" | "no_login";
  created_at: string;
  updated_at: string;
  /** Internal: never listed; returned on create, by reveal_password, and in connection URIs. */
  password: string;
}

export interface DatabaseRecord {
  id: number;
  branch_id: string;
  name: string;
  owner_name: string;
  created_at: string;
  updated_at: string;
}

export interface EndpointData {
  id: string;
  host: string;
  name?: string;
  project_id: string;
  branch_id: string;
  region_id: string;
  autoscaling_limit_min_cu: number;
  autoscaling_limit_max_cu: number;
  type: "read_write" | "read_only";
  current_state: "init" | "active" | "idle";
  pending_state?: "init" | "active" | "idle";
  settings: NeonSchema<"EndpointSettingsData">;
  pooler_enabled: boolean;
  pooler_mode: "transaction";
  disabled: boolean;
  passwordless_access: boolean;
  creation_source: string;
  created_at: string;
  updated_at: string;
  started_at?: string;
  suspended_at?: string;
  suspend_timeout_seconds: number;
  provisioner: string;
}

export interface SnapshotData {
  id: string;
  name: string;
  lsn: string;
  timestamp: string;
  source_branch_id: string;
  created_at: string;
  expires_at?: string;
  manual: boolean;
  full_size: number;
  diff_size: number;
  /** Internal: the roles and databases captured, which a restore brings back. */
  contents: { roles: Record<string, RoleRecord>; databases: Record<string, DatabaseRecord> };
  /** Internal: set when `lsn` is a position in the branch's real WAL (the data plane's) that was asked for. */
  data_lsn?: string;
}

/** What an operation changes in the store once it has finished (applied lazily, see operations.ts). */
export type OperationEffect =
  | { kind: "endpoint_state"; endpointId: string; state: "active" | "idle" }
  | { kind: "branch_ready"; branchId: string };

export interface OperationRecord {
  id: string;
  project_id: string;
  branch_id?: string;
  endpoint_id?: string;
  action: NeonSchema<"OperationAction">;
  created_at_ms: number;
  /** Internal timings: scheduling until runningAt, running until endAt, then `outcome`. */
  running_at_ms: number;
  end_at_ms: number;
  outcome: Extract<OperationStatus, "finished" | "failed" | "error">;
  effects: OperationEffect[];
  effects_applied: boolean;
}

export interface AuthOAuthProvider {
  id: NeonSchema<"NeonAuthOauthProviderId">;
  type: "standard" | "shared";
  client_id?: string;
  client_secret?: string;
  microsoft_tenant_id?: string;
}

export interface AuthIntegrationRecord {
  auth_provider: NeonSchema<"NeonAuthSupportedAuthProvider">;
  auth_provider_project_id: string;
  branch_id: string;
  db_name: string;
  created_at: string;
  owned_by: "user" | "neon";
  jwks_url: string;
  base_url: string;
  name?: string;
  oauth_providers: AuthOAuthProvider[];
  domains: { domain: string; auth_provider: NeonSchema<"NeonAuthSupportedAuthProvider"> }[];
  allow_localhost: boolean;
}

export interface DataApiRecord {
  database_name: string;
  url: string;
  status: string;
  auth_provider: "neon_auth" | "external";
  jwks_url?: string;
  provider_name?: string;
  jwt_audience?: string;
  settings: Writable<NeonSchema<"DataAPISettings">>;
  created_at: string;
}

export interface BranchRecord {
  branch: BranchData;
  /** Key/value annotations Neon keeps beside a branch (e.g. a git ref). */
  annotations: Record<string, string>;
  roles: Record<string, RoleRecord>;
  databases: Record<string, DatabaseRecord>;
  auth?: AuthIntegrationRecord;
  dataApis: Record<string, DataApiRecord>;
}

export interface ProjectRecord {
  project: ProjectData;
  branches: Record<string, BranchRecord>;
  endpoints: Record<string, EndpointData>;
  snapshots: Record<string, SnapshotData>;
  operations: OperationRecord[];
  /** Internal: a monotonically growing "write-ahead log" position used to hand out LSNs. */
  lsn: number;
}

export interface NeonLocalState {
  version: 1;
  user: UserRecord;
  organizations: Record<string, OrganizationRecord>;
  projects: Record<string, ProjectRecord>;
  nextDatabaseId: number;
}

/**
 * Every map of the state (projects by id, roles by name, …) is a prototype-less object, so a key
 * such as `constructor`, `toString` or `__proto__` (a legal role or database name, and an id a
 * client may send) is an ordinary key: looking it up finds nothing rather than a built-in, and
 * storing it cannot change a prototype.
 */
export function dict<T>(entries?: Record<string, T>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const key of Object.keys(entries)) out[key] = entries[key];
  return out;
}

/** Turns the maps of one project (loaded from JSON or copied) into prototype-less dictionaries. */
export function reviveProjectDicts(record: ProjectRecord): ProjectRecord {
  record.branches = dict(record.branches);
  record.endpoints = dict(record.endpoints);
  record.snapshots = dict(record.snapshots);
  for (const branch of Object.values(record.branches)) {
    branch.annotations = dict(branch.annotations);
    branch.roles = dict(branch.roles);
    branch.databases = dict(branch.databases);
    branch.dataApis = dict(branch.dataApis);
  }
  for (const snapshot of Object.values(record.snapshots)) {
    snapshot.contents = { roles: dict(snapshot.contents.roles), databases: dict(snapshot.contents.databases) };
  }
  return record;
}

/** The same for a whole state, e.g. after reading the state file. */
export function reviveStateDicts(state: NeonLocalState): NeonLocalState {
  state.organizations = dict(state.organizations);
  state.projects = dict(state.projects);
  for (const record of Object.values(state.projects)) reviveProjectDicts(record);
  return state;
}
