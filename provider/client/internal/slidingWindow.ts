/**
 * "At most `limit` events in any window of `windowMs`": an exact sliding-window log kept in a ring
 * buffer of the last `limit` timestamps. The buffer grows as events come, up to what the limit can
 * hold, so a very large limit (or `Infinity`, no limit) costs memory only for the events of one
 * window. Every operation is O(1) amortised.
 */
export class SlidingWindow {
  private stamps = new Float64Array(0);
  private head = 0; // index of the oldest timestamp
  private count = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** How long until one more event fits; 0 if it fits now. */
  waitTime(now: number): number {
    this.evictBefore(now);
    if (this.count < this.limit) return 0;
    return this.stamps[this.head]! + this.windowMs - now;
  }

  /** Records an event; the caller has checked `waitTime(now) === 0`. */
  record(now: number): void {
    if (this.count === this.stamps.length) this.grow();
    this.stamps[(this.head + this.count) % this.stamps.length] = now;
    this.count += 1;
  }

  /** Doubles the buffer (never past the most events the limit admits), oldest first. */
  private grow(): void {
    const size = Math.min(Math.max(16, this.stamps.length * 2), Math.ceil(this.limit));
    const next = new Float64Array(size);
    for (let i = 0; i < this.count; i++) next[i] = this.stamps[(this.head + i) % this.stamps.length]!;
    this.stamps = next;
    this.head = 0;
  }

  private evictBefore(now: number): void {
    while (this.count > 0 && this.stamps[this.head]! <= now - this.windowMs) {
      this.head = (this.head + 1) % this.stamps.length;
      this.count -= 1;
    }
  }
}
