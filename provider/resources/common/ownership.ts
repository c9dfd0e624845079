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

/** How a refusal tells what happened: the lost answer, or the interrupted update. */
export interface ClaimStory {
  /** "the answer to creating project "acme" was lost" */
  readonly happened: string;
  /** What began before the objects that may be ours: "the request" / "that update" */
  readonly began: string;
  /** The same, for what existed before it: "this request" / "that update" */
  readonly before: string;
}

function lostAnswerStory(kind: string, name: string): ClaimStory {
  return { happened: `the answer to creating ${kind} "${name}" was lost`, began: "the request", before: "this request" };
}

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
  story: ClaimStory = lostAnswerStory(kind, name),
): Claim {
  const describe = (c: Candidate) => `${c.id} (created ${c.createdAt})`;
  if (candidates.length === 0) return { absent: true };
  if (requestStartOnNeon === undefined) {
    return {
      refusal:
        `${story.happened}, and it is not known on Neon's clock when ${story.began} began, so it cannot be told when ${candidates.map(describe).join(", ")} ` +
        `${candidates.length === 1 ? "was" : "were"} created. Adopt the right one with ${adoptWith(candidates[0].id)} if it is this stack's, then run \`pulumi up\` again.`,
    };
  }
  const since = candidates.filter((c) => Date.parse(c.createdAt) > requestStartOnNeon - resolutionMs);
  const before = candidates.filter((c) => !since.includes(c));
  if (since.length === 1 && before.length === 0) return { ours: since[0].id };
  const parts = [
    ...(before.length > 0 ? [`${before.map(describe).join(", ")} already existed before ${story.before} and ${before.length === 1 ? "is" : "are"} not this stack's to take over`] : []),
    ...(since.length > 0 ? [`${since.map(describe).join(", ")} ${since.length === 1 ? "was" : "were"} created since ${story.began} began`] : []),
  ];
  const hint = since.length === 1 ? since[0].id : candidates[0].id;
  return {
    refusal:
      `${story.happened}, and Neon now has ${candidates.length} ${kind}s named "${name}": ${parts.join("; ")}. ` +
      `Nothing was taken over. If ${hint} is the one this stack should manage, adopt it with ${adoptWith(hint)}; ` +
      `otherwise give this resource another name or remove the extra ${kind}, then run \`pulumi up\` again.`,
  };
}

/** `claimCreated` for an unknown outcome: judged since it began, told as it happened. */
export function claimUnder(
  outcome: UnknownOutcome,
  kind: string,
  name: string,
  candidates: readonly Candidate[],
  adoptWith?: (id: string) => string,
): Claim {
  const story =
    outcome.cause instanceof InterruptedCreateError ? { happened: `an update creating ${kind} "${name}" was interrupted before Pulumi recorded it`, began: "that update", before: "that update began" } : lostAnswerStory(kind, name);
  const unrecorded = candidates.filter((c) => !outcome.known?.has(c.id));
  return claimCreated(kind, name, unrecorded, outcome.since(), adoptWith, story);
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
 * A create whose outcome is unknown, and since when on Neon's clock an object it made could exist.
 * Two causes, one rule: a lost answer (since the request began) and an update interrupted before
 * Pulumi recorded the create (since that update began; see `InterruptedCreateError`). `since` is
 * asked after the first request of the reconcile, when the client has seen Neon's clock. `cause` is
 * what a reconcile throws when Neon has no candidate at all: nothing was created.
 */
export interface UnknownOutcome {
  readonly since: () => number | undefined;
  readonly cause: Error;
  /**
   * Objects already recorded as the stack's (resources of the same type in the state): never the
   * create's, whatever their age. A replacement that creates before it deletes has the old object
   * of the same name there.
   */
  readonly known?: ReadonlySet<string>;
}

/** The outcome of a create whose answer was lost (`startedLocalMs` on the client's clock). */
export function lostAnswer(client: NeonClient, startedLocalMs: number, err: Error): UnknownOutcome {
  return { since: () => requestStartOnNeon(client, startedLocalMs), cause: err };
}

/**
 * The update that was creating the resource stopped (the engine was killed, its host died) before
 * Pulumi recorded the create: the state keeps a pending create without an id.
 */
export class InterruptedCreateError extends Error {
  constructor(what: string) {
    super(`the update creating ${what} stopped before Pulumi recorded the result`);
    this.name = "InterruptedCreateError";
  }
}

/**
 * The outcome of a create left pending by an interrupted update that began at `startedWallMs` on
 * this host's wall clock (the runner's record: a wall time is the only one that outlives the
 * process). Only the time elapsed since is measured on our clock; it is carried onto Neon's clock
 * through its Date header, so a skew between the two clocks does not matter. `startedWallMs`
 * undefined: the start is unknown, and any object found is refused rather than guessed at.
 */
export function interruptedUpdate(
  client: NeonClient,
  what: string,
  startedWallMs: number | undefined,
  nowWallMs: () => number = Date.now,
  known: ReadonlySet<string> = new Set(),
): UnknownOutcome {
  return {
    known,
    since: () => {
      const neonNow = client.neonTimeAt(client.now());
      return neonNow === undefined || startedWallMs === undefined ? undefined : neonNow - (nowWallMs() - startedWallMs);
    },
    cause: new InterruptedCreateError(what),
  };
}

/**
 * Runs a reconcile for recovery: its result, or undefined when Neon has nothing the create could
 * have made (the reconcile threw the outcome's own cause). Refusals and other errors propagate.
 */
export async function recovered<T>(outcome: UnknownOutcome, reconcile: () => Promise<T>): Promise<T | undefined> {
  try {
    return await reconcile();
  } catch (err) {
    if (err === outcome.cause) return undefined;
    throw err;
  }
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
