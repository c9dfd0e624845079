/**
 * What a provider may take as its own after a create whose answer was lost (the POST may or may
 * not have been applied). One rule for every resource: an object is ours only if Neon created it
 * after our request began, judged by Neon's own clock (its `Date` header, carried back over the
 * time elapsed on our monotonic clock: never our wall clock, never a fixed tolerance for skew);
 * and only if it is the one object that could be it. An object of that name that already existed,
 * or several candidates, are never taken over: the create fails, naming them and how to adopt the
 * right one deliberately (`adoptId`).
 *
 * Once claimed, the object's own operations are waited for, exactly as after a normal create, so
 * the next step never meets a 423 and a failed operation is reported.
 */
import type { NeonClient } from "../../client/neonClient";
import type { Operation } from "../../client/schemas/common";

export interface Candidate {
  readonly id: string;
  /** Neon's `created_at`. */
  readonly createdAt: string;
}

/** Ours; refused (the message says why and what to do); or absent: the create was not applied. */
export type Claim = { readonly ours: string } | { readonly refusal: string } | { readonly absent: true };

/** Neon's timestamps and Date header have whole seconds: anything created in our request's second counts. */
const resolutionMs = 1000;

/**
 * Which of the candidates (same kind, same name in the same scope) this request created.
 * `requestStartOnNeon` is Neon's time when the request began (undefined: Neon's clock is unknown).
 */
export function claimCreated(
  kind: string,
  name: string,
  candidates: readonly Candidate[],
  requestStartOnNeon: number | undefined,
  adoptWith: (id: string) => string = (id) => `\`adoptId: "${id}"\``,
): Claim {
  const describe = (c: Candidate) => `${c.id} (created ${c.createdAt})`;
  if (candidates.length === 0) return { absent: true };
  if (requestStartOnNeon === undefined) {
    return {
      refusal:
        `the answer to creating ${kind} "${name}" was lost, and Neon's answers carry no Date to tell when ${candidates.map(describe).join(", ")} ` +
        `${candidates.length === 1 ? "was" : "were"} created. Adopt the right one with ${adoptWith(candidates[0].id)} if it is this stack's, then run \`pulumi up\` again.`,
    };
  }
  const since = candidates.filter((c) => Date.parse(c.createdAt) > requestStartOnNeon - resolutionMs);
  const before = candidates.filter((c) => !since.includes(c));
  if (since.length === 1 && before.length === 0) return { ours: since[0].id };
  const parts = [
    ...(before.length > 0 ? [`${before.map(describe).join(", ")} already existed before this request and ${before.length === 1 ? "is" : "are"} not this stack's to take over`] : []),
    ...(since.length > 0 ? [`${since.map(describe).join(", ")} ${since.length === 1 ? "was" : "were"} created since the request began`] : []),
  ];
  const hint = since.length === 1 ? since[0].id : candidates[0].id;
  return {
    refusal:
      `the answer to creating ${kind} "${name}" was lost, and Neon now has ${candidates.length} ${kind}s named "${name}": ${parts.join("; ")}. ` +
      `Nothing was taken over. If ${hint} is the one this stack should manage, adopt it with ${adoptWith(hint)}; ` +
      `otherwise give this resource another name or remove the extra ${kind}, then run \`pulumi up\` again.`,
  };
}

/**
 * The claimed object's id; else the error to fail with: the lost answer's own error when nothing
 * was created (the create was not applied), or the refusal, prefixed with where it was looked for.
 */
export function claimedIdOrThrow(claim: Claim, lostAnswer: Error, where?: string): string {
  if ("ours" in claim) return claim.ours;
  if ("absent" in claim) throw lostAnswer;
  throw new Error(where ? `${where}: ${claim.refusal}` : claim.refusal, { cause: lostAnswer });
}

/** Neon's time when a request that began at `startedLocalMs` (the client's clock) began. */
export function requestStartOnNeon(client: NeonClient, startedLocalMs: number): number | undefined {
  return client.neonTimeAt(startedLocalMs);
}

/**
 * Waits for the operations Neon runs on an object found after a lost answer: the project's
 * operations that concern it (`concerns`) and are not finished. Throws NeonOperationFailedError for
 * one that failed, like the normal path.
 */
export async function waitForObjectOperations(client: NeonClient, projectId: string, concerns: (operation: Operation) => boolean): Promise<void> {
  const { operations } = await client.operations.list(projectId, { limit: 100 });
  const relevant = operations.filter(concerns);
  if (relevant.length > 0) await client.waitForOperations(relevant);
}
