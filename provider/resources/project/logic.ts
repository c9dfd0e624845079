/**
 * NeonProject's policy, as pure functions tested without Pulumi or the network: request bodies
 * from inputs, the diff and its replace keys, the transitions `check` refuses, and outputs from
 * Neon's responses.
 */
import type { ProjectCreateRequest, ProjectUpdateRequest } from "../../client/requests";
import type { Branch, Database, Role } from "../../client/schemas/branches";
import type { Endpoint } from "../../client/schemas/endpoints";
import type { DefaultEndpointSettings, Project, ProjectSettings } from "../../client/schemas/projects";
import type { CheckFailure } from "../common/check";
import { declaredKey, declaredNames, echoDeclared } from "../common/declared";
import { diffDeclared, matchesDeclared, normalize, type DiffField, type DiffOutcome } from "../common/diff";
import { definedFields, inInputNames, inNeonNames, sendsAnything } from "../common/requestBody";
import { isUnknown } from "../common/unknown";
import type { NeonProjectInputs } from "./args";

type Settings = NonNullable<NeonProjectInputs["settings"]>;
type EndpointDefaults = NonNullable<NeonProjectInputs["defaultEndpointSettings"]>;

/** Every output the resource class exposes. */
export const projectOutputNames = [
  "name", "regionId", "pgVersion", "orgId", "historyRetentionSeconds", "defaultEndpointSettings", "settings",
  "defaultBranchName", "defaultRoleName", "defaultDatabaseName", "activeSnapshotId",
  "projectId", "defaultBranchId", "defaultEndpointId", "host", "poolerHost", "proxyHost", "createdAt",
  "password", "connectionUri", "pooledConnectionUri",
] as const;

/** Output names Pulumi must store as secrets. */
export const projectSecretOutputs = ["password", "connectionUri", "pooledConnectionUri"] as const;

export const projectDiffFields: readonly DiffField[] = [
  { name: "name" },
  { name: "regionId", replaces: true },
  { name: "pgVersion", replaces: true },
  { name: "orgId" },
  { name: "historyRetentionSeconds" },
  { name: "defaultEndpointSettings" },
  {
    name: "settings",
    normalize: (v) => {
      const s = v as Settings;
      return s.allowedIps ? { ...s, allowedIps: normalize.unorderedStrings(s.allowedIps) } : s;
    },
  },
  { name: "defaultBranchName" },
  { name: "defaultRoleName" },
  { name: "defaultDatabaseName" },
  { name: "activeSnapshotId" },
  // adoptId is read at create only: changing it later changes nothing.
];

export function projectDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  return diffDeclared(olds, news, projectDiffFields);
}

/** Changes Neon cannot make and that must not turn into a silent replacement. */
export function projectTransitionFailures(olds: Record<string, unknown>, news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const oldRole = olds.defaultRoleName;
  const newRole = news.defaultRoleName;
  if (typeof oldRole === "string" && typeof newRole === "string" && oldRole !== newRole && !isUnknown(newRole)) {
    failures.push({
      property: "defaultRoleName",
      reason: `cannot change from "${oldRole}" to "${newRole}": Neon cannot rename roles, and replacing the project would delete its data (use \`pulumi up --replace\` if that is really wanted)`,
    });
  }
  const oldSettings = (olds.settings ?? {}) as Settings;
  const newSettings = (news.settings ?? {}) as Settings;
  if (oldSettings.enableLogicalReplication === true && newSettings.enableLogicalReplication === false) {
    failures.push({ property: "settings.enableLogicalReplication", reason: "cannot be turned off once enabled (Neon does not support disabling logical replication)" });
  }
  return failures;
}

/** Arguments a brand-new project cannot honour (`olds` is empty when creating). */
export function projectCreateFailures(olds: Record<string, unknown>, news: Record<string, unknown>): CheckFailure[] {
  const creating = Object.keys(olds).filter((k) => k !== "__provider").length === 0;
  if (!creating || news.adoptId !== undefined || news.activeSnapshotId === undefined) return [];
  return [
    {
      property: "activeSnapshotId",
      reason: "a new project has no snapshots yet: create the project first, take a snapshot, then set activeSnapshotId (or adopt an existing project with adoptId)",
    },
  ];
}

/** Declared settings in Neon's request form (the same shape for create and PATCH). */
type SettingsRequest = NonNullable<ProjectCreateRequest["project"]["settings"]>;
type EndpointDefaultsRequest = NonNullable<ProjectCreateRequest["project"]["default_endpoint_settings"]>;

type Quota = NonNullable<Settings["quota"]>;
type QuotaRequest = NonNullable<SettingsRequest["quota"]>;

