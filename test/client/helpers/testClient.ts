import { NeonClient, type NeonClientOptions } from "../../../provider/client";
import type { ScriptedServer } from "./scriptedServer";
import { VirtualClock } from "./virtualClock";

export const TEST_API_KEY = "napi_TESTKEY_do_not_leak_7f3a9c";

export interface TestClient {
  readonly client: NeonClient;
  readonly clock: VirtualClock;
  readonly logLines: string[];
}

/**
 * A client for a scripted server: virtual clock, no client-side rate limiting, jitter draw fixed at
 * 0.5 (so backoff waits are exactly half the ceiling), and log lines captured.
 */
export function testClient(server: ScriptedServer, options: NeonClientOptions = {}): TestClient {
  const clock = new VirtualClock();
  const logLines: string[] = [];
  const client = new NeonClient({
    apiKey: TEST_API_KEY,
    baseUrl: server.url,
    clock,
    random: () => 0.5,
    rateLimit: false,
    logger: { debug: (line) => logLines.push(line) },
    ...options,
  });
  return { client, clock, logLines };
}

/** Resolves with what `promise` rejected with; fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
