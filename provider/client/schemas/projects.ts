import { z } from "zod";
import { connectionDetailsSchema, operationSchema, pgSettingsSchema, positionPaginationSchema } from "./common";
import { branchSchema, databaseSchema, roleSchema } from "./branches";
import { endpointSchema } from "./endpoints";

export const projectSettingsSchema = z.looseObject({
  quota: z.record(z.string(), z.number()).optional(),
  allowed_ips: z.looseObject({ ips: z.array(z.string()).optional(), protected_branches_only: z.boolean().optional() }).optional(),
  enable_logical_replication: z.boolean().optional(),
  maintenance_window: z.looseObject({ weekdays: z.array(z.number()), start_time: z.string(), end_time: z.string() }).optional(),
  block_public_connections: z.boolean().optional(),
  block_vpc_connections: z.boolean().optional(),
  audit_log_level: z.string().optional(),
  hipaa: z.boolean().optional(),
  preload_libraries: z.looseObject({ use_defaults: z.boolean().optional(), enabled_libraries: z.array(z.string()).optional() }).optional(),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

export const defaultEndpointSettingsSchema = z.looseObject({
  pg_settings: pgSettingsSchema.optional(),
  pgbouncer_settings: pgSettingsSchema.optional(),
  autoscaling_limit_min_cu: z.number().optional(),
  autoscaling_limit_max_cu: z.number().optional(),
  suspend_timeout_seconds: z.number().optional(),
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
  platform_id: z.string().optional(),
  provisioner: z.string().optional(),
  proxy_host: z.string().optional(),
  store_passwords: z.boolean().optional(),
  org_id: z.string().optional(),
  owner_id: z.string().optional(),
  creation_source: z.string().optional(),
  settings: projectSettingsSchema.optional(),
  default_endpoint_settings: defaultEndpointSettingsSchema.optional(),
  branch_logical_size_limit: z.number().optional(),
  branch_logical_size_limit_bytes: z.number().optional(),
  maintenance_starts_at: z.string().optional(),
  maintenance_scheduled_for: z.string().optional(),
  compute_last_active_at: z.string().optional(),
  hipaa_enabled_at: z.string().optional(),
  synthetic_storage_size: z.number().optional(),
  active_time_seconds: z.number().optional(),
  compute_time_seconds: z.number().optional(),
  cpu_used_sec: z.number().optional(),
  written_data_bytes: z.number().optional(),
  data_transfer_bytes: z.number().optional(),
  data_storage_bytes_hour: z.number().optional(),
  consumption_period_start: z.string().optional(),
  consumption_period_end: z.string().optional(),
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
  org_id: z.string().optional(),
  owner_id: z.string().optional(),
  platform_id: z.string().optional(),
  provisioner: z.string().optional(),
  proxy_host: z.string().optional(),
  store_passwords: z.boolean().optional(),
  history_retention_seconds: z.number().optional(),
  settings: projectSettingsSchema.optional(),
  default_endpoint_settings: defaultEndpointSettingsSchema.optional(),
  creation_source: z.string().optional(),
  deleted_at: z.string().optional(),
  recoverable_until: z.string().optional(),
});
export type ProjectListItem = z.infer<typeof projectListItemSchema>;

export const listProjectsResponseSchema = z.object({
  projects: z.array(projectListItemSchema),
  pagination: positionPaginationSchema.optional(),
  unavailable_project_ids: z.array(z.string()).optional(),
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
