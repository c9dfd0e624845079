/**
 * Credentials and client settings for provider methods. They come from the stack config given to
 * `configure` (`neon:apiKey`, secret; `neon:apiHost`), falling back to NEON_API_KEY / NEON_API_HOST
 * read inside each call. Nothing here is ever captured in the serialized provider: values live on
 * this module's state object (a `let` would be copied per function when serialized by value).
 *
 * `configure` sets everything synchronously, before any `await`: the plugin caches the provider
 * before awaiting `configure`, so concurrent first calls would otherwise run unconfigured.
 */
import { NeonClient } from "../../client/neonClient";
import type { NeonClientOptions } from "../../client/options";
import { scaledRateLimits } from "../../client/rateLimiter";

interface ConfigSource {
  get(key: string): string | undefined;
}

const state: { apiKey?: string; apiHost?: string } = {};

/**
 * Extra client options for every provider call in this process (a virtual clock, faster polling):
 * the seam of in-process tests and benchmarks (test/support/clientOverrides.ts). A slot on the
 * global object under a registered symbol, not an export: the package's API carries no test hook.
 */
const clientOverridesSlot = Symbol.for("neon-pulumi-dynamic.providerClientOverrides");

function processClientOverrides(): Partial<NeonClientOptions> {
  return ((globalThis as Record<symbol, unknown>)[clientOverridesSlot] as Partial<NeonClientOptions> | undefined) ?? {};
}

export function configure(req: { config: ConfigSource }): Promise<void> {
  state.apiKey = nonEmpty(req.config.get("neon:apiKey"));
  state.apiHost = nonEmpty(req.config.get("neon:apiHost"));
  return Promise.resolve();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/**
 * Operation polling can be tightened for local runs (NEON_OPERATION_POLL_MS), e.g. against the
 * local Neon API whose operations take milliseconds, and the deadline for an operation set
 * (NEON_OPERATION_DEADLINE_MS, default 15 minutes), e.g. to see a slow operation fail in a test.
 */
function pollOverrides(env: Environment): NeonClientOptions["operations"] | undefined {
  const poll = positiveMs(env, "NEON_OPERATION_POLL_MS");
  const deadline = positiveMs(env, "NEON_OPERATION_DEADLINE_MS");
  if (poll === undefined && deadline === undefined) return undefined;
  return { ...(poll !== undefined ? { firstPollDelayMs: poll, maxPollIntervalMs: poll } : {}), ...(deadline !== undefined ? { deadlineMs: deadline } : {}) };
}

function positiveMs(env: Environment, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`${name} must be a positive number of milliseconds, got "${raw}"`);
  return ms;
}

type Environment = Record<string, string | undefined>;

/**
 * NEON_RATE_LIMIT_TIME_FACTOR: the client's limiter at Neon's limits scaled by this factor (see
 * scaledRateLimits), to match a local Neon API run at the same factor (the fleet benchmark).
 */
function rateLimitOverride(env: Environment): Pick<NeonClientOptions, "rateLimit"> {
  const raw = env.NEON_RATE_LIMIT_TIME_FACTOR;
  if (raw === undefined || raw === "") return {};
  try {
    return { rateLimit: scaledRateLimits(Number(raw)) };
  } catch {
    throw new Error(`NEON_RATE_LIMIT_TIME_FACTOR must be a positive number, got "${raw}"`);
  }
}

/** A client for one provider call. Cheap: the rate limiter is shared per key and host in the process. */
export function neonClientForCall(): NeonClient {
  return neonClientFor({ apiKey: state.apiKey, apiHost: state.apiHost }, process.env, processClientOverrides());
}

/**
 * A client as a provider process would make it from the stack config (`neon:apiKey`,
 * `neon:apiHost`) and the environment it runs in: the runner's recovery of interrupted creates
 * uses it with the stack's config and the engine's environment.
 */
export function neonClientFor(config: { apiKey?: string; apiHost?: string }, env: Environment, overrides: Partial<NeonClientOptions> = {}): NeonClient {
  return new NeonClient({
    apiKey: nonEmpty(config.apiKey) ?? env.NEON_API_KEY,
    baseUrl: nonEmpty(config.apiHost) ?? nonEmpty(env.NEON_API_HOST),
    userAgent: "pulumi-neon-dynamic",
    ...clientOptionsFromEnvironment(env),
    ...overrides,
  });
}

/** The client settings the environment tunes: operation polling and deadline, the rate limit's time factor. */
export function clientOptionsFromEnvironment(env: Environment): Pick<NeonClientOptions, "operations" | "rateLimit"> {
  const operations = pollOverrides(env);
  return { ...(operations ? { operations } : {}), ...rateLimitOverride(env) };
}
