/**
 * The process-wide limiters, one per (base URL, account, limits). Module state on purpose: every
 * client in a Pulumi provider process must count against the same budget. It lives in a `const`
 * Map (never reassigned), which is what survives the way Pulumi loads provider code.
 */
import { type RateLimitOptions, RateLimiter, resolveRateLimits } from "../rateLimiter";

const limiters = new Map<string, RateLimiter>();

export function sharedRateLimiter(scope: string, limits: RateLimitOptions): RateLimiter {
  const resolved = resolveRateLimits(limits);
  const key = `${scope} ${resolved.perMinute}/min ${resolved.perSecondPerRoute}/s`;
  let limiter = limiters.get(key);
  if (limiter === undefined) {
    limiter = new RateLimiter(resolved);
    limiters.set(key, limiter);
  }
  return limiter;
}
