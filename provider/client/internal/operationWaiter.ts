/**
 * Waiting for Neon operations, shared by every client of one account in the process (like the rate
 * limiter), so that a Pulumi provider process that creates a tenant's resources side by side:
 *  - polls each project once per look for all the operations anyone in the process waits for
 *    (`GET /projects/{id}/operations`, or the one operation when only one is pending);
 *  - looks when the operations are expected to end (operationTiming.ts: a project's operations run
 *    one after another, and each action takes about as long as it last did), not on a fixed
 *    schedule, falling back to polls that back off when an operation runs late;
 *  - holds a mutation on a project until the operations it knows are running there have ended,
 *    so that it never meets a 423 of its own making (Neon refuses conflicting changes while a
 *    project's operations run).
 */
import type { Clock } from "../clock";
import { operationOutcome } from "../operationStatus";
import type { Operation } from "../schemas/common";
import { changeWaitAbortedError, operationFailedError, operationTimeoutError, operationWaitAbortedError } from "./errorFactory";
import { ActionDurations, expectedEnds, ownDuration, type TimedOperation } from "./operationTiming";

export interface OperationWaitPolicy {
  /**
   * The duration assumed for an action before any action has been seen to finish (then the last
   * one seen, or their mean, is assumed); also the first delay once operations run late.
   */
  readonly firstPollDelayMs: number;
  /** Once operations run late, each poll waits `backoffFactor` times longer than the previous one, up to this cap. */
  readonly maxPollIntervalMs: number;
  readonly backoffFactor: number;
  /** Give up (NeonOperationTimeoutError) after this long in total. */
  readonly deadlineMs: number;
}

export const defaultOperationWaitPolicy: OperationWaitPolicy = {
  // Neon's quickest operations take about this long (and the local Neon API's take exactly this by
  // default). A guess too short costs one more look; too long, that much wall time, once per process.
  firstPollDelayMs: 300,
  maxPollIntervalMs: 5_000,
  backoffFactor: 1.5,
  // Generous on purpose: most operations take seconds, but a restore or a busy region can take
  // minutes, and giving up early leaves a resource half-created.
  deadlineMs: 15 * 60_000,
};

/** Delay before poll number `poll` (1-based) of a backing-off sequence (at least 1 ms: never a busy loop). */
export function pollDelay(poll: number, policy: OperationWaitPolicy): number {
  const grown = policy.firstPollDelayMs === 0 ? 0 : policy.firstPollDelayMs * policy.backoffFactor ** (poll - 1);
  return Math.max(1, Math.min(policy.maxPollIntervalMs, Math.round(grown)));
}

/** How a waiting client reads operations (its own pipeline: its retries, logger and signal). */
export interface OperationReaders {
  readonly one: (projectId: string, operationId: string, signal: AbortSignal | undefined) => Promise<Operation>;
  /** The project's most recent operations, newest first. */
  readonly recent: (projectId: string, limit: number, signal: AbortSignal | undefined) => Promise<readonly Operation[]>;
}

export interface OperationWaitDeps {
  readonly readers: OperationReaders;
  readonly policy: OperationWaitPolicy;
  readonly secrets: readonly string[];
}

/** Pending operations beyond ours that a listing may show first (other callers' newer ones). */
const LISTING_SLACK = 10;
const LISTING_MAX = 1000;
/** Operations seen to end, kept by id so that waiting on one again needs no request. */
const ENDED_KEPT = 1000;

interface Tracked {
  latest: Operation;
  /** Queue order: Neon runs a project's operations in the order it created them. */
  readonly seq: number;
  readonly registeredAt: number;
  endedAt?: number;
  /** A change's `idle` gave up on it (unreadable, or past the deadline): changes no longer wait for it. */
  abandoned?: boolean;
}

interface Look {
  readonly startedAt: number;
  inFlight: boolean;
  readonly done: Promise<void>;
}

/** What the process knows of one project's operations. */
interface ProjectQueue {
  readonly ops: Map<string, Tracked>;
  /** Waits and changes in progress: the entry is dropped once none is left and nothing is pending. */
  users: number;
  lastLook: Look | undefined;
  /** Looks in a row that found the operations past their expected end still pending (the backoff step). */
  lateLooks: number;
  /** When the last operation dropped from `ops` (ended, queued before every pending one) ended. */
  settledEnd: number | undefined;
  /** Resolves when the changes sent to the project so far have been answered (see `beginChange`). */
  changes: Promise<void>;
  /** Sleeping waits, woken when a look records an operation's end (theirs may be among them). */
  readonly sleepers: Set<() => void>;
}

const isPending = (op: Operation) => operationOutcome(op.status) === "pending";

