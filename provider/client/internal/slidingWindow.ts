/**
 * "At most `limit` events in any window of `windowMs`": an exact sliding-window log kept in a ring
 * buffer of the last `limit` timestamps. Memory is O(limit); every operation is O(1) amortised.
 */
export class SlidingWindow {
  private readonly stamps: Float64Array;
  private head = 0; // index of the oldest timestamp
  private count = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.stamps = new Float64Array(limit);
  }

  /** How long until one more event fits; 0 if it fits now. */
  waitTime(now: number): number {
    this.evictBefore(now);
    if (this.count < this.limit) return 0;
    return this.stamps[this.head]! + this.windowMs - now;
  }

  /** Records an event; the caller has checked `waitTime(now) === 0`. */
  record(now: number): void {
    this.stamps[(this.head + this.count) % this.limit] = now;
    this.count += 1;
  }

  private evictBefore(now: number): void {
    while (this.count > 0 && this.stamps[this.head]! <= now - this.windowMs) {
      this.head = (this.head + 1) % this.limit;
      this.count -= 1;
    }
  }
}