/** Each quota's input name and Neon's (checked against the spec's names), both ways from one table. */
const quotaNames = {
  activeTimeSeconds: "active_time_seconds",
  computeTimeSeconds: "compute_time_seconds",
  writtenDataBytes: "written_data_bytes",
  dataTransferBytes: "data_transfer_bytes",
  logicalSizeBytes: "logical_size_bytes",
} as const satisfies Record<keyof Quota, keyof QuotaRequest>;

const quotaToApi = (q: Quota) => inNeonNames(quotaNames, q) as QuotaRequest;
const quotaFromApi = (q: object) => inInputNames(quotaNames, q) as Quota;

export function settingsToApi(s: Settings): SettingsRequest {
  const q = s.quota;
  const w = s.maintenanceWindow;
  const allowedIpsDeclared = s.allowedIps !== undefined || s.allowedIpsProtectedBranchesOnly !== undefined;
  return definedFields<SettingsRequest>({
    quota: q ? quotaToApi(q) : undefined,
    allowed_ips: allowedIpsDeclared
      ? definedFields<NonNullable<SettingsRequest["allowed_ips"]>>({ ips: s.allowedIps, protected_branches_only: s.allowedIpsProtectedBranchesOnly })
      : undefined,
    enable_logical_replication: s.enableLogicalReplication,
    maintenance_window: w ? { weekdays: w.weekdays, start_time: w.startTime, end_time: w.endTime } : undefined,
    block_public_connections: s.blockPublicConnections,
    block_vpc_connections: s.blockVpcConnections,
  });
}

export function settingsFromApi(s: ProjectSettings | undefined): Settings {
  if (!s) return {};
  const q = s.quota;
  return definedFields<Settings>({
    quota: q ? quotaFromApi(q) : undefined,
    allowedIps: s.allowed_ips?.ips,
    allowedIpsProtectedBranchesOnly: s.allowed_ips?.protected_branches_only,
    enableLogicalReplication: s.enable_logical_replication,
    maintenanceWindow: s.maintenance_window
      ? { weekdays: s.maintenance_window.weekdays, startTime: s.maintenance_window.start_time, endTime: s.maintenance_window.end_time }
      : undefined,
    blockPublicConnections: s.block_public_connections,
    blockVpcConnections: s.block_vpc_connections,
  });
}

export function endpointDefaultsToApi(d: EndpointDefaults): EndpointDefaultsRequest {
  return definedFields<EndpointDefaultsRequest>({
    autoscaling_limit_min_cu: d.autoscalingLimitMinCu,
    autoscaling_limit_max_cu: d.autoscalingLimitMaxCu,
    suspend_timeout_seconds: d.suspendTimeoutSeconds,
  });
}

export function endpointDefaultsFromApi(d: DefaultEndpointSettings | undefined): EndpointDefaults {
  return definedFields<EndpointDefaults>({
    autoscalingLimitMinCu: d?.autoscaling_limit_min_cu,
    autoscalingLimitMaxCu: d?.autoscaling_limit_max_cu,
    suspendTimeoutSeconds: d?.suspend_timeout_seconds,
  });
}

export function projectCreateBody(inputs: NeonProjectInputs): ProjectCreateRequest {
  const branch = definedFields<NonNullable<ProjectCreateRequest["project"]["branch"]>>({
    name: inputs.defaultBranchName,
    role_name: inputs.defaultRoleName,
    database_name: inputs.defaultDatabaseName,
  });
  return {
    project: definedFields({
      name: inputs.name,
      region_id: inputs.regionId,
      pg_version: inputs.pgVersion,
      org_id: inputs.orgId,
      history_retention_seconds: inputs.historyRetentionSeconds,
      settings: inputs.settings ? settingsToApi(inputs.settings) : undefined,
      default_endpoint_settings: inputs.defaultEndpointSettings ? endpointDefaultsToApi(inputs.defaultEndpointSettings) : undefined,
      branch: sendsAnything(branch) ? branch : undefined,
    }),
  };
}

/**
 * Whether a move to another organization must wait for the project's PATCH. The destination's plan
 * must allow what the project uses when it arrives (Neon answers 406 otherwise): a downgrade lowers
 * the history retention first and then moves; an upgrade moves first, since the higher retention is
 * only allowed in the new organization.
 */
export function patchBeforeTransfer(olds: Record<string, unknown>, news: NeonProjectInputs): boolean {
  const before = olds.historyRetentionSeconds;
  const after = news.historyRetentionSeconds;
  return typeof before === "number" && typeof after === "number" && after < before;
}

