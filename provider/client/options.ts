import type { Dispatcher } from "undici";
import type { Clock } from "./clock";
import type { NeonLogger } from "./internal/debugLog";
import type { RateLimitOptions, RateLimiter } from "./rateLimiter";
import type { RetryPolicy } from "./retryPolicy";

export type { NeonLogger } from "./internal/debugLog";

export interface NeonClientOptions {
  /** Neon API key. Default: the NEON_API_KEY environment variable; missing both is an error at construction. */
  readonly apiKey?: string;
  /** Default: NEON_API_HOST, then `https://console.neon.tech/api/v2`. Include the `/api/v2` prefix. */
  readonly baseUrl?: string;
  /** Per attempt: longest wait for the response headers, then for each part of the body (undici timers, one-second resolution). Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Overrides for the retry policy (attempts, backoff, deadline); see `retryPolicy.ts`. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Client-side rate limiting before sending. Default: a limiter shared by every client in the
   * process with the same base URL and key, at Neon's limits (700/min, 40/s per route). Pass limits
   * to size it differently, your own `RateLimiter` to share one explicitly, or `false` to disable.
   * A client with a custom `clock` gets a limiter of its own on that clock.
   */
  readonly rateLimit?: false | RateLimitOptions | RateLimiter;
  readonly operations?: {
    /** Whether mutating methods wait for the operations they started. Default true. */
    readonly waitAfterMutations?: boolean;
    /**
     * How long an operation is assumed to take before this process has seen one finish (afterwards,
     * as long as the same action last took); also the first delay once operations run late.
     * Default 300 ms.
     */
    readonly firstPollDelayMs?: number;
    /** Default 5 000 ms. */
    readonly maxPollIntervalMs?: number;
    /** Default 1.5. */
    readonly backoffFactor?: number;
    /** Default 15 minutes. */
    readonly deadlineMs?: number;
  };
  /** Time source for retry waits, rate limiting and polling. Default: the system clock. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Receives one line per attempt. Default: stderr when NEON_LOG=debug, else nothing; `false` silences. */
  readonly logger?: NeonLogger | false;
  /** An undici dispatcher (a proxy agent, a mock). Default: undici's global keep-alive dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Prepended to the User-Agent, e.g. `my-platform/2.1`. */
  readonly userAgent?: string;
}

export interface RequestOptions {
  /** Aborts the request, its retries and any wait (NeonAbortError). */
  readonly signal?: AbortSignal;
}

export interface MutationOptions extends RequestOptions {
  /** Wait for the operations this call started before returning. Default: the client's setting (true). */
  readonly waitForOperations?: boolean;
}

export interface WaitOptions extends RequestOptions {
  /** Overrides the client's operation deadline for this wait. */
  readonly deadlineMs?: number;
}
