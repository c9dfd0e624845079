/**
 * One logical API call: rate limiter → attempt → retry policy → (wait, repeat) → parsed response or
 * one typed error. Hand-written rather than undici's RetryAgent because the retry decision depends on
 * the method *and* the outcome (a 423 is retried on POST, a 502 on POST is an ambiguous write), each
 * attempt must pass the rate limiter and carry its attempt number, and waits go through the
 * injectable clock (see docs/client.md, "Retries").
 */
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import type { Clock } from "../clock";
import type { NeonError } from "../errors";
import type { RateLimiter } from "../rateLimiter";
import { type AttemptOutcome, decideRetry, type HttpMethod, parseRetryAfter, type RetryPolicy } from "../retryPolicy";
import { attemptLogLine, type NeonLogger } from "./debugLog";
import {
  abortError,
  ambiguousWriteError,
  apiError,
  type ErrorContext,
  responseValidationError,
  transportError,
} from "./errorFactory";
import { dropNullProperties } from "./dropNullProperties";
import { fillPathTemplate, type PathParams, type QueryParams, queryString } from "./routes";
import { type AttemptResult, sendAttempt } from "./transport";

/** Sent with every attempt: 1 for the first, 2 for the first retry… (same X-Request-ID on all). */
export const ATTEMPT_HEADER = "X-Neon-Attempt";

export interface PipelineSettings {
  readonly baseUrl: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly rateLimiter: RateLimiter | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: NeonLogger | undefined;
  readonly dispatcher: Dispatcher | undefined;
}

export interface RouteCall<T> {
  readonly method: HttpMethod;
  /** Neon's path template, e.g. `/projects/{project_id}/branches`. */
  readonly template: string;
  readonly params?: PathParams;
  readonly query?: QueryParams;
  readonly body?: unknown;
  readonly schema: z.ZodType<T>;
}

interface SuccessfulResponse {
  readonly status: number;
  readonly bodyText: string;
  readonly route: string;
  /** For a validation error; only called when there is one. */
  readonly contextOf: () => ErrorContext;
}

/** A reading of Neon's clock: its time (second precision) and ours when the answer arrived. */
export interface ServerTime {
  readonly serverMs: number;
  readonly localMs: number;
}

export type CallResult<T> = { readonly gone: false; readonly data: T } | { readonly gone: true };

export class RequestPipeline {
  // Private fields (not properties) so that neither JSON.stringify nor util.inspect of a client
  // can show the key (or dump the settings).
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  readonly #settings: PipelineSettings;
  /** Neon's own time, from the last response's `Date` header, with our monotonic time at receipt. */
  #serverTime: ServerTime | undefined;

  constructor(settings: PipelineSettings, apiKey: string) {
    this.#settings = settings;
    this.#authorization = `Bearer ${apiKey}`;
    this.#secrets = [apiKey];
  }

  get clock(): Clock {
    return this.#settings.clock;
  }

  /** Neon's clock as last seen (its `Date` header), or undefined before any response carried one. */
  get serverTime(): ServerTime | undefined {
    return this.#serverTime;
  }

  /** The literal secrets error messages must never contain. */
  get secrets(): readonly string[] {
    return this.#secrets;
  }

  async send<T>(call: RouteCall<T>, signal?: AbortSignal): Promise<T> {
    const response = await this.execute(call, signal);
    return parseResponse(call.schema, response);
  }

  /** A DELETE where 204 means "already gone" (Neon's answer for branches, endpoints, roles, databases). */
  async sendDelete<T>(call: RouteCall<T>, signal?: AbortSignal): Promise<CallResult<T>> {
    const response = await this.execute(call, signal);
    return response.status === 204 ? { gone: true } : { gone: false, data: parseResponse(call.schema, response) };
  }

