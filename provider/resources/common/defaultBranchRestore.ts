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
import { currentDefaultBranch, forgetDefaultBranch } from "./branchScope";

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
    forgetDefaultBranch(client, projectId);
    await client.snapshots.restore(projectId, snapshotId, { target_branch_id: current.id, finalize_restore: true });
    // A lookup another resource started during the restore may answer with the branch it replaced.
    forgetDefaultBranch(client, projectId);
    current = await currentDefaultBranch(client, projectId);
  }
  // Also on a later run, if carrying protection over or removing the superseded branch failed.
  if (current.restored_as) current = await retireSupersededBranch(client, projectId, current, current.restored_as);
  return current;
}

/** Whether the project's default branch is, as Neon says, restored from this snapshot. */
export async function isDefaultBranchRestoredFrom(client: NeonClient, projectId: string, snapshotId: string): Promise<boolean> {
  return (await currentDefaultBranch(client, projectId)).restored_from === snapshotId;
}

/**
 * After a branch made from `parentId` is deleted: if that parent is the branch a restore of the
 * default branch superseded, kept then only because branches had been made from it (a tenant's
 * preview branches from its active branch, removed in the same update that restored it), it is
 * removed now that it may have no child left (still kept while it has). Without this it would be
 * left behind for good: nothing restores again to retire it.
 */
export async function retireSupersededParent(client: NeonClient, projectId: string, parentId: string): Promise<void> {
  const current = await currentDefaultBranch(client, projectId);
  if (current.restored_as === parentId) await retireSupersededBranch(client, projectId, current, parentId);
}

/**
 * Moves the superseded branch's protection to the restored default branch (protection belongs to
 * the role of the branch: the tenant's live data), then removes the superseded branch, unless
 * branches were made from it: then it is kept, renamed by Neon, and keeps its protection. Each
 * step is safe to repeat, so a later run finishes what a failed one left.
 */
async function retireSupersededBranch(client: NeonClient, projectId: string, current: Branch, supersededId: string): Promise<Branch> {
  let superseded: Branch;
  try {
    superseded = (await client.branches.get(projectId, supersededId)).branch;
  } catch (err) {
    if (err instanceof NeonNotFoundError) return current; // already removed
    throw err;
  }
  if (superseded.default) return current;
  if (!superseded.protected) return removeUnlessParent(client, projectId, current, superseded);
  if (!current.protected) current = (await client.branches.update(projectId, current.id, { branch: { protected: true } })).branch;
  await client.branches.update(projectId, supersededId, { branch: { protected: false } });
  return removeUnlessParent(client, projectId, current, superseded);
}

async function removeUnlessParent(client: NeonClient, projectId: string, current: Branch, superseded: Branch): Promise<Branch> {
  try {
    await client.branches.delete(projectId, superseded.id);
  } catch (err) {
    if (err instanceof NeonNotFoundError) return current; // removed meanwhile (its last child's delete did it)
    // A superseded branch with children of its own is kept (renamed, not lost), protected as it was.
    if (!(err instanceof NeonConflictError)) throw err;
    if (superseded.protected) await client.branches.update(projectId, superseded.id, { branch: { protected: true } });
    console.log(`Kept branch ${superseded.id} (superseded by the restore) of project ${projectId}: ${err.message}`);
  }
  return current;
}
