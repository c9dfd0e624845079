/**
 * Branch's policy, as pure functions tested without Pulumi or the network: request bodies from
 * inputs, the diff and its replace keys, the combinations `check` refuses, the expiry rules (a TTL
 * becomes an expiry once), outputs from Neon's branch, and what to tell the user when Neon refuses
 * a delete.
 */
import type { BranchCreateRequest, BranchUpdateRequest, SnapshotRestoreRequest } from "../../client/requests";
import { definedFields, sendsAnything } from "../common/requestBody";
import type { Branch } from "../../client/schemas/branches";
import type { CheckFailure } from "../common/check";
import { declaredKey, declaredNames, echoDeclared, recordedDeclaredNames } from "../common/declared";
import { diffDeclared, normalize, type DiffField, type DiffOutcome } from "../common/diff";
import { isUnknown } from "../common/unknown";
import type { BranchInputs } from "./args";

/** Every output the resource class exposes. */
export const branchOutputNames = [
  "projectId", "parentId", "parentLsn", "parentTimestamp", "restoreFromSnapshotId", "initSource",
  "name", "protected", "expiresAt", "ttlSeconds",
  "branchId", "defaultBranch", "currentState", "createdAt", "restoredFrom",
] as const;

/**
 * How the branch was made. Neon cannot change these in place; and when Neon itself moves a branch
 * (a restore of its parent re-parents children), that is no reason to destroy its data, so `read`
 * keeps the declared values of these fields instead of reporting drift.
 */
export const branchCreationFields = ["projectId", "parentId", "parentLsn", "parentTimestamp", "restoreFromSnapshotId", "initSource"] as const;

/** An instant at Neon's precision for expiries (whole seconds), as RFC 3339 UTC. */
export function toRfc3339Seconds(value: string | number): string {
  const ms = typeof value === "number" ? value : Date.parse(value);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const expiryNormalize = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? toRfc3339Seconds(v) : v);
const lsnNormalize = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : v);

export const branchDiffFields: readonly DiffField[] = [
  { name: "projectId", replaces: true },
  { name: "parentId", replaces: true },
  { name: "parentLsn", replaces: true, normalize: lsnNormalize },
  { name: "parentTimestamp", replaces: true, normalize: normalize.timestamp },
  { name: "restoreFromSnapshotId", replaces: true },
  { name: "initSource", replaces: true },
  { name: "name" },
  { name: "protected" },
  { name: "expiresAt", normalize: expiryNormalize },
  // Compared as the declared number: the expiry it produced is fixed at create and does not move.
  { name: "ttlSeconds" },
  // adoptId is read at create only: changing it later changes nothing.
];

export function branchDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  const outcome = diffDeclared(olds, news, branchDiffFields);
  // Branch names are unique in a project: the new branch cannot be created while the old one
  // still holds the name, so a replacement deletes first.
  return outcome.replaces.length > 0 ? { ...outcome, deleteBeforeReplace: true } : outcome;
}

/** Combinations Neon would refuse or that cannot mean anything; values not known yet are let through. */
export function branchInputFailures(news: Record<string, unknown>): CheckFailure[] {
  const set = (k: string) => news[k] !== undefined && news[k] !== null && !isUnknown(news[k]);
  const failures: CheckFailure[] = [];
  if (set("parentLsn") && set("parentTimestamp")) {
    failures.push({ property: "parentTimestamp", reason: "cannot be combined with parentLsn: give one point in time" });
  }
  if (set("expiresAt") && set("ttlSeconds")) {
    failures.push({ property: "ttlSeconds", reason: "cannot be combined with expiresAt: give either an expiry or a lifetime" });
  }
  if (set("restoreFromSnapshotId")) {
    for (const k of ["parentId", "parentLsn", "parentTimestamp", "initSource"]) {
      if (set(k)) failures.push({ property: k, reason: "cannot be combined with restoreFromSnapshotId: a restored branch's data comes from the snapshot" });
    }
  }
  if (set("adoptId")) {
    for (const k of ["parentId", "parentLsn", "parentTimestamp", "initSource", "restoreFromSnapshotId"]) {
      if (set(k)) failures.push({ property: k, reason: "cannot be combined with adoptId: an adopted branch already exists, so how it was created cannot be chosen" });
    }
  }
  return failures;
}

