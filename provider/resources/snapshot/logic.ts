/**
 * Snapshot's policy, as pure functions tested without Pulumi or the network: the create query and
 * PATCH body from inputs, the diff and its replace keys, outputs from Neon's snapshot, and the
 * lookups used after an ambiguous create and for adoption.
 */
import type { SnapshotCreateQuery, SnapshotUpdateRequest } from "../../client/requests";
import { definedFields, sendsAnything } from "../common/requestBody";
import type { Branch } from "../../client/schemas/branches";
import type { Snapshot } from "../../client/schemas/snapshots";
import { declaredKey, declaredNames, echoDeclared, recordedDeclaredNames } from "../common/declared";
import { diffDeclared, type DiffField, type DiffOutcome } from "../common/diff";
import type { SnapshotInputs } from "./args";

/** Every output the resource class exposes. */
export const snapshotOutputNames = [
  "projectId", "branchId", "name", "expiresAt", "lsn", "timestamp", "restoreDefaultBranch", "adoptId",
  "snapshotId", "createdAt", "sourceBranchId",
] as const;

/**
 * Instants to the second: Neon keeps snapshot times at second precision, so a declared
 * `…:00.250Z` must equal the `…:00Z` it reads back (otherwise every refresh would plan a change).
 */
export function instantToSecond(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** LSNs are hexadecimal: `0/1a2b` and `0/1A2B` are the same position. */
export function canonicalLsn(value: unknown): unknown {
  return typeof value === "string" ? value.toUpperCase() : value;
}

export const snapshotDiffFields: readonly DiffField[] = [
  { name: "projectId", replaces: true },
  { name: "branchId", replaces: true },
  { name: "name" },
  { name: "expiresAt", normalize: instantToSecond },
  { name: "lsn", replaces: true, normalize: canonicalLsn },
  { name: "timestamp", replaces: true, normalize: instantToSecond },
  { name: "restoreDefaultBranch" },
  // adoptId is read at create only: changing it later changes nothing.
];

export function snapshotDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  return diffDeclared(olds, news, snapshotDiffFields);
}

/** Neon takes snapshot parameters as query parameters, not a body; only declared ones are sent. */
export function snapshotCreateQuery(inputs: SnapshotInputs): SnapshotCreateQuery {
  return definedFields<SnapshotCreateQuery>({ name: inputs.name, lsn: inputs.lsn, timestamp: inputs.timestamp, expires_at: inputs.expiresAt });
}

/** What can change in place (the client's request type). */
export type SnapshotPatch = SnapshotUpdateRequest;

/**
 * The PATCH body for declared fields that differ from `current` (the snapshot as Neon has it, in
 * output form), or undefined when nothing needs changing.
 */
export function snapshotUpdateBody(current: Record<string, unknown>, news: SnapshotInputs): SnapshotPatch | undefined {
  const snapshot = definedFields<SnapshotPatch["snapshot"]>({
    name: news.name !== current.name ? news.name : undefined,
    expires_at: news.expiresAt !== undefined && instantToSecond(news.expiresAt) !== instantToSecond(current.expiresAt) ? news.expiresAt : undefined,
  });
  return sendsAnything(snapshot) ? { snapshot } : undefined;
}

/** Refuses a branch Neon cannot snapshot, before asking Neon (whose answer would be a bare 400). */
export function assertSnapshottable(branch: Pick<Branch, "id" | "name" | "parent_id">, declared: boolean): void {
  if (!branch.parent_id) return;
  const which = declared ? `branchId: branch ${branch.id}` : `the project's default branch ${branch.id}`;
  throw new Error(
    `${which} ("${branch.name}") is a child of ${branch.parent_id}; Neon can only snapshot root branches ` +
      `(a project's default branch or a schema-only branch). Snapshot its root branch instead.`,
  );
}

/**
 * Outputs: Neon's values for every input field (overlaid with the declared inputs, so a second `up`
 * compares equal), plus the snapshot's own values. `restoreDefaultBranch` is live when the caller
 * looked (whether the default branch is restored from this snapshot), else false. `branchId` is the branch the snapshot was taken
 * of; after the default branch is restored it names the superseded branch, which is why it is only
 * compared when the user declared it.
 */
export function snapshotOutputs(
  snapshot: Snapshot,
  projectId: string,
  declared: Record<string, unknown> | undefined,
  defaultBranchRestoredFromIt = false,
): Record<string, unknown> {
  const live: Record<string, unknown> = {
    projectId,
    branchId: snapshot.source_branch_id,
    name: snapshot.name,
    expiresAt: snapshot.expires_at,
    lsn: snapshot.lsn,
    timestamp: snapshot.timestamp,
    restoreDefaultBranch: defaultBranchRestoredFromIt,
  };
  const out = echoDeclared(live, declared);
  if (declared?.adoptId !== undefined) out.adoptId = declared.adoptId;
  Object.assign(out, {
    snapshotId: snapshot.id,
    createdAt: snapshot.created_at,
    sourceBranchId: snapshot.source_branch_id,
  });
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}

/**
 * The declared values of fields Neon can never change once the snapshot exists (`lsn`, `timestamp`):
 * `read` keeps them instead of Neon's rendering of the same position, so a refresh cannot turn a
 * formatting difference into a replacement.
 */
export function immutableDeclared(props: Record<string, unknown>): Record<string, unknown> {
  const declared = recordedDeclaredNames(props);
  const out: Record<string, unknown> = {};
  for (const name of ["lsn", "timestamp"]) if (declared.includes(name) && props[name] !== undefined) out[name] = props[name];
  return out;
}

/** Declared fields an adopted snapshot cannot be made to match (it was taken where it was taken). */
export function adoptionMismatches(snapshot: Snapshot, inputs: SnapshotInputs): string[] {
  const problems: string[] = [];
  if (inputs.branchId !== undefined && snapshot.source_branch_id !== undefined && inputs.branchId !== snapshot.source_branch_id) {
    problems.push(`branchId: snapshot ${snapshot.id} was taken of branch ${snapshot.source_branch_id}, not ${inputs.branchId}`);
  }
  if (inputs.lsn !== undefined && canonicalLsn(inputs.lsn) !== canonicalLsn(snapshot.lsn)) {
    problems.push(`lsn: snapshot ${snapshot.id} was taken at LSN ${snapshot.lsn ?? "(unknown)"}, not ${inputs.lsn}`);
  }
  if (inputs.timestamp !== undefined && instantToSecond(inputs.timestamp) !== instantToSecond(snapshot.timestamp)) {
    problems.push(`timestamp: snapshot ${snapshot.id} was taken at ${snapshot.timestamp ?? "(unknown)"}, not ${inputs.timestamp}`);
  }
  return problems;
}
