import { type Clock, systemClock } from "./clock";
import { configurationError } from "./internal/errorFactory";
import { SlidingWindow } from "./internal/slidingWindow";
import { neonRateLimits } from "./neonLimits";

/**
 * Client-side rate limiting, applied before every attempt (retries included), so a fleet run stays
 * under Neon's limits instead of collecting 429s. Neon documents 700 requests per minute per account
 * with bursts of up to 40 requests per second per route; 429s that still come (other processes share
 * the account) are handled by the retry policy.
 *
 * Each limit is an exact sliding window ("at most N in any window"), not a token bucket: a bucket of
 * N tokens refilled at N per window admits up to 2N in one window, which is what Neon would refuse.
 */
export interface RateLimitOptions {
  /** Requests per rolling minute for everything sharing this limiter. Default 700. */
  readonly perMinute?: number;
  /** Requests per rolling second for one route (method + path template). Default 40. */
  readonly perSecondPerRoute?: number;
}

export const defaultRateLimits: Required<RateLimitOptions> = { ...neonRateLimits };

export class RateLimiter {
  readonly limits: Required<RateLimitOptions>;
  private readonly clock: Clock;
  private readonly account: SlidingWindow;
  private readonly routes = new Map<string, SlidingWindow>();

  constructor(options: RateLimitOptions & { readonly clock?: Clock } = {}) {
    this.limits = resolveRateLimits(options);
    this.clock = options.clock ?? systemClock;
    this.account = new SlidingWindow(this.limits.perMinute, 60_000);
  }

  /**
   * Waits until one more request on `route` (e.g. `POST /projects/{project_id}/branches`) fits both
   * windows, then counts it. Resolves with the time waited.
   */
  async acquire(route: string, signal?: AbortSignal): Promise<number> {
    const routeWindow = this.routeWindow(route);
    const start = this.clock.now();
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(this.account.waitTime(now), routeWindow.waitTime(now));
      if (wait <= 0) {
        this.account.record(now);
        routeWindow.record(now);
        return now - start;
      }
      await this.clock.sleep(wait, signal);
    }
  }

  private routeWindow(route: string): SlidingWindow {
    let window = this.routes.get(route);
    if (window === undefined) {
      window = new SlidingWindow(this.limits.perSecondPerRoute, 1_000);
      this.routes.set(route, window);
    }
    return window;
  }
}

/**
 * Neon's limits with time running `timeFactor` times faster: f × 700 a minute, f × 40 a second per
 * route (at least 1 each). A fleet benchmark runs the local Neon API and the providers' clients at
 * the same factor, so a run the real limits would make last hours takes minutes, or one that would
 * never meet the limit on a small machine meets it.
 */
export function scaledRateLimits(timeFactor: number): Required<RateLimitOptions> {
  if (!Number.isFinite(timeFactor) || timeFactor <= 0) throw configurationError(`rate limit time factor must be a positive number, got ${timeFactor}`);
  return {
    perMinute: Math.max(1, Math.round(defaultRateLimits.perMinute * timeFactor)),
    perSecondPerRoute: Math.max(1, Math.round(defaultRateLimits.perSecondPerRoute * timeFactor)),
  };
}

/** Fills in the defaults and checks the values (NeonConfigurationError if not positive integers). */
export function resolveRateLimits(options: RateLimitOptions): Required<RateLimitOptions> {
  return {
    perMinute: positiveInteger(options.perMinute ?? defaultRateLimits.perMinute, "perMinute"),
    perSecondPerRoute: positiveInteger(options.perSecondPerRoute ?? defaultRateLimits.perSecondPerRoute, "perSecondPerRoute"),
  };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw configurationError(`rate limit ${name} must be a positive integer, got ${value}`);
  return value;
}
