import type { Clock } from "../../../provider/client";

/**
 * A clock whose time moves only when every pending sleep is due: `sleep(ms)` records the request
 * and is resolved on a later turn of the event loop with `now()` advanced to its deadline. Tests
 * run in milliseconds and can assert exactly which waits were asked for.
 */
export class VirtualClock implements Clock {
  /** Every duration passed to `sleep`, in call order. */
  readonly sleeps: number[] = [];
  private current: number;
  private timers: { at: number; resolve: () => void }[] = [];
  private pumpScheduled = false;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const timer = {
        at: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
      this.schedulePump();
    });
  }

  /** Fires the earliest timers once the current turn (and its microtasks) has run. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      if (this.timers.length === 0) return;
      const earliest = Math.min(...this.timers.map((t) => t.at));
      this.current = Math.max(this.current, earliest);
      const due = this.timers.filter((t) => t.at <= this.current);
      this.timers = this.timers.filter((t) => t.at > this.current);
      for (const timer of due) timer.resolve();
      if (this.timers.length > 0) this.schedulePump();
    });
  }
}
