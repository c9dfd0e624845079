/**
 * The client's only source of time. Retry delays, rate-limiter waits and operation polling all go
 * through it, so tests inject a virtual clock and never really sleep.
 */
export interface Clock {
  /**
   * Milliseconds since the epoch, from a clock that never goes backwards: intervals (rate-limit
   * windows, retry deadlines, polling) must not stall or stretch when the wall clock is stepped.
   */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  // performance.now() is monotonic; anchored at the process's time origin it reads like Date.now()
  // but does not jump when NTP or a resumed VM steps the wall clock (a step back would otherwise
  // hold every request in the rate limiter for as long as the step).
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      // Not unref'd on purpose: a pending retry must keep a short-lived process (a Pulumi provider
      // call, a script) alive until it has been sent.
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