export class OperationTracker {
  readonly durations = new ActionDurations();
  readonly #clock: Clock;
  readonly #projects = new Map<string, ProjectQueue>();
  readonly #ended = new Map<string, Operation>();
  #seq = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Records operations Neon just returned (pending ones only: they are what later changes wait for). */
  register(operations: readonly Operation[]): void {
    this.#track(operations);
  }

  /**
   * Resolves with the latest state of every operation (same order, duplicates by id collapsed to
   * their latest state) once all have succeeded; throws NeonOperationFailedError as soon as one is
   * seen failed, NeonOperationTimeoutError at the deadline, NeonAbortError when `signal` aborts.
   */
  async wait(operations: readonly Operation[], deps: OperationWaitDeps, signal?: AbortSignal): Promise<Operation[]> {
    const start = this.#clock.now();
    const tracked = this.#track(operations);
    for (const op of operations) failIfFailed(tracked.get(op.id)?.latest ?? op, deps.secrets);
    const pending = [...tracked.values()].filter((t) => isPending(t.latest));
    // Every project of the wait is in use from the start: none is forgotten while another is waited on.
    const projects = [...new Set(pending.map((t) => t.latest.project_id))];
    const queues = projects.map((p) => this.#queue(p));
    for (const queue of queues) queue.users += 1;
    try {
      for (const [i, projectId] of projects.entries()) {
        await this.#waitOn(projectId, queues[i]!, pending.filter((t) => t.latest.project_id === projectId), deps, start, signal, "report failures");
      }
    } finally {
      for (const [i, queue] of queues.entries()) {
        queue.users -= 1;
        this.#release(projects[i]!, queue);
      }
    }
    return operations.map((op) => tracked.get(op.id)?.latest ?? op);
  }

  /**
   * Takes the project's turn for a change that starts operations: once the changes sent before
   * have been answered (their operations are then known) and the operations known on the project
   * have ended (`idle`). Two changes sent side by side would otherwise both pass, and one would
   * meet Neon's 423. Call the returned function once the answer's operations are registered (or
   * the change failed). Throws NeonAbortError at once when `signal` aborts.
   */
  async beginChange(projectId: string, deps: OperationWaitDeps, signal?: AbortSignal): Promise<() => void> {
    const queue = this.#queue(projectId);
    queue.users += 1;
    const before = queue.changes;
    let answered!: () => void;
    const mine = new Promise<void>((resolve) => (answered = resolve));
    // The next change waits for this one and for the ones before it, even if this one is abandoned.
    queue.changes = Promise.all([before, mine]).then(() => undefined);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      answered();
      queue.users -= 1;
      this.#release(projectId, queue);
    };
    try {
      await abortable(before, signal);
      await this.idle(projectId, deps, signal);
    } catch (err) {
      end();
      if (signal?.aborted) throw changeWaitAbortedError(projectId, deps.secrets, signal.reason);
      throw err;
    }
    return end;
  }

  /**
   * Resolves once the operations this process knows on `projectId` have ended, however they ended
   * (the project is free for the next change), or at the deadline (the change is sent anyway and
   * Neon's 423, which the client retries, decides). Throws only when `signal` aborts.
   */
  async idle(projectId: string, deps: OperationWaitDeps, signal?: AbortSignal): Promise<void> {
    const queue = this.#projects.get(projectId);
    const pending = queue ? awaited(queue) : [];
    if (pending.length === 0) return;
    queue!.users += 1;
    try {
      await this.#waitOn(projectId, queue!, pending, deps, this.#clock.now(), signal, "ignore failures");
    } catch (err) {
      if (signal?.aborted) throw err;
      // Timed out, or they cannot be read (the project is gone): changes stop waiting for them;
      // a wait that holds them keeps reading them.
      for (const t of pending) t.abandoned = true;
    } finally {
      queue!.users -= 1;
      this.#release(projectId, queue!);
    }
  }

