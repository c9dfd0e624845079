import { z } from "zod";
import { connectionDetailsSchema, maybe, nextPaginationSchema, operationSchema } from "./common";
import { endpointSchema } from "./endpoints";

export const branchSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  name: z.string(),
  parent_id: maybe(z.string()),
  parent_lsn: maybe(z.string()),
  parent_timestamp: maybe(z.string()),
  current_state: z.string(),
  pending_state: maybe(z.string()),
  state_changed_at: maybe(z.string()),
  default: z.boolean(),
  protected: z.boolean(),
  primary: maybe(z.boolean()),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: maybe(z.string()),
  ttl_interval_seconds: maybe(z.number()),
  init_source: maybe(z.string()),
  logical_size: maybe(z.number()),
  creation_source: maybe(z.string()),
  last_reset_at: maybe(z.string()),
  restore_status: maybe(z.string()),
  restored_from: maybe(z.string()),
  restored_as: maybe(z.string()),
  cpu_used_sec: maybe(z.number()),
  compute_time_seconds: maybe(z.number()),
  active_time_seconds: maybe(z.number()),
  written_data_bytes: maybe(z.number()),
  data_transfer_bytes: maybe(z.number()),
});
export type Branch = z.infer<typeof branchSchema>;

export const roleSchema = z.object({
  branch_id: z.string(),
  name: z.string(),
  password: maybe(z.string()),
  protected: maybe(z.boolean()),
  authentication_method: maybe(z.string()),
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
  object: maybe(z.object({ type: z.string(), id: z.string() })),
  value: z.record(z.string(), z.string()),
  created_at: maybe(z.string()),
  updated_at: maybe(z.string()),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const listBranchesResponseSchema = z.object({
  branches: z.array(branchSchema),
  annotations: maybe(z.record(z.string(), annotationSchema)),
  pagination: maybe(nextPaginationSchema),
});
export type ListBranchesResponse = z.infer<typeof listBranchesResponseSchema>;

export const createdBranchSchema = z.object({
  branch: branchSchema,
  endpoints: z.array(endpointSchema),
  operations: z.array(operationSchema),
  roles: z.array(roleSchema),
  databases: z.array(databaseSchema),
  connection_uris: maybe(z.array(connectionDetailsSchema)),
});
export type CreatedBranch = z.infer<typeof createdBranchSchema>;

export const branchResponseSchema = z.object({ branch: branchSchema, annotation: maybe(annotationSchema) });
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
