import { z } from "zod";
import { endpointSettingsSchema, operationSchema } from "./common";

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
  pending_state: z.string().optional(),
  autoscaling_limit_min_cu: z.number(),
  autoscaling_limit_max_cu: z.number(),
  suspend_timeout_seconds: z.number(),
  disabled: z.boolean(),
  pooler_enabled: z.boolean().optional(),
  pooler_mode: z.string().optional(),
  passwordless_access: z.boolean().optional(),
  settings: endpointSettingsSchema.optional(),
  provisioner: z.string().optional(),
  name: z.string().optional(),
  proxy_host: z.string().optional(),
  creation_source: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  last_active: z.string().optional(),
  started_at: z.string().optional(),
  suspended_at: z.string().optional(),
  compute_release_version: z.string().optional(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const endpointsResponseSchema = z.object({ endpoints: z.array(endpointSchema) });
export const endpointResponseSchema = z.object({ endpoint: endpointSchema });
export const endpointOperationsSchema = z.object({ endpoint: endpointSchema, operations: z.array(operationSchema) });
export type EndpointOperations = z.infer<typeof endpointOperationsSchema>;
