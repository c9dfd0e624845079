/**
 * One HTTP attempt over undici. It never throws: the outcome (a response, or how the transport
 * failed) goes back to the retry loop, which decides what it means for this method.
 *
 * Without a `dispatcher` option undici's global dispatcher is used: one process-wide keep-alive pool
 * per origin that this package does not own. That keeps `new NeonClient()` free (no sockets, nothing
 * to close, nothing for Pulumi's closure serializer to capture) while connections are still reused
 * across the many short-lived clients a Pulumi provider creates.
 */
import { type Dispatcher, request } from "undici";
import type { HttpMethod, TransportFailure } from "../retryPolicy";

export interface AttemptRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly dispatcher: Dispatcher | undefined;
  /** Longest wait for the response headers, then for each part of the body. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

export type AttemptResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
      readonly bodyText: string;
    }
  | { readonly kind: "transport"; readonly failure: TransportFailure; readonly code: string | undefined; readonly error: unknown }
  | { readonly kind: "aborted"; readonly error: unknown };

export async function sendAttempt(attempt: AttemptRequest): Promise<AttemptResult> {
  try {
    const response = await request(attempt.url, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body,
      // undici's own timers rather than an AbortController per attempt: handing undici a signal
      // costs more than the rest of the client's per-request work put together (bench/client.ts).
      // They run at one-second resolution, which is fine for timeouts of seconds.
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
      dispatcher: attempt.dispatcher,
      ...(attempt.signal === undefined ? {} : { signal: attempt.signal }),
    });
    const bodyText = await response.body.text();
    return { kind: "response", status: response.statusCode, headers: response.headers, bodyText };
  } catch (error) {
    if (attempt.signal?.aborted === true) return { kind: "aborted", error };
    const code = errorCode(error);
    return { kind: "transport", failure: transportFailureOf(code), code, error };
  }
}

/** Codes meaning the connection was never established, so the request was not sent. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TIMED_OUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/**
 * Anything not known to have happened before sending counts as "connection lost": for a POST that is
 * the safe reading (ambiguous, not replayed).
 */
export function transportFailureOf(code: string | undefined): TransportFailure {
  if (code !== undefined && NOT_SENT.has(code)) return "connect_failed";
  if (code !== undefined && TIMED_OUT.has(code)) return "timeout";
  return "connection_lost";
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // undici wraps some socket errors; the system code is then on the cause.
  const cause = (error as { cause?: unknown }).cause;
  return cause === error ? undefined : errorCode(cause);
}
