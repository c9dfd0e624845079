import { z } from "zod";
import { connectionDetailsSchema, nextPaginationSchema, operationSchema } from "./common";
import { endpointSchema } from "./endpoints";

export const branchSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  name: z.string(),
  parent_id: z.string().optional(),
  parent_lsn: z.string().optional(),
  parent_timestamp: z.string().optional(),
  current_state: z.string(),
  pending_state: z.string().optional(),
  state_changed_at: z.string().optional(),
  default: z.boolean(),
  protected: z.boolean(),
  primary: z.boolean().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string().optional(),
  ttl_interval_seconds: z.number().optional(),
  init_source: z.string().optional(),
  logical_size: z.number().optional(),
  creation_source: z.string().optional(),
  last_reset_at: z.string().optional(),
  restore_status: z.string().optional(),
  restored_from: z.string().optional(),
  restored_as: z.string().optional(),
  cpu_used_sec: z.number().optional(),
  compute_time_seconds: z.number().optional(),
  active_time_seconds: z.number().optional(),
  written_data_bytes: z.number().optional(),
  data_transfer_bytes: z.number().optional(),
});
export type Branch = z.infer<typeof branchSchema>;

export const roleSchema = z.object({
  branch_id: z.string(),
  name: z.string(),
  password: z.string().optional(),
  protected: z.boolean().optional(),
  authentication_method: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Role = z.infer<typeof roleSchema>;

export const databaseSchema = z.object({
  id: z.number(),
  branch_id: z.string(),
  name: z.string(),
  owner_name: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Database = z.infer<typeof databaseSchema>;

export const annotationSchema = z.object({
  object: z.object({ type: z.string(), id: z.string() }).optional(),
  value: z.record(z.string(), z.string()),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const listBranchesResponseSchema = z.object({
  branches: z.array(branchSchema),
  annotations: z.record(z.string(), annotationSchema).optional(),
  pagination: nextPaginationSchema.optional(),
});
export type ListBranchesResponse = z.infer<typeof listBranchesResponseSchema>;

export const createdBranchSchema = z.object({
  branch: branchSchema,
  endpoints: z.array(endpointSchema),
  operations: z.array(operationSchema),
  roles: z.array(roleSchema),
  databases: z.array(databaseSchema),
  connection_uris: z.array(connectionDetailsSchema).optional(),
});
export type CreatedBranch = z.infer<typeof createdBranchSchema>;

export const branchResponseSchema = z.object({ branch: branchSchema, annotation: annotationSchema.optional() });
export type BranchResponse = z.infer<typeof branchResponseSchema>;

export const branchOperationsSchema = z.object({ branch: branchSchema, operations: z.array(operationSchema) });
export type BranchOperations = z.infer<typeof branchOperationsSchema>;

export const rolesResponseSchema = z.object({ roles: z.array(roleSchema) });
export const roleResponseSchema = z.object({ role: roleSchema });
export const roleOperationsSchema = z.object({ role: roleSchema, operations: z.array(operationSchema) });
export type RoleOperations = z.infer<typeof roleOperationsSchema>;
export const rolePasswordResponseSchema = z.object({ password: z.string() });

export const databasesResponseSchema = z.object({ databases: z.array(databaseSchema) });
export const databaseResponseSchema = z.object({ database: databaseSchema });
export const databaseOperationsSchema = z.object({ database: databaseSchema, operations: z.array(operationSchema) });
export type DatabaseOperations = z.infer<typeof databaseOperationsSchema>;
