import type { ApiContext } from "../internal/apiContext";
import type { MutationOptions, RequestOptions } from "../options";
import type { FinalizeRestoreRequest, SnapshotCreateQuery, SnapshotRestoreRequest, SnapshotUpdateRequest } from "../requests";
import { type Operation, operationsResponseSchema } from "../schemas/common";
import {
  type RestoredSnapshot,
  restoredSnapshotSchema,
  type Snapshot,
  type SnapshotOperations,
  snapshotOperationsSchema,
  snapshotResponseSchema,
  snapshotsResponseSchema,
} from "../schemas/snapshots";

const SNAPSHOT = "/projects/{project_id}/snapshots/{snapshot_id}";

/** Snapshots (Beta in Neon). */
export class SnapshotsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** Snapshots a branch, now or at `lsn`/`timestamp` (query parameters, not a body). */
  async create(projectId: string, branchId: string, query: SnapshotCreateQuery = {}, options?: MutationOptions): Promise<SnapshotOperations> {
    return this.#api.mutate({
        method: "POST",
        template: "/projects/{project_id}/branches/{branch_id}/snapshot",
        params: { project_id: projectId, branch_id: branchId },
        query: { ...query },
        schema: snapshotOperationsSchema,
      }, options);
  }

  list(projectId: string, options?: RequestOptions): Promise<{ snapshots: Snapshot[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: "/projects/{project_id}/snapshots", params: { project_id: projectId }, schema: snapshotsResponseSchema },
      options?.signal,
    );
  }

  update(projectId: string, snapshotId: string, body: SnapshotUpdateRequest, options?: RequestOptions): Promise<{ snapshot: Snapshot }> {
    return this.#api.pipeline.send(
      { method: "PATCH", template: SNAPSHOT, params: { project_id: projectId, snapshot_id: snapshotId }, body, schema: snapshotResponseSchema },
      options?.signal,
    );
  }

  /** Neon answers 202 with the deletion's operations. */
  async delete(projectId: string, snapshotId: string, options?: MutationOptions): Promise<{ operations: Operation[] }> {
    return this.#api.mutate({ method: "DELETE", template: SNAPSHOT, params: { project_id: projectId, snapshot_id: snapshotId }, schema: operationsResponseSchema }, options);
  }

  /** Always creates a new branch from the snapshot; with `finalize_restore` it also takes over the target's name and computes. */
  async restore(projectId: string, snapshotId: string, body: SnapshotRestoreRequest = {}, options?: MutationOptions): Promise<RestoredSnapshot> {
    return this.#api.mutate({
        method: "POST",
        template: `${SNAPSHOT}/restore`,
        params: { project_id: projectId, snapshot_id: snapshotId },
        body,
        schema: restoredSnapshotSchema,
      }, options);
  }

  /** Finalizes a restore made with `finalize_restore: false`; `branchId` is the restored branch. */
  async finalizeRestore(
    projectId: string,
    branchId: string,
    body: FinalizeRestoreRequest = {},
    options?: MutationOptions,
  ): Promise<{ operations: Operation[] }> {
    return this.#api.mutate({
        method: "POST",
        template: "/projects/{project_id}/branches/{branch_id}/finalize_restore",
        params: { project_id: projectId, branch_id: branchId },
        body,
        schema: operationsResponseSchema,
      }, options);
  }
}
