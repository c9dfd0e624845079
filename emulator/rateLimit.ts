/**
 * Neon's rate limits: 700 requests per minute per account, and bursts of at most 40 requests per
 * second per route, on the injected clock. The account limit is a sliding window (a log of the
 * last minute's requests, the client's own `SlidingWindow`): a token bucket refilled at 700/min would admit up to twice that in one
 * minute, so a client exceeding Neon's limit could pass here. Routes use token buckets (the burst
 * allowance). A refused request gets 429 with the seconds until it would pass in Retry-After.
 */
import { SlidingWindow } from "../provider/client/internal/slidingWindow";
import { neonRateLimits as documentedLimits } from "../provider/client/neonLimits";
import type { Clock } from "./clock";

export interface RateLimitSettings {
  perMinute: number;
  perSecondPerRoute: number;
}

/** Neon's limits, as the client also knows them (one declaration: provider/client/neonLimits.ts). */
export const neonRateLimits: RateLimitSettings = { ...documentedLimits };

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }

  /** Milliseconds until one token is available (0 when one is available now). */
  waitMs(now: number): number {
    this.refill(now);
    // Refills are sums of fractions: allow for rounding so a full token is not refused as 0.999….
    const missing = 1 - this.tokens;
    return missing <= 1e-9 ? 0 : Math.ceil(missing / this.refillPerMs);
  }

  take(): void {
    this.tokens -= 1;
  }
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: string };

export class RateLimiter {
  private readonly account: SlidingWindow;
  private readonly routes = new Map<string, TokenBucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly clock: Clock,
  ) {
    if (!(settings.perMinute > 0) || !(settings.perSecondPerRoute > 0)) {
      throw new RangeError("rate limits must be positive numbers of requests");
    }
    this.account = new SlidingWindow(settings.perMinute, 60_000);
  }

  /** Admits the request against both the account window and the route bucket, or neither. */
  check(routeKey: string): RateLimitDecision {
    const now = this.clock.now();
    let route = this.routes.get(routeKey);
    if (!route) {
      route = new TokenBucket(this.settings.perSecondPerRoute, this.settings.perSecondPerRoute / 1000, now);
      this.routes.set(routeKey, route);
    }
    const accountWait = this.account.waitTime(now);
    const routeWait = route.waitMs(now);
    if (accountWait > 0 || routeWait > 0) {
      const scope = accountWait >= routeWait ? `${this.settings.perMinute} requests per minute per account` : `${this.settings.perSecondPerRoute} requests per second on ${routeKey}`;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(accountWait, routeWait) / 1000)), scope };
    }
    this.account.record(now);
    route.take();
    return { allowed: true };
  }
}
