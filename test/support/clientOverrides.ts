/**
 * The seam through which in-process tests and benchmarks give the providers' Neon client extra
 * options (a virtual clock, faster polling, no logs): the slot providerConfig.ts reads on the
 * global object. Production code exports no setter for it.
 */
import type { NeonClientOptions } from "../../provider/client/options";
import { configure } from "../../provider/resources/common/providerConfig";

const clientOverridesSlot = Symbol.for("neon-pulumi-dynamic.providerClientOverrides");

/** Every provider call of this process from now on makes its client with these options on top. */
export function setProviderClientOverrides(overrides: Partial<NeonClientOptions>): void {
  (globalThis as Record<symbol, unknown>)[clientOverridesSlot] = overrides;
}

/** Forgets the overrides and the configuration `configure` was given (no later call reaches a closed API). */
export async function resetProviderConfiguration(): Promise<void> {
  delete (globalThis as Record<symbol, unknown>)[clientOverridesSlot];
  await configure({ config: { get: () => undefined } });
}