  async #waitOn(
    projectId: string,
    queue: ProjectQueue,
    mine: readonly Tracked[],
    deps: OperationWaitDeps,
    start: number,
    signal: AbortSignal | undefined,
    failures: "report failures" | "ignore failures",
  ): Promise<void> {
    const { policy } = deps;
    for (;;) {
      if (failures === "report failures") for (const t of mine) failIfFailed(t.latest, deps.secrets);
      const pending = mine.filter((t) => isPending(t.latest));
      if (pending.length === 0) return;
      const now = this.#clock.now();
      const elapsed = now - start;
      if (elapsed >= policy.deadlineMs) throw operationTimeoutError(pending.map((t) => t.latest), elapsed);

      const due = this.#expectedEnd(queue, pending, policy);
      const lastLook = queue.lastLook?.startedAt ?? -Infinity;
      // Past their expected end and already looked at since: back off, on the project's schedule
      // (from its last look), so that every wait on the project looks together.
      const lookAt = due > now || lastLook < due ? due : Math.max(now + 1, lastLook + pollDelay(queue.lateLooks + 1, policy));
      const delay = Math.min(Math.max(0, lookAt - now), policy.deadlineMs - elapsed);
      if (delay > 0) await this.#sleep(queue, delay, pending[0]!.latest, deps, signal);
      // Another wait's look may have seen them end while this one slept.
      if (pending.some((t) => isPending(t.latest))) await this.#look(projectId, queue, Math.min(lookAt, this.#clock.now()), pending, deps, signal);
    }
  }

  /** Sleeps `ms`, or less if a look records an operation's end meanwhile; NeonAbortError if `signal` aborts. */
  async #sleep(queue: ProjectQueue, ms: number, first: Operation, deps: OperationWaitDeps, signal: AbortSignal | undefined): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    queue.sleepers.add(wake);
    try {
      await this.#clock.sleep(ms, signal === undefined ? woken.signal : AbortSignal.any([signal, woken.signal]));
    } catch (error) {
      if (signal?.aborted) throw operationWaitAbortedError(first, deps.secrets, error);
      if (!woken.signal.aborted) throw error;
    } finally {
      queue.sleepers.delete(wake);
    }
  }

  /** When the last of `pending` should end: the project's queue, each action as long as it last took. */
  #expectedEnd(queue: ProjectQueue, pending: readonly Tracked[], policy: OperationWaitPolicy): number {
    const ordered = [...queue.ops.values(), ...pending.filter((t) => !queue.ops.has(t.latest.id))].sort((a, b) => a.seq - b.seq);
    const timed: TimedOperation[] = ordered.map((t) => ({ action: t.latest.action, registeredAt: t.registeredAt, ...(t.endedAt === undefined ? {} : { endedAt: t.endedAt }) }));
    const ends = expectedEnds(timed, this.durations, policy.firstPollDelayMs, queue.settledEnd);
    let due = -Infinity;
    for (const t of pending) due = Math.max(due, ends.get(ordered.indexOf(t)) ?? this.#clock.now());
    return due;
  }

  /**
   * Brings the project's operations up to date as of `notBefore`: a look that began then or later
   * (another wait's) answers for this one too; one still in flight is awaited first, as it may
   * answer; otherwise this one reads them all, in one request.
   */
  async #look(projectId: string, queue: ProjectQueue, notBefore: number, mine: readonly Tracked[], deps: OperationWaitDeps, signal: AbortSignal | undefined): Promise<void> {
    const shared = queue.lastLook;
    if (shared !== undefined && (shared.startedAt >= notBefore || shared.inFlight)) {
      let answered = true;
      try {
        await abortable(shared.done, signal);
      } catch (err) {
        if (signal?.aborted) throw operationWaitAbortedError(mine[0]!.latest, deps.secrets, err);
        answered = false; // that look failed for its own caller (aborted, say): read for ourselves
      }
      if (answered && (shared.startedAt >= notBefore || !mine.some((t) => isPending(t.latest)))) return;
    }
    const look: Look = { startedAt: this.#clock.now(), inFlight: true, done: this.#read(projectId, queue, mine, deps, signal) };
    queue.lastLook = look;
    try {
      await look.done;
    } finally {
      look.inFlight = false;
    }
  }

  async #read(projectId: string, queue: ProjectQueue, mine: readonly Tracked[], deps: OperationWaitDeps, signal: AbortSignal | undefined): Promise<void> {
    const wanted = new Map<string, Tracked>();
    for (const t of [...queue.ops.values(), ...mine]) if (isPending(t.latest)) wanted.set(t.latest.id, t);
    if (wanted.size === 0) return;
    const ids = [...wanted.keys()];
    let fresh: Operation[];
    if (ids.length === 1) {
      fresh = [await deps.readers.one(projectId, ids[0]!, signal)];
    } else {
      const limit = Math.min(LISTING_MAX, ids.length + LISTING_SLACK);
      const recent = await deps.readers.recent(projectId, limit, signal);
      const found = recent.filter((op) => wanted.has(op.id));
      // Older than the page (many newer operations since): read those one by one.
      const missing = ids.filter((id) => !found.some((op) => op.id === id));
      fresh = [...found, ...(await Promise.all(missing.map((id) => deps.readers.one(projectId, id, signal))))];
    }
    this.#record(queue, wanted, fresh);
  }

  /** Stores what a look saw; learns the duration of each operation seen to finish; wakes the sleepers if one ended. */
  #record(queue: ProjectQueue, wanted: ReadonlyMap<string, Tracked>, fresh: readonly Operation[]): void {
    const now = this.#clock.now();
    const ended: Tracked[] = [];
    for (const op of fresh) {
      const tracked = wanted.get(op.id);
      if (tracked === undefined) continue;
      const wasPending = isPending(tracked.latest);
      tracked.latest = op;
      if (wasPending && !isPending(op)) ended.push(tracked);
    }
    for (const tracked of ended.sort((a, b) => a.seq - b.seq)) {
      const total = tracked.latest.total_duration_ms;
      const measured = total !== undefined && total > 0;
      // `total_duration_ms` runs from creation to the end; without it, the end is when we saw it.
      tracked.endedAt = measured ? Math.min(now, tracked.registeredAt + total) : now;
      if (measured && tracked.latest.status === "finished") {
        const own = ownDuration({ action: tracked.latest.action, registeredAt: tracked.registeredAt, endedAt: tracked.endedAt }, this.#endBefore(queue, tracked));
        if (own > 0) this.durations.observe(tracked.latest.action, own);
      }
      this.#rememberEnded(tracked.latest);
    }
    queue.lateLooks = ended.length > 0 ? 0 : queue.lateLooks + 1;
    this.#dropSettled(queue);
    if (ended.length > 0) for (const wake of [...queue.sleepers]) wake();
  }

  #rememberEnded(op: Operation): void {
    this.#ended.set(op.id, op);
    if (this.#ended.size > ENDED_KEPT) this.#ended.delete(this.#ended.keys().next().value!);
  }

  /**
   * Drops the ended operations queued before every pending one (waits hold their own references),
   * keeping only when the last of them ended: what the next operation's start is reckoned from.
   */
  #dropSettled(queue: ProjectQueue): void {
    let firstPending = Infinity;
    for (const t of queue.ops.values()) if (isPending(t.latest)) firstPending = Math.min(firstPending, t.seq);
    for (const [id, t] of queue.ops) {
      if (t.seq < firstPending && t.endedAt !== undefined) {
        queue.settledEnd = Math.max(queue.settledEnd ?? -Infinity, t.endedAt);
        queue.ops.delete(id);
      }
    }
  }

  /** The end of the latest operation queued before `tracked`, if this process saw one end. */
  #endBefore(queue: ProjectQueue, tracked: Tracked): number | undefined {
    let end = queue.settledEnd;
    for (const other of queue.ops.values()) {
      if (other.seq < tracked.seq && other.endedAt !== undefined) end = Math.max(end ?? -Infinity, other.endedAt);
    }
    return end;
  }

  /** The tracked record of each operation (pending ones registered, ended ones as last seen), by id. */
  #track(operations: readonly Operation[]): Map<string, Tracked> {
    const now = this.#clock.now();
    const tracked = new Map<string, Tracked>();
    for (const op of operations) {
      const known = this.#projects.get(op.project_id)?.ops.get(op.id);
      if (known) {
        tracked.set(op.id, known);
        continue;
      }
      // Seen to end already (and dropped from its queue): waiting on it again costs nothing.
      const ended = this.#ended.get(op.id);
      const latest = ended ?? op;
      if (!isPending(latest)) {
        tracked.set(op.id, { latest, seq: -1, registeredAt: now, endedAt: now });
        continue;
      }
      const record: Tracked = { latest, seq: this.#seq++, registeredAt: now };
      this.#queue(op.project_id).ops.set(op.id, record);
      tracked.set(op.id, record);
    }
    return tracked;
  }

  #queue(projectId: string): ProjectQueue {
    let queue = this.#projects.get(projectId);
    if (queue === undefined) {
      queue = { ops: new Map(), users: 0, lastLook: undefined, lateLooks: 0, settledEnd: undefined, changes: Promise.resolve(), sleepers: new Set() };
      this.#projects.set(projectId, queue);
    }
    return queue;
  }

  /**
   * Forgets a project once nobody waits on it or changes it and nothing it holds is pending, except
   * operations given up on, which nobody will read again.
   */
  #release(projectId: string, queue: ProjectQueue): void {
    if (queue.users > 0) return;
    if (awaited(queue).length > 0) return;
    if (this.#projects.get(projectId) === queue) this.#projects.delete(projectId);
  }
}

/** The project's pending operations that changes still wait for (not given up on). */
function awaited(queue: ProjectQueue): Tracked[] {
  return [...queue.ops.values()].filter((t) => isPending(t.latest) && !t.abandoned);
}

function failIfFailed(op: Operation, secrets: readonly string[]): void {
  if (operationOutcome(op.status) === "failed") throw operationFailedError(op, secrets);
}

/** `promise`, or NeonAbortError as soon as `signal` aborts (the promise itself goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
