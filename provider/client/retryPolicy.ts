/**
 * When a failed attempt is sent again, and after how long. Pure: everything it needs (the time, the
 * jitter draw) comes in as arguments, so it is tested exhaustively without a server or a clock.
 *
 * | outcome of the attempt                   | GET / PUT / DELETE | POST / PATCH       | why                                                        |
 * |------------------------------------------|--------------------|--------------------|------------------------------------------------------------|
 * | 423 Locked                               | retry              | retry              | project busy with other operations; nothing was done       |
 * | 429 Too Many Requests                    | retry              | retry              | rate limited before anything was done                      |
 * | 503 Service Unavailable                  | retry              | retry              | Neon refused the request before doing anything             |
 * | other 5xx (500, 502, 504, …)             | retry              | ambiguous write    | the write may have been applied before the failure         |
 * | other 4xx (400, 401, 403, 404, 409, …)   | fail               | fail               | the request itself is wrong; sending it again cannot help  |
 * | could not connect (refused, DNS, connect timeout) | retry     | retry              | nothing was sent                                           |
 * | connection lost after sending            | retry              | ambiguous write    | the server may have applied it before the drop             |
 * | no response within the attempt timeout   | retry              | ambiguous write    | same: it may be applied, only the answer is missing        |
 *
 * A retry waits for `Retry-After` (seconds or HTTP date) when the response has one, otherwise for an
 * exponential backoff with full jitter: `random × min(maxDelayMs, baseDelayMs × 2^(attempt−1))`.
 * It is not sent when the attempts are used up or when the wait would end after the deadline.
 * GET, PUT and DELETE are idempotent in Neon's API (DELETE of a missing branch, endpoint, role or
 * database answers 204), so sending them again is safe.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** How an attempt failed when there was no HTTP status to look at. */
export type TransportFailure =
  /** The connection could not be opened; the request never left this machine. */
  | "connect_failed"
  /** The connection closed or reset after the request may have been sent. */
  | "connection_lost"
  /** The request was sent but no complete response arrived in time. */
  | "timeout";

export type AttemptOutcome =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "transport"; readonly failure: TransportFailure };

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  /** Backoff for the first retry before jitter; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Cap on the backoff (not on Retry-After, which Neon sets deliberately). */
  readonly maxDelayMs: number;
  /** No retry starts later than this after the first attempt began. */
  readonly deadlineMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  // 423 is the common case: a project stays locked while its operations run, typically seconds.
  // Twelve attempts under a two-minute deadline cover that without hiding a stuck project.
  maxAttempts: 12,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  deadlineMs: 120_000,
};

export type RetryClass = "retry" | "fail" | "ambiguous";

/** The table above, for one outcome: retry it, fail with it, or report an ambiguous write. */
export function classifyOutcome(method: HttpMethod, outcome: AttemptOutcome): { readonly class: RetryClass; readonly reason: string } {
  const isWrite = method === "POST" || method === "PATCH";
  if (outcome.kind === "transport") {
    switch (outcome.failure) {
      case "connect_failed":
        return { class: "retry", reason: "could not connect; nothing was sent" };
      case "connection_lost":
        return isWrite
          ? { class: "ambiguous", reason: "connection lost after the request was sent" }
          : { class: "retry", reason: "connection lost; the method is idempotent" };
      case "timeout":
        return isWrite
          ? { class: "ambiguous", reason: "no response within the timeout after the request was sent" }
          : { class: "retry", reason: "timed out; the method is idempotent" };
    }
  }
  const { status } = outcome;
  if (status === 423) return { class: "retry", reason: "423 Locked: the project is busy with other operations" };
  if (status === 429) return { class: "retry", reason: "429 rate limited" };
  if (status === 503) return { class: "retry", reason: "503: the request was refused before anything was done" };
  if (status >= 500 && status <= 599) {
    return isWrite
      ? { class: "ambiguous", reason: `${status}: the write may have been applied before the failure` }
      : { class: "retry", reason: `${status}; the method is idempotent` };
  }
  return { class: "fail", reason: `${status} is not retryable` };
}

const httpDate =
  /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date; undefined if absent or invalid. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the HTTP date formats (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime
  // forms): Date.parse accepts far more, e.g. "10 GMT" or "-1", and reads them as dates long past.
  if (!httpDate.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter exponential backoff for the retry after `attempt` (1-based). `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}

export interface RetryInput {
  readonly method: HttpMethod;
  readonly outcome: AttemptOutcome;
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly retryAfterHeader?: string;
  /** Current time and the time the first attempt started, both from the client's clock. */
  readonly now: number;
  readonly startedAt: number;
  /** A draw in [0, 1) for the jitter. */
  readonly random: number;
  readonly policy: RetryPolicy;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly reason: string }
  | { readonly retry: false; readonly reason: string; readonly ambiguousWrite: boolean };

export function decideRetry(input: RetryInput): RetryDecision {
  const { class: retryClass, reason } = classifyOutcome(input.method, input.outcome);
  if (retryClass !== "retry") return { retry: false, reason, ambiguousWrite: retryClass === "ambiguous" };
  if (input.attempt >= input.policy.maxAttempts) {
    return { retry: false, reason: `${reason}; gave up after ${input.attempt} attempts`, ambiguousWrite: false };
  }
  const retryAfterMs = parseRetryAfter(input.retryAfterHeader, input.now);
  const delayMs = retryAfterMs ?? backoffDelay(input.attempt, input.random, input.policy);
  const elapsedAfterWait = input.now - input.startedAt + delayMs;
  if (elapsedAfterWait > input.policy.deadlineMs) {
    return {
      retry: false,
      reason: `${reason}; waiting ${delayMs} ms more would pass the ${input.policy.deadlineMs} ms deadline`,
      ambiguousWrite: false,
    };
  }
  return { retry: true, delayMs, reason };
}
