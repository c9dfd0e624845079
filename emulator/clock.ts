/**
 * Time source of the local Neon API. Operations, rate limits and timestamps all read this clock, so
 * tests can move time forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves once `ms` have passed on this clock (an injected `delay` fault waits on it). A clock
   * without it (one written before it existed) delays on real time.
   */
  sleep?(ms: number): Promise<void>;
}

export const systemClock = {
  now: () => Date.now(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
} satisfies Clock;

/** A clock that only moves when told to; starts at a fixed, readable instant by default. */
export class ManualClock implements Clock {
  private current: number;
  /** Sleeps not over yet, each with the instant it ends. */
  private sleepers: { until: number; wake: () => void }[] = [];

  constructor(start: number | Date = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  /** Ends when the clock has been moved `ms` forward (at once for 0). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ until: this.current + ms, wake }));
  }

  /** How many sleeps have not ended yet (a test sees a request held by a `delay` fault). */
  sleeping(): number {
    return this.sleepers.length;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms): ms must be a finite number ≥ 0, got ${ms}`);
    this.current += ms;
    this.wakeSleepers();
  }

  set(to: number | Date): void {
    this.current = typeof to === "number" ? to : to.getTime();
    this.wakeSleepers();
  }

  private wakeSleepers(): void {
    const due = this.sleepers.filter((s) => s.until <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.until > this.current);
    due.forEach((s) => s.wake());
  }
}

/** ISO 8601 with second precision and a `Z`, the way Neon prints timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
