/**
 * Snapshot's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts). The methods stay thin; the decisions are in logic.ts.
 */
import { NeonAmbiguousWriteError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { Branch } from "../../client/schemas/branches";
import type { Snapshot, SnapshotOperations } from "../../client/schemas/snapshots";
import { knownDefaultBranch } from "../common/branchScope";
import { isDefaultBranchRestoredFrom, restoreDefaultBranch } from "../common/defaultBranchRestore";
import { claimUnder, claimedIdOrThrow, lostAnswer, recovered, waitForObjectOperations, type UnknownOutcome } from "../common/ownership";
import { checkInputs } from "../common/check";
import { declaredKey, liveInputs } from "../common/declared";
import { ResourceInitFailure } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { snapshotInputsSchema, type SnapshotInputs } from "./args";
import {
  adoptionMismatches,
  assertSnapshottable,
  immutableDeclared,
  snapshotCreateQuery,
  snapshotDiff,
  snapshotOutputs,
  snapshotUpdateBody,
  type SnapshotPatch,
} from "./logic";

export { configure } from "../common/providerConfig";

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(snapshotInputsSchema(), news);
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = snapshotDiff(olds, news);
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: false };
}

export async function create(inputs: SnapshotInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const projectId = inputs.projectId;
  if (inputs.adoptId) return adopt(client, inputs.adoptId, inputs);

  const branch = await sourceBranch(client, projectId, inputs.branchId);
  assertSnapshottable(branch, inputs.branchId !== undefined);

  const startedAt = client.now();
  let created: SnapshotOperations;
  try {
    created = await client.snapshots.create(projectId, branch.id, snapshotCreateQuery(inputs), { waitForOperations: false });
  } catch (err) {
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    return reconcileCreate(client, inputs, branch, lostAnswer(client, startedAt, err));
  }

  // From here on the snapshot exists: any failure must hand Pulumi its id (and `restoreDefaultBranch`
  // as not done yet, so the next `up` restores).
  try {
    await client.waitForOperations(created.operations);
    if (inputs.restoreDefaultBranch) await restoreDefaultBranch(client, projectId, created.snapshot.id, "restoreDefaultBranch");
  } catch (err) {
    throw new ResourceInitFailure("Neon snapshot", created.snapshot.id, { ...snapshotOutputs(created.snapshot, projectId, inputs), restoreDefaultBranch: false }, err);
  }
  return { id: created.snapshot.id, outs: plainOutputs(snapshotOutputs(created.snapshot, projectId, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  const projectId = String(props.projectId);
  let snapshot: Snapshot | undefined;
  try {
    snapshot = await findSnapshot(client, projectId, id);
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // the project is gone, and the snapshot with it
    throw err;
  }
  if (!snapshot) return {}; // deleted (or expired) outside Pulumi: gone from state
  // Only a snapshot meant to hold the default branch costs the extra look at it.
  const restoredFromIt = props.restoreDefaultBranch === true && (await isDefaultBranchRestoredFrom(client, projectId, id));
  const live = { ...snapshotOutputs(snapshot, projectId, undefined, restoredFromIt), ...immutableDeclared(props) };
  const outs = { ...live, [declaredKey]: props[declaredKey], ...(props.adoptId !== undefined ? { adoptId: props.adoptId } : {}) };
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, live)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: SnapshotInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const projectId = news.projectId;
  const snapshot = await applyDeclared(client, projectId, id, olds, news);
  // Also when unchanged: a restore that failed half-way, or one undone outside Pulumi, is redone.
  if (news.restoreDefaultBranch) await restoreDefaultBranch(client, projectId, id, "restoreDefaultBranch");
  const outs = snapshotOutputs(snapshot, projectId, news);
  // Once adopted, always released on delete, even if adoptId was since removed from the program.
  if (olds.adoptId !== undefined) outs.adoptId = olds.adoptId;
  return { outs: plainOutputs(outs) };
}

export async function del(id: string, props: Record<string, unknown>) {
  if (props.adoptId !== undefined) {
    // Adopted snapshots are released, never deleted: they existed before this stack.
    console.log(`Neon snapshot ${id} was adopted; releasing it from the stack without deleting it.`);
    return;
  }
  const client = neonClientForCall();
  try {
    await client.snapshots.delete(String(props.projectId), id); // 202, then waits for its operations
  } catch (err) {
    if (!(err instanceof NeonNotFoundError)) throw err; // already gone (or expired): done
  }
}

async function sourceBranch(client: NeonClient, projectId: string, declaredBranchId: string | undefined): Promise<Branch> {
  if (declaredBranchId === undefined) return knownDefaultBranch(client, projectId);
  return (await client.branches.get(projectId, declaredBranchId)).branch;
}

/**
 * After an update that was taking the snapshot was interrupted (the state keeps a pending create):
 * the snapshot it took, taken on as ours with the outputs of a create (its default-branch restore
 * done too); undefined when Neon has none (or the create was an adoption, which made nothing).
 */
export async function recoverCreate(client: NeonClient, inputs: SnapshotInputs, outcome: UnknownOutcome) {
  if (inputs.adoptId) return undefined;
  const branch = await sourceBranch(client, inputs.projectId, inputs.branchId);
  return recovered(outcome, () => reconcileCreate(client, inputs, branch, outcome));
}

/**
 * The create's outcome is unknown: Neon may have taken the snapshot. A snapshot of the branch with
 * the declared name (or, unnamed, any snapshot of the branch taken since the request or the
 * interrupted update began) is claimed under the ownership rule, and the operations taking it are
 * awaited before it is ours.
 */
async function reconcileCreate(client: NeonClient, inputs: SnapshotInputs, branch: Branch, outcome: UnknownOutcome) {
  const { snapshots } = await client.snapshots.list(inputs.projectId);
  const neonStart = outcome.since();
  const ofBranch = snapshots.filter((s) => s.source_branch_id === branch.id && s.manual !== false);
  const candidates = (inputs.name !== undefined ? ofBranch.filter((s) => s.name === inputs.name) : ofBranch.filter((s) => neonStart === undefined || Date.parse(s.created_at) > neonStart - 1000)).map((s) => ({
    id: s.id,
    createdAt: s.created_at,
  }));
  const claim = claimUnder(outcome, "snapshot", inputs.name ?? `(unnamed) of branch ${branch.id}`, candidates);
  const ours = claimedIdOrThrow(claim, outcome.cause, `project ${inputs.projectId}`);
  const found = snapshots.find((s) => s.id === ours)!;
  try {
    await waitForObjectOperations(client, inputs.projectId, (op) => op.branch_id === branch.id && (neonStart === undefined || Date.parse(op.created_at ?? "") > neonStart - 1000));
    if (inputs.restoreDefaultBranch) await restoreDefaultBranch(client, inputs.projectId, found.id, "restoreDefaultBranch");
  } catch (cause) {
    throw new ResourceInitFailure("Neon snapshot", found.id, { ...snapshotOutputs(found, inputs.projectId, inputs), restoreDefaultBranch: false }, cause);
  }
  return { id: found.id, outs: plainOutputs(snapshotOutputs(found, inputs.projectId, inputs)) };
}

/** Neon has no GET for one snapshot: the project's list is the only way to read it. */
async function findSnapshot(client: NeonClient, projectId: string, snapshotId: string): Promise<Snapshot | undefined> {
  const { snapshots } = await client.snapshots.list(projectId);
  return snapshots.find((s) => s.id === snapshotId);
}

/** PATCHes the declared name and expiry where they differ from `current`; returns the snapshot as Neon has it. */
async function applyDeclared(
  client: NeonClient,
  projectId: string,
  snapshotId: string,
  current: Record<string, unknown>,
  news: SnapshotInputs,
): Promise<Snapshot> {
  const body: SnapshotPatch | undefined = snapshotUpdateBody(current, news);
  if (body) {
    return (await client.snapshots.update(projectId, snapshotId, body)).snapshot;
  }
  const found = await findSnapshot(client, projectId, snapshotId);
  if (!found) throw new Error(`Neon snapshot ${snapshotId} no longer exists in project ${projectId} (deleted or expired); run \`pulumi refresh\``);
  return found;
}

/** Takes over an existing snapshot: verifies where it was taken, then applies the declared name and expiry. */
async function adopt(client: NeonClient, snapshotId: string, inputs: SnapshotInputs) {
  const existing = await findSnapshot(client, inputs.projectId, snapshotId);
  if (!existing) throw new Error(`adoptId: snapshot ${snapshotId} does not exist in project ${inputs.projectId}`);
  const problems = adoptionMismatches(existing, inputs);
  if (problems.length > 0) throw new Error(`cannot adopt snapshot ${snapshotId}: ${problems.join("; ")}`);
  const before = snapshotOutputs(existing, inputs.projectId, undefined);
  let snapshot: Snapshot;
  try {
    snapshot = await applyDeclared(client, inputs.projectId, snapshotId, before, inputs);
  } catch (err) {
    throw new ResourceInitFailure("Neon snapshot", snapshotId, { ...before, adoptId: snapshotId }, err, "adopt");
  }
  return { id: snapshotId, outs: plainOutputs(snapshotOutputs(snapshot, inputs.projectId, inputs)) };
}
