/**
 * Response shapes. Stored records already use Neon's field names; these functions add the fields
 * Neon computes (usage counters, hosts) and drop internal ones (passwords, timings), so every
 * response matches the OpenAPI schema for its route.
 */
import type { NeonSchema } from "../spec/types";
import { asSpecified } from "./specShape";
import type { World } from "./world";
import type { BranchRecord, DatabaseRecord, EndpointData, ProjectRecord, RoleRecord, SnapshotData } from "./store";

const MiB = 1024 ** 2;

/** The Neon project object (schema `Project`). Usage counters are zero: nothing runs here. */
export function renderProject(world: World, record: ProjectRecord): NeonSchema<"Project"> {
  const p = record.project;
  const period = consumptionPeriod(world.now());
  return asSpecified("Project", {
    data_storage_bytes_hour: 0,
    data_transfer_bytes: 0,
    written_data_bytes: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    cpu_used_sec: 0,
    id: p.id,
    platform_id: p.region_id.split("-")[0],
    region_id: p.region_id,
    name: p.name,
    provisioner: p.provisioner,
    default_endpoint_settings: p.default_endpoint_settings,
    settings: p.settings,
    pg_version: p.pg_version,
    proxy_host: world.proxyHost(p.region_id),
    branch_logical_size_limit: 512,
    branch_logical_size_limit_bytes: 512 * MiB,
    store_passwords: p.store_passwords,
    creation_source: "console",
    history_retention_seconds: p.history_retention_seconds,
    created_at: p.created_at,
    updated_at: p.updated_at,
    synthetic_storage_size: 0,
    consumption_period_start: period.start,
    consumption_period_end: period.end,
    owner_id: world.state.user.id,
    org_id: p.org_id,
  });
}

/** Schema `ProjectListItem` (what GET /projects lists). */
export function renderProjectListItem(world: World, record: ProjectRecord): NeonSchema<"ProjectListItem"> {
  const full = renderProject(world, record);
  const org = world.state.organizations[record.project.org_id];
  return asSpecified("ProjectListItem", {
    id: full.id,
    platform_id: full.platform_id,
    region_id: full.region_id,
    name: full.name,
    provisioner: full.provisioner,
    default_endpoint_settings: full.default_endpoint_settings,
    settings: full.settings,
    pg_version: full.pg_version,
    proxy_host: full.proxy_host,
    branch_logical_size_limit: full.branch_logical_size_limit,
    branch_logical_size_limit_bytes: full.branch_logical_size_limit_bytes,
    store_passwords: full.store_passwords,
    active_time: 0,
    cpu_used_sec: 0,
    creation_source: full.creation_source,
    created_at: full.created_at,
    updated_at: full.updated_at,
    owner_id: full.owner_id,
    org_id: full.org_id,
    ...(org ? { org_name: org.name } : {}),
    history_retention_seconds: full.history_retention_seconds,
  });
}

export function renderBranch(record: BranchRecord): NeonSchema<"Branch"> {
  const { lsn: _lsn, restore_target_id: _target, schema_source_id: _schemaSource, data_lsn: _dataLsn, ...visible } = record.branch;
  return asSpecified("Branch", {
    ...visible,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
  });
}

export function renderEndpoint(world: World, ep: EndpointData): NeonSchema<"Endpoint"> {
  return asSpecified("Endpoint", { ...ep, proxy_host: world.proxyHost(ep.region_id) });
}

export function renderRole(role: RoleRecord, withPassword = false): NeonSchema<"Role"> {
  const { password, ...visible } = role;
  return asSpecified("Role", withPassword ? { ...visible, password } : visible);
}

export function renderDatabase(db: DatabaseRecord): NeonSchema<"Database"> {
  return asSpecified("Database", { ...db });
}

export function renderSnapshot(s: SnapshotData): NeonSchema<"Snapshot"> {
  const { contents: _contents, data_lsn: _dataLsn, ...visible } = s;
  return asSpecified("Snapshot", visible);
}

/**
 * A `postgresql://` URI for a role on a compute. Hosts are Neon-shaped; a later issue points them
 * at real local databases.
 */
/**
 * A connection URI as Neon writes it; with the data plane on (`postgresAddress`), one that reaches
 * the compute's local database: the data plane's port, and the compute named in `options` (Neon's
 * way for clients without SNI), since `ep-….neon.tech` does not resolve to this machine.
 */
export function connectionUri(host: string, role: RoleRecord, database: string, postgresAddress?: string): string {
  const credentials = `${encodeURIComponent(role.name)}:${encodeURIComponent(role.password)}`;
  if (postgresAddress === undefined) return `postgresql://${credentials}@${host}/${encodeURIComponent(database)}?sslmode=require`;
  const endpointId = host.split(".")[0]!.replace(/-pooler$/, "");
  return `postgresql://${credentials}@${postgresAddress}/${encodeURIComponent(database)}?sslmode=require&options=endpoint%3D${endpointId}`;
}

/** The read-write compute of a branch, if it has one. */
export function readWriteEndpoint(record: ProjectRecord, branchId: string): EndpointData | undefined {
  return Object.values(record.endpoints).find((e) => e.branch_id === branchId && e.type === "read_write");
}

function consumptionPeriod(now: number): { start: string; end: string } {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start: new Date(start).toISOString().replace(".000Z", "Z"), end: new Date(end).toISOString().replace(".000Z", "Z") };
}

/** Schema `AnnotationData` for a branch. */
export function renderBranchAnnotation(record: BranchRecord): NeonSchema<"AnnotationData"> {
  return asSpecified("AnnotationData", {
    object: { type: "console/branch", id: record.branch.id },
    value: record.annotations,
    created_at: record.branch.created_at,
    updated_at: record.branch.updated_at,
  });
}
