/**
 * Options + environment → the settings a client runs with. All validation happens here, so a bad
 * option (or a missing key) fails in the constructor, before any request.
 */
import { createHash } from "node:crypto";
import { type Clock, systemClock } from "../clock";
import type { NeonClientOptions } from "../options";
import { RateLimiter } from "../rateLimiter";
import { defaultRetryPolicy, type RetryPolicy } from "../retryPolicy";
import { loggerFromEnvironment, type NeonLogger } from "./debugLog";
import { configurationError } from "./errorFactory";
import { defaultOperationWaitPolicy, type OperationTracker, type OperationWaitPolicy } from "./operationWaiter";
import type { PipelineSettings } from "./requestPipeline";
import { sharedOperationTracker, sharedRateLimiter } from "./processShared";
import { userAgent } from "./userAgent";

export const DEFAULT_BASE_URL = "https://console.neon.tech/api/v2";
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ClientSettings {
  readonly apiKey: string;
  readonly pipeline: PipelineSettings;
  readonly operationWait: OperationWaitPolicy;
  readonly operationTracker: OperationTracker;
  readonly waitAfterMutations: boolean;
}

export function resolveClientSettings(options: NeonClientOptions, env: NodeJS.ProcessEnv): ClientSettings {
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.NEON_API_KEY);
  if (apiKey === undefined) {
    throw configurationError("no Neon API key: pass `apiKey` to NeonClient or set the NEON_API_KEY environment variable");
  }
  const baseUrl = parseBaseUrl(nonEmpty(options.baseUrl) ?? nonEmpty(env.NEON_API_HOST) ?? DEFAULT_BASE_URL);
  const clock: Clock = options.clock ?? systemClock;
  const retryPolicy: RetryPolicy = {
    maxAttempts: whole(options.retry?.maxAttempts ?? defaultRetryPolicy.maxAttempts, "retry.maxAttempts", 1),
    baseDelayMs: whole(options.retry?.baseDelayMs ?? defaultRetryPolicy.baseDelayMs, "retry.baseDelayMs", 0),
    maxDelayMs: whole(options.retry?.maxDelayMs ?? defaultRetryPolicy.maxDelayMs, "retry.maxDelayMs", 0),
    deadlineMs: whole(options.retry?.deadlineMs ?? defaultRetryPolicy.deadlineMs, "retry.deadlineMs", 0),
  };
  const ops = options.operations ?? {};
  const operationWait: OperationWaitPolicy = {
    firstPollDelayMs: whole(ops.firstPollDelayMs ?? defaultOperationWaitPolicy.firstPollDelayMs, "operations.firstPollDelayMs", 0),
    maxPollIntervalMs: whole(ops.maxPollIntervalMs ?? defaultOperationWaitPolicy.maxPollIntervalMs, "operations.maxPollIntervalMs", 0),
    backoffFactor: atLeastOne(ops.backoffFactor ?? defaultOperationWaitPolicy.backoffFactor, "operations.backoffFactor"),
    deadlineMs: whole(ops.deadlineMs ?? defaultOperationWaitPolicy.deadlineMs, "operations.deadlineMs", 0),
  };
  const logger: NeonLogger | undefined =
    options.logger === false ? undefined : (options.logger ?? loggerFromEnvironment(env));
  return {
    apiKey,
    operationWait,
    operationTracker: sharedOperationTracker(accountScope(baseUrl, apiKey), clock),
    waitAfterMutations: ops.waitAfterMutations ?? true,
    pipeline: {
      baseUrl,
      userAgent: userAgent(options.userAgent),
      timeoutMs: whole(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs", 1),
      retryPolicy,
      rateLimiter: chooseRateLimiter(options, baseUrl, apiKey, clock),
      clock,
      random: options.random ?? Math.random,
      logger,
      dispatcher: options.dispatcher,
    },
  };
}

function chooseRateLimiter(options: NeonClientOptions, baseUrl: string, apiKey: string, clock: Clock): RateLimiter | undefined {
  const choice = options.rateLimit;
  if (choice === false) return undefined;
  if (choice instanceof RateLimiter) return choice;
  // Timestamps from different clocks cannot share one window.
  if (options.clock !== undefined) return new RateLimiter({ ...choice, clock });
  return sharedRateLimiter(accountScope(baseUrl, apiKey), choice ?? {});
}

/** Neon's limits and projects are per account; the key is the closest thing the client knows. Only a digest is kept. */
function accountScope(baseUrl: string, apiKey: string): string {
  return `${baseUrl} ${createHash("sha256").update(apiKey).digest("hex").slice(0, 16)}`;
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configurationError(`baseUrl must be an absolute http(s) URL such as ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw configurationError(`baseUrl must use http or https, got ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw configurationError("baseUrl must not contain credentials; pass the key as apiKey");
  }
  return url.toString().replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** Validates an option that is a whole number of at least `min` (deadlines, attempts, intervals). */
export function whole(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw configurationError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

function atLeastOne(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw configurationError(`${name} must be a number ≥ 1, got ${value}`);
  return value;
}
