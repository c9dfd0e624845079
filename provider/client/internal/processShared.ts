/**
 * What every client of one Neon account in the process shares: the rate limiter (one budget per
 * account) and the operation tracker (one view of each project's running operations). Module state
 * on purpose: every client in a Pulumi provider process must count against the same budget and see
 * the same operations. It lives in `const` Maps (never reassigned), which is what survives the way
 * Pulumi loads provider code. Operation trackers are also kept per clock: times from different
 * clocks cannot be compared (clients given a clock of their own share one only with clients given
 * the same clock object).
 */
import type { Clock } from "../clock";
import { type RateLimitOptions, RateLimiter, resolveRateLimits } from "../rateLimiter";
import { OperationTracker } from "./operationWaiter";

const limiters = new Map<string, RateLimiter>();
const trackers = new WeakMap<Clock, Map<string, OperationTracker>>();

/** `scope` names the account: the base URL and a digest of the key. */
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

export function sharedOperationTracker(scope: string, clock: Clock): OperationTracker {
  let byScope = trackers.get(clock);
  if (byScope === undefined) {
    byScope = new Map();
    trackers.set(clock, byScope);
  }
  let tracker = byScope.get(scope);
  if (tracker === undefined) {
    tracker = new OperationTracker(clock);
    byScope.set(scope, tracker);
  }
  return tracker;
}
