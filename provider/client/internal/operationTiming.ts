/**
 * When a project's operations should be done, from how long each action took before. Pure: the
 * tracker (operationTracker.ts) feeds it what it saw and asks when to look again.
 *
 * Neon runs a project's operations one after another, so an operation ends one action-duration
 * after the one before it ended (or after it was created, when nothing ran before it). Durations are
 * learned per action from the operations this process saw finish: `total_duration_ms` is the time
 * from creation to the end, so an operation's own duration is its end minus the later of its
 * creation and the previous operation's end.
 */

/** An operation as the timing model sees it, in queue order. */
export interface TimedOperation {
  readonly action: string;
  /** Our clock when Neon's answer carrying it arrived (just after Neon created it). */
  readonly registeredAt: number;
  /** Our clock when it ended (terminal operations only). */
  readonly endedAt?: number;
}

/** How long each action took the last time this process saw it finish, in ms. */
export class ActionDurations {
  readonly #byAction = new Map<string, number>();

  /** Records that `action` ran for `ms` (its own time, not the time it spent queued). */
  observe(action: string, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#byAction.set(action, ms);
  }

  /**
   * The expected duration of `action`: the last one seen; else the mean of every action seen
   * (operations on one Neon take comparable time); else `fallbackMs`.
   */
  estimate(action: string, fallbackMs: number): number {
    const known = this.#byAction.get(action);
    if (known !== undefined) return known;
    if (this.#byAction.size === 0) return fallbackMs;
    let total = 0;
    for (const ms of this.#byAction.values()) total += ms;
    return total / this.#byAction.size;
  }
}

/**
 * When each pending operation of a project is expected to end, in queue order. `queue` is every
 * operation of the project this process knows, oldest first; terminal ones carry `endedAt`;
 * `endedBefore` is when the operations before the queue (no longer listed) ended, if known.
 * Returns the expected end of each non-terminal one, by index into `queue`.
 */
export function expectedEnds(
  queue: readonly TimedOperation[],
  durations: ActionDurations,
  fallbackMs: number,
  endedBefore: number | undefined,
): Map<number, number> {
  const ends = new Map<number, number>();
  let previousEnd = endedBefore ?? -Infinity;
  queue.forEach((op, index) => {
    if (op.endedAt !== undefined) {
      previousEnd = Math.max(previousEnd, op.endedAt);
      return;
    }
    const end = Math.max(previousEnd, op.registeredAt) + durations.estimate(op.action, fallbackMs);
    ends.set(index, end);
    previousEnd = end;
  });
  return ends;
}

/**
 * The operation's own running time: from the later of its creation and the end of the operation
 * queued before it (`previousEnd`, undefined when none is known) to its end.
 */
export function ownDuration(op: TimedOperation & { readonly endedAt: number }, previousEnd: number | undefined): number {
  return Math.max(0, op.endedAt - Math.max(op.registeredAt, previousEnd ?? -Infinity));
}
