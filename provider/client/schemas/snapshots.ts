import { z } from "zod";
import { maybe, operationSchema } from "./common";
import { branchSchema } from "./branches";
import { endpointSchema } from "./endpoints";

export const snapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  source_branch_id: maybe(z.string()),
  lsn: maybe(z.string()),
  timestamp: maybe(z.string()),
  expires_at: maybe(z.string()),
  manual: maybe(z.boolean()),
  full_size: maybe(z.number()),
  diff_size: maybe(z.number()),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotOperationsSchema = z.object({ snapshot: snapshotSchema, operations: z.array(operationSchema) });
export type SnapshotOperations = z.infer<typeof snapshotOperationsSchema>;
export const snapshotResponseSchema = z.object({ snapshot: snapshotSchema });
export const snapshotsResponseSchema = z.object({ snapshots: z.array(snapshotSchema) });

export const restoredSnapshotSchema = z.object({
  branch: branchSchema,
  endpoints: maybe(z.array(endpointSchema)),
  operations: z.array(operationSchema),
});
export type RestoredSnapshot = z.infer<typeof restoredSnapshotSchema>;
