import type { Clock } from "../../provider/client";

/** The part of the local Neon API's ManualClock this needs. */
interface AdvanceableClock {
  now(): number;
  advance(ms: number): void;
}

/**
 * A client clock that drives the local Neon API's manual clock: when the client waits (a retry, a
 * rate-limit pause, an operation poll), emulated time moves forward by that much and the wait ends
 * on the next turn of the event loop. Operations, locks and Retry-After then behave as in real time,
 * without the test waiting for them. `sleeps` records every wait asked for.
 *
 * Each wait moves time on as soon as it starts, even while other requests are in flight, so it is
 * right for sequences of calls and wrong for asserting how concurrent bursts arrive at the server.
 */
export class LinkedClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private readonly target: AdvanceableClock) {}

  now(): number {
    return this.target.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    this.target.advance(Math.max(0, ms));
    return new Promise((resolve) => setImmediate(resolve));
  }
}
