/**
 * Time source of the local Neon API. Operations, rate limits and timestamps all read this clock, so
 * tests can move time forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; starts at a fixed, readable instant by default. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | Date = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms): ms must be a finite number ≥ 0, got ${ms}`);
    this.current += ms;
  }

  set(to: number | Date): void {
    this.current = typeof to === "number" ? to : to.getTime();
  }
}

/** ISO 8601 with second precision and a `Z`, the way Neon prints timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
