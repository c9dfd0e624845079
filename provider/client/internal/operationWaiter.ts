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
import { operationFailedError, operationTimeoutError, operationWaitAbortedError } from "./errorFactory";
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

/** Delay before poll number `poll` (1-based) of a backing-off sequence. */
export function pollDelay(poll: number, policy: OperationWaitPolicy): number {
  return Math.min(policy.maxPollIntervalMs, Math.round(policy.firstPollDelayMs * policy.backoffFactor ** (poll - 1)));
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

interface Tracked {
  latest: Operation;
  /** Queue order: Neon runs a project's operations in the order it created them. */
  readonly seq: number;
  readonly registeredAt: number;
  endedAt?: number;
}

interface Look {
  readonly startedAt: number;
  inFlight: boolean;
  readonly done: Promise<void>;
}

/** What the process knows of one project's operations. */
interface ProjectQueue {
  readonly ops: Map<string, Tracked>;
  /** Waits and holds in progress: the entry is dropped once none is left and nothing is pending. */
  users: number;
  lastLook: Look | undefined;
  /** When the last operation dropped from `ops` (ended, queued before every pending one) ended. */
  settledEnd: number | undefined;
  /** Resolves when the changes sent to the project so far have been answered (see `beginChange`). */
  changes: Promise<void>;
}

const isPending = (op: Operation) => operationOutcome(op.status) === "pending";

export class OperationTracker {
  readonly durations = new ActionDurations();
  readonly #clock: Clock;
  readonly #projects = new Map<string, ProjectQueue>();
  #seq = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /** Records operations Neon just returned (pending ones only: they are what later mutations wait for). */
  register(operations: readonly Operation[]): void {
    const now = this.#clock.now();
    for (const op of operations) {
      if (!isPending(op)) continue;
      const queue = this.#queue(op.project_id);
      if (!queue.ops.has(op.id)) queue.ops.set(op.id, { latest: op, seq: this.#seq++, registeredAt: now });
    }
  }

  /** The operations of `projectId` this process knows to be pending. */
  pendingOn(projectId: string): Operation[] {
    const queue = this.#projects.get(projectId);
    return queue ? [...queue.ops.values()].filter((t) => isPending(t.latest)).map((t) => t.latest) : [];
  }

  /**
   * Resolves with the latest state of every operation (same order, duplicates by id collapsed to
   * their latest state) once all have succeeded; throws NeonOperationFailedError as soon as one is
   * seen failed, NeonOperationTimeoutError at the deadline, NeonAbortError when `signal` aborts.
   */
  async wait(operations: readonly Operation[], deps: OperationWaitDeps, signal?: AbortSignal): Promise<Operation[]> {
    const start = this.#clock.now();
    for (const op of operations) if (!isPending(op)) failIfFailed(op, deps.secrets);
    this.register(operations);
    const latest = new Map(operations.map((op) => [op.id, op]));
    const projects = [...new Set(operations.filter(isPending).map((op) => op.project_id))];
    for (const projectId of projects) {
      const ids = operations.filter((op) => op.project_id === projectId && isPending(op)).map((op) => op.id);
      for (const op of await this.#waitOn(projectId, ids, deps, start, signal, "report failures")) latest.set(op.id, op);
    }
    return operations.map((op) => latest.get(op.id)!);
  }

  /**
   * Takes the project's turn for a change that starts operations: once the changes sent before
   * have been answered (their operations are then known) and the operations known on the project
   * have ended (`idle`). Two changes sent side by side would otherwise both pass, and one would
   * meet Neon's 423. Call the returned function once the answer's operations are registered (or
   * the change failed).
   */
  async beginChange(projectId: string, deps: OperationWaitDeps, signal?: AbortSignal): Promise<() => void> {
    const queue = this.#queue(projectId);
    queue.users += 1;
    const before = queue.changes;
    let answered!: () => void;
    queue.changes = new Promise<void>((resolve) => (answered = resolve));
    const end = () => {
      answered();
      queue.users -= 1;
      this.#release(projectId, queue);
    };
    try {
      await before;
      await this.idle(projectId, deps, signal);
    } catch (err) {
      end();
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
    const pending = this.pendingOn(projectId).map((op) => op.id);
    if (pending.length === 0) return;
    try {
      await this.#waitOn(projectId, pending, deps, this.#clock.now(), signal, "ignore failures");
    } catch (err) {
      if (signal?.aborted) throw err;
      // Timed out, or they cannot be read (the project is gone): stop tracking them; Neon decides.
      const queue = this.#projects.get(projectId);
      for (const id of pending) queue?.ops.delete(id);
      this.#release(projectId, queue);
    }
  }

  async #waitOn(
    projectId: string,
    ids: readonly string[],
    deps: OperationWaitDeps,
    start: number,
    signal: AbortSignal | undefined,
    failures: "report failures" | "ignore failures",
  ): Promise<Operation[]> {
    const { policy } = deps;
    const queue = this.#queue(projectId);
    // Held by reference: a look may drop settled operations from the queue.
    const mine = ids.map((id) => queue.ops.get(id)).filter((t): t is Tracked => t !== undefined);
    queue.users += 1;
    try {
      let latePolls = 0;
      for (;;) {
        if (failures === "report failures") for (const t of mine) failIfFailed(t.latest, deps.secrets);
        const pending = mine.filter((t) => isPending(t.latest));
        if (pending.length === 0) return mine.map((t) => t.latest);
        const now = this.#clock.now();
        const elapsed = now - start;
        if (elapsed >= policy.deadlineMs) throw operationTimeoutError(pending.map((t) => t.latest), elapsed);

        const due = this.#expectedEnd(queue, pending, policy);
        let lookAt = due;
        if (due <= now && (queue.lastLook?.startedAt ?? -Infinity) >= due) {
          // Looked since they were due and they still run: back off.
          latePolls += 1;
          lookAt = now + pollDelay(latePolls + 1, policy);
        }
        const delay = Math.min(Math.max(0, lookAt - now), policy.deadlineMs - elapsed);
        if (delay > 0) {
          try {
            await this.#clock.sleep(delay, signal);
          } catch (error) {
            throw operationWaitAbortedError(pending[0]!.latest, deps.secrets, error);
          }
        }
        // Another wait's look may have seen them end while this one slept.
        if (pending.some((t) => isPending(t.latest))) await this.#look(projectId, queue, Math.min(lookAt, this.#clock.now()), pending, deps, signal);
      }
    } finally {
      queue.users -= 1;
      this.#release(projectId, queue);
    }
  }

  /** When the last of `pending` should end: the project's queue, each action as long as it last took. */
  #expectedEnd(queue: ProjectQueue, pending: readonly Tracked[], policy: OperationWaitPolicy): number {
    const ordered = [...queue.ops.values()].sort((a, b) => a.seq - b.seq);
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
      try {
        await shared.done;
      } catch {
        // That look failed for its own caller (aborted, say): read for ourselves.
      }
      if (shared.startedAt >= notBefore || !mine.some((t) => isPending(t.latest))) return;
    }
    const look: Look = { startedAt: this.#clock.now(), inFlight: true, done: this.#read(projectId, queue, deps, signal) };
    queue.lastLook = look;
    try {
      await look.done;
    } finally {
      look.inFlight = false;
    }
  }

  async #read(projectId: string, queue: ProjectQueue, deps: OperationWaitDeps, signal: AbortSignal | undefined): Promise<void> {
    const pendingIds = [...queue.ops.values()].filter((t) => isPending(t.latest)).map((t) => t.latest.id);
    if (pendingIds.length === 0) return;
    let fresh: Operation[];
    if (pendingIds.length === 1) {
      fresh = [await deps.readers.one(projectId, pendingIds[0]!, signal)];
    } else {
      const limit = Math.min(LISTING_MAX, pendingIds.length + LISTING_SLACK);
      const recent = await deps.readers.recent(projectId, limit, signal);
      const found = recent.filter((op) => pendingIds.includes(op.id));
      // Older than the page (many newer operations since): read those one by one.
      const missing = pendingIds.filter((id) => !found.some((op) => op.id === id));
      fresh = [...found, ...(await Promise.all(missing.map((id) => deps.readers.one(projectId, id, signal))))];
    }
    this.#record(queue, fresh);
  }

  /** Stores what a look saw; learns the duration of each operation seen to finish. */
  #record(queue: ProjectQueue, fresh: readonly Operation[]): void {
    const now = this.#clock.now();
    const ended: Tracked[] = [];
    for (const op of fresh) {
      const tracked = queue.ops.get(op.id);
      if (tracked === undefined) continue;
      const wasPending = isPending(tracked.latest);
      tracked.latest = op;
      if (wasPending && !isPending(op)) ended.push(tracked);
    }
    for (const tracked of ended.sort((a, b) => a.seq - b.seq)) {
      const total = tracked.latest.total_duration_ms;
      // `total_duration_ms` runs from creation to the end; without it, the end is when we saw it.
      tracked.endedAt = total !== undefined && total > 0 ? Math.min(now, tracked.registeredAt + total) : now;
      if (tracked.latest.status === "finished") {
        this.durations.observe(tracked.latest.action, ownDuration({ action: tracked.latest.action, registeredAt: tracked.registeredAt, endedAt: tracked.endedAt }, this.#endBefore(queue, tracked)));
      }
    }
    this.#dropSettled(queue);
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

  #queue(projectId: string): ProjectQueue {
    let queue = this.#projects.get(projectId);
    if (queue === undefined) {
      queue = { ops: new Map(), users: 0, lastLook: undefined, settledEnd: undefined, changes: Promise.resolve() };
      this.#projects.set(projectId, queue);
    }
    return queue;
  }

  /** Forgets a project once nobody waits on it or changes it and none of its operations is pending. */
  #release(projectId: string, queue: ProjectQueue | undefined): void {
    if (queue === undefined || queue.users > 0) return;
    if ([...queue.ops.values()].some((t) => isPending(t.latest))) return;
    if (this.#projects.get(projectId) === queue) this.#projects.delete(projectId);
  }
}

function failIfFailed(op: Operation, secrets: readonly string[]): void {
  if (operationOutcome(op.status) === "failed") throw operationFailedError(op, secrets);
}
