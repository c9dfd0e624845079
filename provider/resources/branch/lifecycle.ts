/**
 * Branch's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts): it may hold zod schemas and use the client freely. The methods stay thin; the
 * decisions are in logic.ts.
 */
import {
  NeonAmbiguousWriteError,
  NeonApiError,
  NeonBadRequestError,
  NeonConflictError,
  NeonNotFoundError,
  NeonPreconditionFailedError,
  NeonUnprocessableEntityError,
} from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { Branch } from "../../client/schemas/branches";
import type { Operation } from "../../client/schemas/common";
import { currentDefaultBranch } from "../common/branchScope";
import { retireSupersededParent } from "../common/defaultBranchRestore";
import { claimUnder, claimedIdOrThrow, lostAnswer, recovered, waitForObjectOperations, type UnknownOutcome } from "../common/ownership";
import { checkInputs } from "../common/check";
import { liveInputs } from "../common/declared";
import { settledState } from "../common/settledState";
import { ResourceInitFailure } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { branchInputsSchema, type BranchInputs } from "./args";
import {
  branchCreateBody,
  branchDeleteRefusal,
  branchNameTakenMessage,
  branchDiff,
  branchInputFailures,
  branchOutputs,
  branchReadOutputs,
  branchRestoreBody,
  branchUpdateBody,
} from "./logic";

export { configure } from "../common/providerConfig";

const what = "Neon branch";

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkInputs(branchInputsSchema(), news);
  // A field that is itself invalid is reported once, for what is wrong with it.
  const combined = branchInputFailures(news).filter((f) => !result.failures.some((g) => g.property === f.property));
  return { inputs: result.inputs, failures: [...result.failures, ...combined] };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = branchDiff(olds, news);
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: outcome.deleteBeforeReplace ?? false };
}