/**
 * The expiry to ask Neon for: `expiresAt` (to the second), or now + `ttlSeconds`; `null` to remove
 * it; undefined when neither is declared.
 */
export function intendedExpiry(inputs: Pick<BranchInputs, "expiresAt" | "ttlSeconds">, nowMs: number): string | null | undefined {
  if (inputs.expiresAt === null) return null;
  if (inputs.expiresAt !== undefined) return toRfc3339Seconds(inputs.expiresAt);
  if (inputs.ttlSeconds !== undefined) return toRfc3339Seconds(nowMs + inputs.ttlSeconds * 1000);
  return undefined;
}

export function branchCreateBody(inputs: BranchInputs, nowMs: number): BranchCreateRequest {
  const expiry = intendedExpiry(inputs, nowMs);
  return {
    branch: definedFields({
      parent_id: inputs.parentId,
      name: inputs.name,
      parent_lsn: inputs.parentLsn,
      parent_timestamp: inputs.parentTimestamp,
      protected: inputs.protected,
      init_source: inputs.initSource,
      expires_at: expiry ?? undefined,
    }),
  };
}

/** A restore to a new branch: never finalized, so no other branch (or compute) is touched. */
/**
 * Restoring a snapshot to a new branch (never finalized: the project's branches stay as they are).
 * Neon's default target is the branch the snapshot was taken of, which no longer exists once the
 * default branch has itself been restored (rolled back to a checkpoint); the project's current
 * default branch, which took its place, is named instead.
 */
export function branchRestoreBody(inputs: BranchInputs, currentDefaultBranchId: string): SnapshotRestoreRequest {
  return definedFields<SnapshotRestoreRequest>({ name: inputs.name, finalize_restore: false, target_branch_id: currentDefaultBranchId });
}

/**
 * The PATCH body for what changed among the declared updatable inputs, or undefined when nothing
 * needs patching. `olds` are the stored outputs. A TTL becomes a new expiry only when its value
 * changed (or was not in use before): an unchanged TTL never moves the expiry.
 */
export function branchUpdateBody(olds: Record<string, unknown>, news: BranchInputs, nowMs: number): BranchUpdateRequest | undefined {
  const branch = definedFields<BranchUpdateRequest["branch"]>({
    name: news.name !== olds.name ? news.name : undefined,
    protected: news.protected !== olds.protected ? news.protected : undefined,
    expires_at: expiryChange(olds, news, nowMs),
  });
  return sendsAnything(branch) ? { branch } : undefined;
}

/** The new `expires_at` (null: none), or undefined when the expiry stays as it is. */
function expiryChange(olds: Record<string, unknown>, news: BranchInputs, nowMs: number): string | null | undefined {
  if (news.expiresAt !== undefined) {
    const next = news.expiresAt === null ? null : toRfc3339Seconds(news.expiresAt);
    const prev = typeof olds.expiresAt === "string" ? toRfc3339Seconds(olds.expiresAt) : null;
    return next !== prev ? next : undefined;
  }
  if (news.ttlSeconds !== undefined && news.ttlSeconds !== olds.ttlSeconds) return toRfc3339Seconds(nowMs + news.ttlSeconds * 1000);
  return undefined;
}

/**
 * Outputs: live values for every input field (overlaid with the declared inputs after a create or
 * update, so a second `up` compares equal), plus computed values. `expiresAt` is `null` when the
 * branch does not expire, so a declared "no expiry" compares equal and a removed one is seen.
 */
