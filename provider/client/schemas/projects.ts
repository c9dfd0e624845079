import { z } from "zod";
import { connectionDetailsSchema, maybe, operationSchema, pgSettingsSchema, positionPaginationSchema } from "./common";
import { branchSchema, databaseSchema, roleSchema } from "./branches";
import { endpointSchema } from "./endpoints";

export const projectSettingsSchema = z.looseObject({
  quota: maybe(z.record(z.string(), z.number())),
  allowed_ips: maybe(z.looseObject({ ips: maybe(z.array(z.string())), protected_branches_only: maybe(z.boolean()) })),
  enable_logical_replication: maybe(z.boolean()),
  maintenance_window: maybe(z.looseObject({ weekdays: z.array(z.number()), start_time: z.string(), end_time: z.string() })),
  block_public_connections: maybe(z.boolean()),
  block_vpc_connections: maybe(z.boolean()),
  audit_log_level: maybe(z.string()),
  hipaa: maybe(z.boolean()),
  preload_libraries: maybe(z.looseObject({ use_defaults: maybe(z.boolean()), enabled_libraries: maybe(z.array(z.string())) })),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

export const defaultEndpointSettingsSchema = z.looseObject({
  pg_settings: maybe(pgSettingsSchema),
  pgbouncer_settings: maybe(pgSettingsSchema),
  autoscaling_limit_min_cu: maybe(z.number()),
  autoscaling_limit_max_cu: maybe(z.number()),
  suspend_timeout_seconds: maybe(z.number()),
});
export type DefaultEndpointSettings = z.infer<typeof defaultEndpointSettingsSchema>;

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  region_id: z.string(),
  pg_version: z.number(),
  history_retention_seconds: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  platform_id: maybe(z.string()),
  provisioner: maybe(z.string()),
  proxy_host: maybe(z.string()),
  store_passwords: maybe(z.boolean()),
  org_id: maybe(z.string()),
  owner_id: maybe(z.string()),
  creation_source: maybe(z.string()),
  settings: maybe(projectSettingsSchema),
  default_endpoint_settings: maybe(defaultEndpointSettingsSchema),
  branch_logical_size_limit: maybe(z.number()),
  branch_logical_size_limit_bytes: maybe(z.number()),
  maintenance_starts_at: maybe(z.string()),
  maintenance_scheduled_for: maybe(z.string()),
  compute_last_active_at: maybe(z.string()),
  hipaa_enabled_at: maybe(z.string()),
  synthetic_storage_size: maybe(z.number()),
  active_time_seconds: maybe(z.number()),
  compute_time_seconds: maybe(z.number()),
  cpu_used_sec: maybe(z.number()),
  written_data_bytes: maybe(z.number()),
  data_transfer_bytes: maybe(z.number()),
  data_storage_bytes_hour: maybe(z.number()),
  consumption_period_start: maybe(z.string()),
  consumption_period_end: maybe(z.string()),
});
export type Project = z.infer<typeof projectSchema>;

/** The list endpoint returns a lighter object than GET /projects/{id}. */
export const projectListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  region_id: z.string(),
  pg_version: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  org_id: maybe(z.string()),
  owner_id: maybe(z.string()),
  platform_id: maybe(z.string()),
  provisioner: maybe(z.string()),
  proxy_host: maybe(z.string()),
  store_passwords: maybe(z.boolean()),
  history_retention_seconds: maybe(z.number()),
  settings: maybe(projectSettingsSchema),
  default_endpoint_settings: maybe(defaultEndpointSettingsSchema),
  creation_source: maybe(z.string()),
  deleted_at: maybe(z.string()),
  recoverable_until: maybe(z.string()),
});
export type ProjectListItem = z.infer<typeof projectListItemSchema>;

export const listProjectsResponseSchema = z.object({
  projects: z.array(projectListItemSchema),
  pagination: maybe(positionPaginationSchema),
  unavailable_project_ids: maybe(z.array(z.string())),
});
export type ListProjectsResponse = z.infer<typeof listProjectsResponseSchema>;

export const createdProjectSchema = z.object({
  project: projectSchema,
  connection_uris: z.array(connectionDetailsSchema),
  roles: z.array(roleSchema),
  databases: z.array(databaseSchema),
  operations: z.array(operationSchema),
  branch: branchSchema,
  endpoints: z.array(endpointSchema),
});
export type CreatedProject = z.infer<typeof createdProjectSchema>;

export const projectResponseSchema = z.object({ project: projectSchema });
export type ProjectResponse = z.infer<typeof projectResponseSchema>;

export const projectOperationsSchema = z.object({ project: projectSchema, operations: z.array(operationSchema) });
export type ProjectOperations = z.infer<typeof projectOperationsSchema>;

export const connectionUriResponseSchema = z.object({ uri: z.string() });
export type ConnectionUriResponse = z.infer<typeof connectionUriResponseSchema>;