export async function create(inputs: BranchInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  if (inputs.adoptId) return adopt(client, inputs, inputs.adoptId);

  const startedAt = client.now();
  let branch: Branch;
  let operations: Operation[];
  // The snapshot restore takes only a name: protection and expiry follow in a PATCH.
  const fromSnapshot = inputs.restoreFromSnapshotId !== undefined;
  try {
    const created = fromSnapshot
      ? await client.snapshots.restore(
          inputs.projectId,
          inputs.restoreFromSnapshotId!,
          branchRestoreBody(inputs, (await currentDefaultBranch(client, inputs.projectId)).id),
          { waitForOperations: false },
        )
      : await client.branches.create(inputs.projectId, branchCreateBody(inputs, Date.now()), { waitForOperations: false });
    ({ branch, operations } = created);
  } catch (err) {
    if (err instanceof NeonConflictError && inputs.name !== undefined) throw await explainNameTaken(client, inputs, err);
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    return reconcileCreate(client, inputs, lostAnswer(client, startedAt, err), { expiryApplied: !fromSnapshot });
  }

  // From here on the branch exists: any failure must hand Pulumi its id.
  try {
    await client.waitForOperations(operations);
    // Its operations have ended: it is in the state Neon said it was moving to.
    branch = await finish(client, inputs, settledState(branch), { expiryApplied: !fromSnapshot });
  } catch (err) {
    throw new ResourceInitFailure(what, branch.id, branchOutputs(branch, undefined), err);
  }
  return { id: branch.id, outs: plainOutputs(branchOutputs(branch, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  let branch: Branch;
  try {
    ({ branch } = await client.branches.get(String(props.projectId), id));
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // deleted outside Pulumi (or expired): gone from state
    throw err;
  }
  const outs = branchReadOutputs(branch, props);
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, outs)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: BranchInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const projectId = String(olds.projectId ?? news.projectId);
  const body = branchUpdateBody(olds, news, Date.now());
  const { branch } = body ? await client.branches.update(projectId, id, body) : await client.branches.get(projectId, id);
  return { outs: plainOutputs(withAdoption(branchOutputs(branch, news), olds)) };
}

export async function del(id: string, props: Record<string, unknown>) {
  if (props.adoptId !== undefined) {
    // Adopted branches (such as a project's default branch) existed before this stack: released, never deleted.
    console.log(`Neon branch ${id} was adopted; releasing it from the stack without deleting it.`);
    return;
  }
  const client = neonClientForCall();
  const projectId = String(props.projectId);
  try {
    await client.branches.delete(projectId, id);
  } catch (err) {
    if (err instanceof NeonNotFoundError) return; // the project (and the branch with it) is gone
    if (isRefusal(err)) throw await explainRefusal(client, projectId, id, err);
    throw err;
  }
  // The last branch made from a branch an active-branch restore superseded lets it go too.
  if (typeof props.parentId === "string") await retireSupersededParent(client, projectId, props.parentId);
}

/**
 * Brings a branch that exists (just created, restored, adopted or found again) to the declared
 * name, protection and expiry with at most one PATCH, then reads it back in its settled state.
 * `expiryApplied`: the create request already carried the expiry a TTL stands for.
 */
async function finish(client: NeonClient, inputs: BranchInputs, branch: Branch, how: { expiryApplied: boolean }): Promise<Branch> {
  const live = { ...branchOutputs(branch, undefined), ...(how.expiryApplied ? { ttlSeconds: inputs.ttlSeconds } : {}) };
  const body = branchUpdateBody(live, inputs, Date.now());
  // The PATCH's operations have been waited for: the branch is in the state Neon said it was moving to.
  return body ? settledState((await client.branches.update(inputs.projectId, branch.id, body)).branch) : branch;
}

/** Takes over an existing branch and applies the declared name, protection and expiry to it. */
async function adopt(client: NeonClient, inputs: BranchInputs, branchId: string) {
  let branch: Branch;
  try {
    ({ branch } = await client.branches.get(inputs.projectId, branchId));
  } catch (err) {
    if (err instanceof NeonNotFoundError) throw new Error(`adoptId: branch ${branchId} does not exist in project ${inputs.projectId}`, { cause: err });
    throw err;
  }
  try {
    branch = await finish(client, inputs, branch, { expiryApplied: false });
  } catch (err) {
    // Recorded as adopted even so, so that deleting the resource can never delete the branch.
    throw new ResourceInitFailure(what, branch.id, { ...branchOutputs(branch, undefined), adoptId: branchId }, err, "adopt");
  }
  return { id: branch.id, outs: plainOutputs(branchOutputs(branch, inputs)) };
}

/**
 * After an update that was creating the branch was interrupted (the state keeps a pending create):
 * the branch it made, taken on as ours with the outputs of a create; undefined when Neon has none
 * (or the create was an adoption, which made nothing).
 */
export async function recoverCreate(client: NeonClient, inputs: BranchInputs, outcome: UnknownOutcome) {
  if (inputs.adoptId) return undefined;
  return recovered(outcome, () => reconcileCreate(client, inputs, outcome, { expiryApplied: inputs.restoreFromSnapshotId === undefined }));
}

/**
 * The create's outcome is unknown: Neon may have created the branch. Names are unique in a project,
 * so a branch with the requested name made since the call (or the interrupted update) began is
 * ours; without a name there is no safe way to tell, and creating again could leave a duplicate.
 */
async function reconcileCreate(client: NeonClient, inputs: BranchInputs, outcome: UnknownOutcome, how: { expiryApplied: boolean }) {
  const err = outcome.cause;
  if (!inputs.name) {
    throw new Error(
      `Creating a branch in project ${inputs.projectId} may or may not have succeeded (${err.message}). ` +
        "Without a `name` the branch cannot be found again safely, so it was not created again: look for a new branch in the project " +
        "and adopt it (`adoptId`) or delete it, then run `pulumi up` again. Set `name` on branches so this is reconciled automatically.",
      { cause: err },
    );
  }
  const { branches } = await client.branches.list(inputs.projectId, { search: inputs.name });
  const candidates = branches.filter((b) => b.name === inputs.name).map((b) => ({ id: b.id, createdAt: b.created_at }));
  const ours = claimedIdOrThrow(claimUnder(outcome, "branch", inputs.name, candidates), err, `project ${inputs.projectId}`);
  let branch = branches.find((b) => b.id === ours)!;
  try {
    await waitForObjectOperations(client, inputs.projectId, (op) => op.branch_id === branch.id);
    branch = await finish(client, inputs, settledState(branch), how);
  } catch (cause) {
    throw new ResourceInitFailure(what, branch.id, branchOutputs(branch, undefined), cause);
  }
  // Found after an ambiguous create, the branch is ours: deleted with the stack, not released.
  return { id: branch.id, outs: plainOutputs(branchOutputs(branch, inputs)) };
}

/** Neon refused the create for a name taken: name the branch that has it and the way out. */
async function explainNameTaken(client: NeonClient, inputs: BranchInputs, err: NeonConflictError): Promise<Error> {
  try {
    const { branches } = await client.branches.list(inputs.projectId, { search: inputs.name });
    const existing = branches.find((b) => b.name === inputs.name);
    if (!existing) return err;
    const expectedParent = inputs.restoreFromSnapshotId !== undefined ? undefined : inputs.parentId ?? (await currentDefaultBranch(client, inputs.projectId)).id;
    return new Error(branchNameTakenMessage(existing, inputs.projectId, expectedParent), { cause: err });
  } catch {
    return err;
  }
}

/** The statuses with which Neon refuses to delete a branch (protected, default, has children, …). */
function isRefusal(err: unknown): err is NeonApiError {
  return (
    err instanceof NeonBadRequestError || err instanceof NeonConflictError || err instanceof NeonPreconditionFailedError || err instanceof NeonUnprocessableEntityError
  );
}

/** Neon refused a delete: say which rule stopped it and what to do, from the branch's live state. */
async function explainRefusal(client: NeonClient, projectId: string, id: string, err: NeonApiError): Promise<Error> {
  try {
    const [{ branch }, { branches }] = await Promise.all([client.branches.get(projectId, id), client.branches.list(projectId)]);
    const children = branches.filter((b) => b.parent_id === id);
    return new Error(branchDeleteRefusal(branch, children, err.neonMessage || err.message), { cause: err });
  } catch {
    return err;
  }
}

/** Once adopted, always released: dropping `adoptId` from the program must not make a delete destroy the branch. */
function withAdoption(outs: Record<string, unknown>, olds: Record<string, unknown>): Record<string, unknown> {
  return outs.adoptId === undefined && olds.adoptId !== undefined ? { ...outs, adoptId: olds.adoptId } : outs;
}
