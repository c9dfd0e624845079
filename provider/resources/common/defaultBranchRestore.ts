/**
 * Putting a project's default (active) branch on a snapshot, in place: Neon creates a branch from
 * the snapshot, and `finalize_restore` moves the computes (and with them hosts, connection strings,
 * Neon Auth and the Data API) onto it and gives it the default branch's name. The superseded branch
 * is then removed. Shared by NeonProject (`activeSnapshotId`) and Snapshot (`restoreDefaultBranch`,
 * which lets a program name its checkpoints without feeding a snapshot id back to its project).
 */
import { NeonConflictError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { Branch } from "../../client/schemas/branches";
import { currentDefaultBranch } from "./branchScope";

/**
 * Restores the default branch from `snapshotId` unless it already is (Neon's `restored_from`), and
 * returns the default branch as it is afterwards. `field` names the argument for error messages.
 * Idempotent: an update after a half-done restore finishes removing the superseded branch.
 */
export async function restoreDefaultBranch(client: NeonClient, projectId: string, snapshotId: string, field: string): Promise<Branch> {
  let current = await currentDefaultBranch(client, projectId);
  if (current.restored_from !== snapshotId) {
    const { snapshots } = await client.snapshots.list(projectId);
    if (!snapshots.some((s) => s.id === snapshotId)) {
      throw new Error(`${field}: snapshot ${snapshotId} does not exist in project ${projectId}`);
    }
    await client.snapshots.restore(projectId, snapshotId, { target_branch_id: current.id, finalize_restore: true });
    const superseded = current;
    current = await currentDefaultBranch(client, projectId);
    // Protection belongs to the role of the branch (the tenant's live data), so it moves with it.
    if (superseded.protected && !current.protected) await client.branches.update(projectId, current.id, { branch: { protected: true } });
  }
  // Also on a later run, if removing the superseded branch failed the first time.
  if (current.restored_as) await removeSupersededBranch(client, projectId, current.restored_as);
  return current;
}

/** Whether the project's default branch is, as Neon says, restored from this snapshot. */
export async function isDefaultBranchRestoredFrom(client: NeonClient, projectId: string, snapshotId: string): Promise<boolean> {
  return (await currentDefaultBranch(client, projectId)).restored_from === snapshotId;
}

/** Removes the branch a restore superseded (renamed by Neon), unless branches were made from it. */
async function removeSupersededBranch(client: NeonClient, projectId: string, branchId: string): Promise<void> {
  let superseded;
  try {
    superseded = (await client.branches.get(projectId, branchId)).branch;
  } catch (err) {
    if (err instanceof NeonNotFoundError) return; // already removed
    throw err;
  }
  if (superseded.default) return;
  // Its protection was carried over to the restored branch above.
  if (superseded.protected) await client.branches.update(projectId, branchId, { branch: { protected: false } });
  try {
    await client.branches.delete(projectId, branchId);
  } catch (err) {
    // A superseded branch with children of its own is kept (it is renamed, not lost).
    if (!(err instanceof NeonConflictError)) throw err;
    console.log(`Kept branch ${branchId} (superseded by the restore) of project ${projectId}: ${err.message}`);
  }
}