/**
 * The PATCH body for what changed among the declared inputs, or undefined when the project
 * itself needs no PATCH. Only declared, changed fields are sent: never values Neon filled in.
 */
export function projectUpdateBody(olds: Record<string, unknown>, news: NeonProjectInputs): ProjectUpdateRequest | undefined {
  const settingsChanged = news.settings !== undefined && !matchesDeclared(settingsNormalized(news.settings), settingsNormalized(olds.settings as Settings | undefined));
  const defaultsChanged = news.defaultEndpointSettings !== undefined && !matchesDeclared(news.defaultEndpointSettings, olds.defaultEndpointSettings);
  const project = definedFields<ProjectUpdateRequest["project"]>({
    name: news.name !== olds.name ? news.name : undefined,
    history_retention_seconds: news.historyRetentionSeconds !== olds.historyRetentionSeconds ? news.historyRetentionSeconds : undefined,
    settings: settingsChanged ? settingsToApi(changedKeys(news.settings!, (olds.settings ?? {}) as Settings)) : undefined,
    default_endpoint_settings: defaultsChanged
      ? endpointDefaultsToApi(changedKeys(news.defaultEndpointSettings!, (olds.defaultEndpointSettings ?? {}) as EndpointDefaults))
      : undefined,
  });
  return sendsAnything(project) ? { project } : undefined;
}

function settingsNormalized(s: Settings | undefined): Settings | undefined {
  return s?.allowedIps ? { ...s, allowedIps: normalize.unorderedStrings(s.allowedIps) as string[] } : s;
}

/** The declared keys whose values differ (allowed IPs travel together with their flag). */
function changedKeys<T extends Record<string, unknown>>(declared: T, old: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(declared)) {
    if (v !== undefined && !matchesDeclared(v, old[k])) out[k] = v;
  }
  const s = declared as Record<string, unknown>;
  if ("allowedIps" in out && s.allowedIpsProtectedBranchesOnly !== undefined) out.allowedIpsProtectedBranchesOnly = s.allowedIpsProtectedBranchesOnly;
  if ("allowedIpsProtectedBranchesOnly" in out && s.allowedIps !== undefined) out.allowedIps = s.allowedIps;
  return out as Partial<T>;
}

/** What the resource knows about a project after talking to Neon. */
export interface ProjectView {
  project: Project;
  defaultBranch: Branch;
  defaultEndpoint?: Endpoint;
  role?: Role;
  database?: Database;
  /** Known from the create response or reveal_password; never from a GET. */
  password?: string;
}

export function connectionUri(role: string, password: string, host: string, database: string): string {
  return `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${host}/${encodeURIComponent(database)}?sslmode=require`;
}

/** The pooled (PgBouncer) host Neon derives from a compute host: `ep-x.…` → `ep-x-pooler.…`. */
export function poolerHost(host: string): string {
  const dot = host.indexOf(".");
  return dot < 0 ? `${host}-pooler` : `${host.slice(0, dot)}-pooler${host.slice(dot)}`;
}

/**
 * Outputs: live values for every input field (overlaid with the declared inputs after a create or
 * update, so a second `up` compares equal), plus computed values and the secrets.
 */
export function projectOutputs(view: ProjectView, declared: Record<string, unknown> | undefined): Record<string, unknown> {
  const p = view.project;
  const ep = view.defaultEndpoint;
  const live: Record<string, unknown> = {
    name: p.name,
    regionId: p.region_id,
    pgVersion: p.pg_version,
    orgId: p.org_id,
    historyRetentionSeconds: p.history_retention_seconds,
    defaultEndpointSettings: endpointDefaultsFromApi(p.default_endpoint_settings),
    settings: settingsFromApi(p.settings),
    defaultBranchName: view.defaultBranch.name,
    defaultRoleName: view.role?.name,
    defaultDatabaseName: view.database?.name,
    activeSnapshotId: view.defaultBranch.restored_from,
  };
  const out = echoDeclared(live, declared);
  Object.assign(out, {
    projectId: p.id,
    defaultBranchId: view.defaultBranch.id,
    defaultEndpointId: ep?.id,
    host: ep?.host,
    poolerHost: ep ? poolerHost(ep.host) : undefined,
    proxyHost: p.proxy_host,
    createdAt: p.created_at,
    password: view.password,
  });
  if (ep && view.role && view.database && view.password !== undefined) {
    out.connectionUri = connectionUri(view.role.name, view.password, ep.host, view.database.name);
    out.pooledConnectionUri = connectionUri(view.role.name, view.password, poolerHost(ep.host), view.database.name);
  }
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}
