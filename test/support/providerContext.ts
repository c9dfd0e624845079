/**
 * In-process provider tests: points the provider methods at a local Neon API (as `configure` would
 * with stack config) with operation polling tightened for the emulator's fast operations.
 */
import type { NeonLocal } from "../../emulator";
import { configure, resetConfigurationForTests, setClientOverridesForTests } from "../../provider/resources/common/providerConfig";

export async function useLocalNeon(neon: Pick<NeonLocal, "url" | "apiKey">): Promise<void> {
  const config: Record<string, string> = { "neon:apiKey": neon.apiKey, "neon:apiHost": neon.url };
  await configure({ config: { get: (key: string) => config[key] } });
  setClientOverridesForTests({ operations: { firstPollDelayMs: 2, maxPollIntervalMs: 5 }, rateLimit: false, logger: false });
}

export function resetProviderConfig(): void {
  resetConfigurationForTests();
}
