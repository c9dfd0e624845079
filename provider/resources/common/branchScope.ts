/**
 * Which branch a branch-scoped resource (Neon Auth, Data API, snapshots) lives on. Leaving
 * `branchId` unset means "the project's default branch, whichever branch that is now": restoring
 * the default branch from a snapshot (`finalize_restore`) gives it a new id but moves the computes,
 * Neon Auth and the Data API onto it, so such resources must look the branch up at every call
 * instead of storing its id. Pulumi ids use `default` in place of the branch id for the same
 * reason: they stay the same across restores.
 */
import type { NeonClient } from "../../client/neonClient";
import type { Branch } from "../../client/schemas/branches";

/** Stands for the project's default branch in Pulumi ids. */
export const defaultBranchKey = "default";

/** The project's current default branch (NeonNotFoundError when the project is gone). */
export async function currentDefaultBranch(client: NeonClient, projectId: string): Promise<Branch> {
  const { branches } = await client.branches.list(projectId);
  const found = branches.find((b) => b.default);
  if (!found) throw new Error(`project ${projectId} has no default branch`);
  return found;
}

/** The declared branch, or the project's current default branch when none was declared. */
export async function resolveBranchId(client: NeonClient, projectId: string, declaredBranchId: string | undefined): Promise<string> {
  return declaredBranchId ?? (await currentDefaultBranch(client, projectId)).id;
}

/** `<projectId>/<branchId or "default">[/<database>]`: readable, and stable across default-branch restores. */
export function branchScopedId(projectId: string, declaredBranchId: string | undefined, database?: string): string {
  const parts = [projectId, declaredBranchId ?? defaultBranchKey];
  if (database !== undefined) parts.push(database);
  return parts.join("/");
}

export interface BranchScope {
  projectId: string;
  /** Undefined: the project's default branch. */
  branchId: string | undefined;
  database: string | undefined;
}

/**
 * The scope a resource was created in, from its stored outputs, falling back to its id. Only a
 * `branchId` the user declared pins the branch; the one in outputs is informational (live).
 */
export function branchScopeOf(id: string, props: Record<string, unknown>, declared: readonly string[]): BranchScope {
  const [idProject, idBranch, ...idDatabase] = id.split("/");
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const branchDeclared = declared.includes("branchId") ? str(props.branchId) : undefined;
  return {
    projectId: str(props.projectId) ?? idProject,
    branchId: branchDeclared ?? (idBranch !== undefined && idBranch !== defaultBranchKey ? idBranch : undefined),
    database: str(props.databaseName) ?? (idDatabase.length > 0 ? idDatabase.join("/") : undefined),
  };
}

/**
 * Whether the program now asks for another branch than the one the resource was created on: the
 * Pulumi id records it (`default`, or a branch id), the outputs the live branch. Going from a
 * declared `branchId` to none (the default branch) is another integration on another branch: a
 * replacement, never an update that would silently change the default branch's object. Declaring
 * the id of the branch the resource already lives on is no change.
 */
export function branchScopeChanged(id: string, news: Record<string, unknown>, olds: Record<string, unknown>): boolean {
  const recorded = id.split("/")[1];
  if (recorded === undefined) return false;
  const wanted = news.branchId;
  if (typeof wanted === "string") return wanted !== recorded && wanted !== olds.branchId; // the unknown placeholder differs from both
  return recorded !== defaultBranchKey;
}

/** A diff outcome with a change of branch scope (see `branchScopeChanged`) added as a replacement. */
export function withBranchScope<T extends { changes: boolean; replaces: string[]; changed: string[] }>(
  id: string,
  outcome: T,
  news: Record<string, unknown>,
  olds: Record<string, unknown>,
): T {
  if (!branchScopeChanged(id, news, olds) || outcome.replaces.includes("branchId")) return outcome;
  return {
    ...outcome,
    changes: true,
    replaces: [...outcome.replaces, "branchId"],
    changed: outcome.changed.includes("branchId") ? outcome.changed : [...outcome.changed, "branchId"],
  };
}
