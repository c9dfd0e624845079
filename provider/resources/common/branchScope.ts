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

/**
 * The project's current default branch, as Neon says now (NeonNotFoundError when the project is
 * gone). Lookups of one project that overlap share one listing: a refresh reads a tenant's
 * project, Neon Auth and Data API side by side, and each asks which branch is the default; the
 * answer they share is as fresh as each would have had, having been asked while each was waiting.
 */
export function currentDefaultBranch(client: NeonClient, projectId: string): Promise<Branch> {
  const key = memoKey(client, projectId);
  const inFlight = defaultBranchLookups.get(key);
  if (inFlight !== undefined) return inFlight;
  const lookup: Promise<Branch> = client.branches.list(projectId).then(({ branches }) => {
    const found = branches.find((b) => b.default);
    if (!found) throw new Error(`project ${projectId} has no default branch`);
    // Not if a change of the default branch began meanwhile (forgetDefaultBranch): the answer may
    // be the branch it replaced.
    if (defaultBranchLookups.get(key) === lookup) rememberDefaultBranch(client, projectId, found);
    return found;
  }).finally(() => {
    if (defaultBranchLookups.get(key) === lookup) defaultBranchLookups.delete(key);
  });
  defaultBranchLookups.set(key, lookup);
  return lookup;
}

/** Default-branch listings under way, per API and project (see currentDefaultBranch). */
const defaultBranchLookups = new Map<string, Promise<Branch>>();

/**
 * How long creates and reads trust the default branch Neon last reported. A tenant's first `up` creates Neon
 * Auth, the Data API, a checkpoint and the default compute's adoption right after the project, and
 * each would otherwise ask which branch is the default (one call each) just after the project's own
 * creation said so. The default branch changes only by a restore: this process's own restores
 * update the memo (they read the branch back), and one made elsewhere during the `up` is as
 * unlikely to matter within a minute as between a lookup and the request that follows it.
 */
export const defaultBranchMemoMs = 60_000;

/**
 * The default branch Neon last reported per project, in this process (a Pulumi provider process
 * lives for one `up`). Module state in a `const` Map, keyed by API and project.
 */
const rememberedDefaultBranches = new Map<string, { readonly branch: Branch; readonly at: number }>();

const memoKey = (client: NeonClient, projectId: string) => `${client.baseUrl} ${projectId}`;

/** Records what Neon just reported as the project's default branch (a project's creation, a listing, a restore). */
export function rememberDefaultBranch(client: NeonClient, projectId: string, branch: Branch): void {
  rememberedDefaultBranches.set(memoKey(client, projectId), { branch, at: client.now() });
}

/**
 * Forgets the remembered default branch, and lets no later lookup join one under way: before a
 * change of it (a restore), whatever its outcome, and after it, before reading the new one.
 */
export function forgetDefaultBranch(client: NeonClient, projectId: string): void {
  rememberedDefaultBranches.delete(memoKey(client, projectId));
  defaultBranchLookups.delete(memoKey(client, projectId));
}

/**
 * The project's default branch for a create or a read that needs only its id: as Neon reported it
 * within `defaultBranchMemoMs`, else as Neon says now. A refresh's reads of Neon Auth and the Data
 * API thus take the branch the project's read just listed (a restore made elsewhere during it is
 * as unlikely to matter as one made just after it; one made by this process forgets it). Its other
 * fields (the name) may be older than a rename this process made: views, updates, deletes and
 * restores use `currentDefaultBranch`.
 */
export async function knownDefaultBranch(client: NeonClient, projectId: string): Promise<Branch> {
  const remembered = rememberedDefaultBranches.get(memoKey(client, projectId));
  if (remembered !== undefined && client.now() - remembered.at < defaultBranchMemoMs) return remembered.branch;
  return currentDefaultBranch(client, projectId);
}

/** The declared branch, or the project's current default branch when none was declared. */
export async function resolveBranchId(client: NeonClient, projectId: string, declaredBranchId: string | undefined): Promise<string> {
  return declaredBranchId ?? (await currentDefaultBranch(client, projectId)).id;
}

/** `resolveBranchId` for a create or a read: the default branch may be the one Neon reported moments ago (`knownDefaultBranch`). */
export async function resolveKnownBranchId(client: NeonClient, projectId: string, declaredBranchId: string | undefined): Promise<string> {
  return declaredBranchId ?? (await knownDefaultBranch(client, projectId)).id;
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