export function branchOutputs(b: Branch, declared: Record<string, unknown> | undefined): Record<string, unknown> {
  const live: Record<string, unknown> = {
    projectId: b.project_id,
    parentId: b.parent_id,
    parentLsn: b.parent_lsn,
    parentTimestamp: b.parent_timestamp,
    restoreFromSnapshotId: b.restored_from,
    initSource: b.init_source,
    name: b.name,
    protected: b.protected,
    expiresAt: b.expires_at ?? null,
  };
  const out = echoDeclared(live, declared);
  if (declared?.ttlSeconds !== undefined) out.ttlSeconds = declared.ttlSeconds;
  if (declared?.adoptId !== undefined) out.adoptId = declared.adoptId;
  Object.assign(out, {
    branchId: b.id,
    defaultBranch: b.default,
    currentState: b.current_state,
    createdAt: b.created_at,
    restoredFrom: b.restored_from,
  });
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}

/**
 * What `read` reports: the live branch, except that declared creation-time fields keep their
 * declared values (see `branchCreationFields`), and the TTL and adopt markers (which Neon does not
 * know about) are carried over.
 */
export function branchReadOutputs(b: Branch, oldOutputs: Record<string, unknown>): Record<string, unknown> {
  const out = branchOutputs(b, undefined);
  const declared = recordedDeclaredNames(oldOutputs);
  for (const f of branchCreationFields) {
    if (declared.includes(f) && oldOutputs[f] !== undefined) out[f] = oldOutputs[f];
  }
  if (oldOutputs.ttlSeconds !== undefined) out.ttlSeconds = oldOutputs.ttlSeconds;
  if (oldOutputs.adoptId !== undefined) out.adoptId = oldOutputs.adoptId;
  if (oldOutputs[declaredKey] !== undefined) out[declaredKey] = oldOutputs[declaredKey];
  return out;
}

/**
 * Why Neon refused to delete a branch, and what to do about it: every obstacle found, or Neon's
 * own message when none of the known ones applies.
 */
export function branchDeleteRefusal(b: Branch, children: readonly Pick<Branch, "id">[], neonMessage: string): string {
  const label = `branch ${b.id} ("${b.name}")`;
  const reasons: string[] = [];
  if (b.default) {
    reasons.push(
      "it is the project's default branch, which Neon never deletes: make another branch the default first, " +
        "or manage the default branch with `adoptId` (an adopted branch is released, not deleted)",
    );
  }
  if (children.length > 0) {
    const ids = children.map((c) => c.id).join(", ");
    reasons.push(`it has child branches: delete child branches ${ids} first (in one stack, give them \`parentId\` from this branch so Pulumi deletes them first)`);
  }
  if (b.protected) reasons.push("it is protected: unprotect it first (set `protected: false` and run `pulumi up`), then delete it");
  if (reasons.length === 0) return `Neon refused to delete ${label}: ${neonMessage}`;
  return `Neon refused to delete ${label}: ${reasons.join("; and ")}.`;
}

/**
 * Why a create stops when Neon already has a branch of that name (its 409), and the way out. Neon
 * keeps names unique in a project, so a second one is never made. Whether it looks like this
 * resource's own create, left by an interrupted update, is judged by what can be compared: the
 * parent it was made from (`expectedParentId`: the declared one, or the default branch; undefined
 * when the branch comes from a snapshot, which names no parent). Interrupted creates are recovered
 * by the runner (its next `up` records the branch as the stack's); anything else is adopted
 * deliberately or avoided with another name.
 */
export function branchNameTakenMessage(existing: Branch, projectId: string, expectedParentId: string | undefined): string {
  const likeness =
    expectedParentId === undefined
      ? ""
      : existing.parent_id === expectedParentId
        ? ` It was made from the parent this resource declares (${expectedParentId}), as this resource's own create would be.`
        : ` It was made from ${existing.parent_id ?? "no parent"}, not from the parent this resource declares (${expectedParentId}): it is not this resource's create.`;
  return (
    `project ${projectId} already has a branch named "${existing.name}": ${existing.id} (created ${existing.created_at}), and Neon keeps branch names unique.${likeness} ` +
    `If an update of this stack was interrupted while creating it (its state then lists a pending create for this resource), run ` +
    `\`npx neon-pulumi-dynamic up --stack <stack>\`: the runner records it as this stack's and goes on. ` +
    `Otherwise adopt it with \`adoptId: "${existing.id}"\`, or give this branch another name.`
  );
}
