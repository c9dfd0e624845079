import { z } from "zod";
import { endpointSettingsSchema, maybe, operationSchema } from "./common";

export const endpointTypeSchema = z.enum(["read_write", "read_only"]);
export type EndpointType = z.infer<typeof endpointTypeSchema>;

export const endpointSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  branch_id: z.string(),
  host: z.string(),
  region_id: z.string(),
  type: endpointTypeSchema,
  current_state: z.string(),
  pending_state: maybe(z.string()),
  autoscaling_limit_min_cu: z.number(),
  autoscaling_limit_max_cu: z.number(),
  suspend_timeout_seconds: z.number(),
  disabled: z.boolean(),
  pooler_enabled: maybe(z.boolean()),
  pooler_mode: maybe(z.string()),
  passwordless_access: maybe(z.boolean()),
  settings: maybe(endpointSettingsSchema),
  provisioner: maybe(z.string()),
  name: maybe(z.string()),
  proxy_host: maybe(z.string()),
  creation_source: maybe(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  last_active: maybe(z.string()),
  started_at: maybe(z.string()),
  suspended_at: maybe(z.string()),
  compute_release_version: maybe(z.string()),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const endpointsResponseSchema = z.object({ endpoints: z.array(endpointSchema) });
export const endpointResponseSchema = z.object({ endpoint: endpointSchema });
export const endpointOperationsSchema = z.object({ endpoint: endpointSchema, operations: z.array(operationSchema) });
export type EndpointOperations = z.infer<typeof endpointOperationsSchema>;
