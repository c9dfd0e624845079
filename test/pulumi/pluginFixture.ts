/**
 * What every plugin-process spec file sets up: a local Neon API, a Pulumi program directory with
 * this package installed, the `__provider` text of each resource it drives (installed form, as
 * users get it), and one dynamic-provider plugin process configured the way the engine configures
 * it (the API key as secret stack config); and what each checks at the end, that no secret was
 * printed.
 *
 * One plugin process serves a whole deployment, whatever the resource types, so one serves a
 * whole spec file here too.
 */
import assert from "node:assert/strict";
import type { NeonLocal, NeonLocalOptions } from "../../emulator";
import { NeonClient } from "../../provider/client/neonClient";
import type { Operation } from "../../provider/client/schemas/common";
import { call, startTestNeon, type RawResponse } from "../support/neonLocal";
import {
  dynamicUrn,
  PluginCallError,
  prepareConsumer,
  serializeProvider,
  startPluginProcess,
  type Consumer,
  type PluginProcess,
  type ResourceDir,
} from "../support/pulumiPlugin";

type Props = Record<string, unknown>;

/** What the plugin would use if `configure` had not run: a key the local Neon API refuses. */
export const decoyApiKey = "napi_decoy_key_that_must_never_be_used_0000";

export interface PluginFixture {
  readonly neon: NeonLocal;
  readonly consumer: Consumer;
  readonly plugin: PluginProcess;
  /** The installed `__provider` text per resource folder. */
  readonly providers: Record<ResourceDir, string>;
  close(): Promise<void>;
}

export async function startPluginFixture(resources: readonly ResourceDir[], neonOptions: NeonLocalOptions = {}): Promise<PluginFixture> {
  const neon = await startTestNeon({ operationDelayMs: 5, ...neonOptions });
  let consumer: Consumer | undefined;
  let plugin: PluginProcess | undefined;
  const close = async () => {
    await plugin?.kill();
    consumer?.remove();
    await neon.close();
  };
  try {
    consumer = prepareConsumer();
    const providers: Record<ResourceDir, string> = {};
    for (const dir of resources) providers[dir] = (await serializeProvider("installed", dir, consumer)).text;
    // NEON_API_HOST points at the local API so that a call made with the fallback key would be
    // seen (and refused with 401) instead of trying the real Neon.
    plugin = await startPluginProcess(consumer.dir, { NEON_OPERATION_POLL_MS: "5", NEON_API_KEY: decoyApiKey, NEON_API_HOST: neon.url });
    // The engine's Configure only stores the config; the provider's configure runs on the first
    // call for each `__provider` text.
    await plugin.configure({ "neon:apiKey": { secret: neon.apiKey }, "neon:apiHost": neon.url });
    return { neon, consumer, plugin, providers, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The engine's check-then-create for a new resource; fails the test on check failures. */
export async function checkAndCreate(plugin: PluginProcess, urn: string, news: Props): Promise<{ id: string; inputs: Props; outputs: Props }> {
  const checked = await plugin.check(urn, {}, news);
  assert.deepEqual(checked.failures, [], `check of ${urn}`);
  const created = await plugin.create(urn, checked.inputs);
  return { id: created.id, inputs: checked.inputs, outputs: created.properties };
}

/** A NeonProject created through the plugin, as a stack holding the resource under test would have. */
export async function createProjectThroughPlugin(fixture: PluginFixture, name: string): Promise<{ projectId: string; defaultBranchId: string; outputs: Props }> {
  assert.ok(fixture.providers.project, "the fixture was started without the project provider");
  const { id, outputs } = await checkAndCreate(fixture.plugin, dynamicUrn("NeonProject", name), { name, __provider: fixture.providers.project });
  return { projectId: id, defaultBranchId: String(outputs.defaultBranchId), outputs };
}

/** The NeonProject outputs that hold a credential: the plugin must never print them. */
export const projectCredentialOutputs = ["password", "connectionUri", "pooledConnectionUri"] as const;

/**
 * A fixture with the NeonProject the file's resources live in, created through the plugin as in a
 * stack. The API key and the project's credentials go into `secrets`, the file's collection of
 * what `assertNoSecretPrinted` checks at the end.
 */
export async function startPluginFixtureWithProject(
  resources: readonly ResourceDir[],
  projectName: string,
  secrets: Set<string>,
): Promise<{ fx: PluginFixture; projectId: string; defaultBranchId: string }> {
  const fx = await startPluginFixture(resources);
  try {
    secrets.add(fx.neon.apiKey);
    const project = await createProjectThroughPlugin(fx, projectName);
    for (const key of projectCredentialOutputs) secrets.add(String(project.outputs[key]));
    return { fx, projectId: project.projectId, defaultBranchId: project.defaultBranchId };
  } catch (err) {
    await fx.close();
    throw err;
  }
}

/**
 * The last check of a plugin spec file: neither what the plugin printed nor an error message the
 * engine would show (it shows them like the plugin's output) holds one of `secrets`, plain or
 * URL-encoded (as in a connection string), nor the decoy key.
 */
export function assertNoSecretPrinted(plugin: PluginProcess, secrets: Iterable<string>, errorMessages: readonly string[]): void {
  const printed = [plugin.stdout(), plugin.stderr(), ...errorMessages].join("\n");
  for (const secret of secrets) {
    assert.ok(!printed.includes(secret), `the plugin printed a secret (${secret.slice(0, 6)}…)`);
    assert.ok(!printed.includes(encodeURIComponent(secret)));
  }
  assert.ok(!printed.includes(decoyApiKey));
}

/** The error of an RPC expected to fail. */
export async function pluginError(pending: Promise<unknown>): Promise<PluginCallError> {
  const err = await pending.then(
    () => assert.fail("the plugin call should have failed"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PluginCallError, String(err));
  return err;
}

/**
 * A change made behind Pulumi's back (the console, another tool), through the local Neon API, and
 * waited for: the project stays locked (423) while its operations run.
 */
export async function outsideChange<T = any>(neon: NeonLocal, method: string, path: string, body?: unknown): Promise<RawResponse<T>> {
  const res = await call<T>(neon, method, path, body);
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  const operations = (res.body as { operations?: Operation[] } | undefined)?.operations ?? [];
  if (operations.length > 0) {
    const client = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, rateLimit: false, logger: false, operations: { firstPollDelayMs: 2, maxPollIntervalMs: 5 } });
    await client.waitForOperations(operations);
  }
  return res;
}