  /** Sends attempts until one gets a 2xx (returned) or the retry policy gives up (thrown). */
  private async execute(call: RouteCall<unknown>, signal: AbortSignal | undefined): Promise<SuccessfulResponse> {
    const settings = this.#settings;
    const { logger, rateLimiter } = settings;
    const path = fillPathTemplate(call.template, call.params);
    const url = settings.baseUrl + path + queryString(call.query);
    const route = `${call.method} ${call.template}`;
    const requestId = randomUUID();
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const startedAt = settings.clock.now();
    // Time queued in the rate limiter is not failure: it does not count against the retry deadline.
    let queuedMs = 0;
    const maxAttempts = settings.retryPolicy.maxAttempts;
    // Built only when an error needs it: the success path allocates as little as possible.
    const contextOf = (attempts: number): ErrorContext => ({ method: call.method, path, requestId, attempts, secrets: this.#secrets });

    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted === true) throw abortError(contextOf(attempt), signal.reason);
      let rateLimitWaitMs = 0;
      if (rateLimiter !== undefined) {
        try {
          rateLimitWaitMs = await rateLimiter.acquire(route, signal);
          queuedMs += rateLimitWaitMs;
        } catch (error) {
          throw abortError(contextOf(attempt), error);
        }
      }
      const attemptStart = logger === undefined ? 0 : performance.now();
      const result = await sendAttempt({
        url,
        method: call.method,
        headers: {
          authorization: this.#authorization,
          accept: "application/json",
          "user-agent": settings.userAgent,
          "x-request-id": requestId,
          [ATTEMPT_HEADER]: String(attempt),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body,
        dispatcher: settings.dispatcher,
        timeoutMs: settings.timeoutMs,
        signal,
      });
      const log = (next?: string): void =>
        logger?.debug(
          attemptLogLine({
            method: call.method,
            path,
            result: resultLabel(result),
            durationMs: performance.now() - attemptStart,
            attempt,
            maxAttempts,
            requestId,
            rateLimitWaitMs,
            ...(next === undefined ? {} : { next }),
          }),
        );

      if (result.kind === "aborted") {
        log();
        const aborted = abortError(contextOf(attempt), result.error);
        // Aborted while the attempt was in flight: a POST or PATCH may have been applied already,
        // so the caller must reconcile exactly as after a dropped connection.
        if (call.method === "POST" || call.method === "PATCH") {
          throw ambiguousWriteError(contextOf(attempt), "aborted by the caller while the request was in flight", aborted);
        }
        throw aborted;
      }
      if (result.kind === "response" && result.status >= 200 && result.status < 300) {
        const date = Date.parse(headerValue(result.headers, "date") ?? "");
        if (!Number.isNaN(date)) this.#serverTime = { serverMs: date, localMs: settings.clock.now() };
        if (logger !== undefined) log();
        return { status: result.status, bodyText: result.bodyText, route, contextOf: () => contextOf(attempt) };
      }

      const outcome: AttemptOutcome =
        result.kind === "response" ? { kind: "status", status: result.status } : { kind: "transport", failure: result.failure };
      const retryAfterHeader = result.kind === "response" ? headerValue(result.headers, "retry-after") : undefined;
      const now = settings.clock.now();
      const decision = decideRetry({
        method: call.method,
        outcome,
        attempt,
        ...(retryAfterHeader === undefined ? {} : { retryAfterHeader }),
        now,
        startedAt: startedAt + queuedMs,
        random: settings.random(),
        policy: settings.retryPolicy,
      });
      log(decision.retry ? `retrying in ${decision.delayMs}ms: ${decision.reason}` : `giving up: ${decision.reason}`);

      if (decision.retry) {
        try {
          await settings.clock.sleep(decision.delayMs, signal);
        } catch (error) {
          throw abortError(contextOf(attempt), error);
        }
        continue;
      }
      const context = contextOf(attempt);
      const error: NeonError =
        result.kind === "response"
          ? apiError(
              {
                status: result.status,
                bodyText: result.bodyText,
                requestIdHeader: headerValue(result.headers, "x-request-id"),
                retryAfterMs: parseRetryAfter(retryAfterHeader, now),
              },
              context,
            )
          : transportError(result.failure, context, result.error, result.code);
      throw decision.ambiguousWrite ? ambiguousWriteError(context, decision.reason, error) : error;
    }
  }
}

function resultLabel(result: AttemptResult): number | string {
  switch (result.kind) {
    case "response":
      return result.status;
    case "transport":
      return result.code === undefined ? result.failure : `${result.failure} (${result.code})`;
    case "aborted":
      return "aborted";
  }
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseResponse<T>(schema: z.ZodType<T>, response: SuccessfulResponse): T {
  const validationError = (field: string, issue: string) =>
    responseValidationError({ ...response.contextOf(), status: response.status, route: response.route }, field, issue);
  let json: unknown;
  if (response.bodyText !== "") {
    try {
      json = JSON.parse(response.bodyText);
    } catch {
      // JSON.parse's own message quotes the body, which may hold a password: say only what failed.
      throw validationError("", "the body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(dropNullProperties(json));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw validationError(formatFieldPath(issue?.path ?? []), issue?.message ?? "invalid");
}

/** `["branches", 0, "id"]` → `branches[0].id`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
