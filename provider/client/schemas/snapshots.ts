import { z } from "zod";
import { operationSchema } from "./common";
import { branchSchema } from "./branches";
import { endpointSchema } from "./endpoints";

export const snapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  source_branch_id: z.string().optional(),
  lsn: z.string().optional(),
  timestamp: z.string().optional(),
  expires_at: z.string().optional(),
  manual: z.boolean().optional(),
  full_size: z.number().optional(),
  diff_size: z.number().optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotOperationsSchema = z.object({ snapshot: snapshotSchema, operations: z.array(operationSchema) });
export type SnapshotOperations = z.infer<typeof snapshotOperationsSchema>;
export const snapshotResponseSchema = z.object({ snapshot: snapshotSchema });
export const snapshotsResponseSchema = z.object({ snapshots: z.array(snapshotSchema) });

export const restoredSnapshotSchema = z.object({
  branch: branchSchema,
  endpoints: z.array(endpointSchema).optional(),
  operations: z.array(operationSchema),
});
export type RestoredSnapshot = z.infer<typeof restoredSnapshotSchema>;
