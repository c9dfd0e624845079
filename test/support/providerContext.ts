/**
 * What the in-process provider specs (test/resources/*Provider.test.ts) share: a local Neon API
 * with the provider methods pointed at it (as `configure` would with stack config) and operation
 * polling tightened for the emulator's fast operations, and the steps a stack takes around the
 * resource under test (the project it lives in, the engine's check-then-create).
 */
import assert from "node:assert/strict";
import type { Exchange, NeonLocal, NeonLocalOptions } from "../../emulator";
import type { NeonClientOptions } from "../../provider/client/options";
import { configure, neonClientForCall } from "../../provider/resources/common/providerConfig";
import { resetProviderConfiguration, setProviderClientOverrides } from "./clientOverrides";
import * as project from "../../provider/resources/project/lifecycle";
import { call, startTestNeon, type RawResponse } from "./neonLocal";

/** The emulator's operations take milliseconds, so the provider polls them that often; logs and client-side rate limiting would only slow the suite. */
const clientOverrides = (): Partial<NeonClientOptions> => ({ operations: { firstPollDelayMs: 2, maxPollIntervalMs: 5 }, rateLimit: false, logger: false });

/** Points the provider at `neon`, as `configure` does with the stack's `neon:apiKey` and `neon:apiHost`. */
async function useLocalNeon(neon: Pick<NeonLocal, "url" | "apiKey">): Promise<void> {
  const config: Record<string, string> = { "neon:apiKey": neon.apiKey, "neon:apiHost": neon.url };
  await configure({ config: { get: (key: string) => config[key] } });
  setProviderClientOverrides(clientOverrides());
}

/**
 * A local Neon API with the provider pointed at it. Its operations take 5 ms unless `options` say
 * otherwise: the provider's waiting for them is exercised, yet quick. Stop it with
 * `stopNeonForProviderTests`.
 */
export async function startNeonForProviderTests(options: NeonLocalOptions = {}): Promise<NeonLocal> {
  const neon = await startTestNeon({ operationDelayMs: 5, ...options });
  try {
    await useLocalNeon(neon);
  } catch (err) {
    await neon.close();
    throw err;
  }
  return neon;
}

/**
 * The hooks of a provider spec: a local Neon API with the provider pointed at it before the tests
 * (handed to `use`), its faults cleared after each test, and stopped after them all.
 */
export function useNeonForProviderTests(options: NeonLocalOptions, use: (neon: NeonLocal) => void): void {
  let neon: NeonLocal | undefined;
  before(async () => {
    neon = await startNeonForProviderTests(options);
    use(neon);
  });
  afterEach(() => neon?.faults.clear());
  after(() => (neon ? stopNeonForProviderTests(neon) : undefined));
}

/** Forgets the provider configuration (so no later test calls a closed API) and closes the API. */
export async function stopNeonForProviderTests(neon: NeonLocal): Promise<void> {
  await resetProviderConfiguration();
  await neon.close();
}

/**
 * Runs `body` with the provider's client making one attempt per request, so that an injected
 * 5xx reaches the provider's error handling instead of being retried away; then points the
 * provider at `neon` again with the usual settings.
 */
export async function withoutRetries<T>(neon: NeonLocal, body: () => Promise<T>): Promise<T> {
  setProviderClientOverrides({ ...clientOverrides(), retry: { maxAttempts: 1 } });
  try {
    return await body();
  } finally {
    await useLocalNeon(neon);
  }
}

/** A NeonProject created through the provider (its operations finished), as the resource under test lives in one. */
export async function createProjectThroughProvider(name: string): Promise<{ id: string; outs: Record<string, any> }> {
  const created = await project.create({ name } as never);
  return { id: created.id, outs: created.outs as Record<string, any> };
}

/** The lifecycle functions `checkAndCreate` drives; each resource's `lifecycle` module has them. */
interface CheckAndCreateLifecycle<Created> {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: unknown; failures: unknown[] }>;
  create(inputs: never): Promise<Created>;
}

/** The engine's check-then-create for a new resource; fails the test on check failures. */
export async function checkAndCreate<Created>(lifecycle: CheckAndCreateLifecycle<Created>, inputs: Record<string, unknown>): Promise<Created> {
  const checked = await lifecycle.check({}, inputs);
  assert.deepEqual(checked.failures, []);
  return lifecycle.create(checked.inputs as never);
}

/** A raw call to the local Neon API whose operations have finished (the way the provider waits). */
export async function settledCall(neon: NeonLocal, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const res = await call(neon, method, path, body);
  await neonClientForCall().waitForOperations(res.body?.operations ?? []);
  return res;
}

/** What the provider sent since `mark` (an index into `exchanges`): method, route, status and body. */
export function sentSince(exchanges: readonly Exchange[], mark: number) {
  return exchanges.slice(mark).map((e) => ({ method: e.method, route: e.route, status: e.status, body: e.requestBody }));
}
