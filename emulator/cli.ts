/**
 * `npm run neon-local -- --port <p> [--host 127.0.0.1] [--api-key <key>] [--state-file <path>]
 *   [--operation-delay-ms <n>] [--rate-limit <requests-per-minute> | --no-rate-limit]`
 *
 * Runs the local Neon API in the foreground and prints one line with its base URL and API key.
 * Ctrl-C (SIGINT) or SIGTERM stops it after saving the state.
 */
import { parseArgs } from "node:util";
import { startNeonLocal, type NeonLocalOptions } from "./index";

function fail(message: string): never {
  process.stderr.write(`neon-local: ${message}\n`);
  process.exit(2);
}

function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseCliOptions(argv: string[]): NeonLocalOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "api-key": { type: "string" },
        "state-file": { type: "string" },
        "operation-delay-ms": { type: "string" },
        "rate-limit": { type: "string" },
        "no-rate-limit": { type: "boolean" },
        "rate-limit-per-route": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (parsed.help) {
    process.stdout.write(
      "usage: neon-local --port <p> [--host 127.0.0.1] [--api-key <key>] [--state-file <path>]\n" +
        "                  [--operation-delay-ms <n>] [--rate-limit <requests-per-minute> | --no-rate-limit]\n" +
        "                  [--rate-limit-per-route <requests-per-second>]\n",
    );
    process.exit(0);
  }
  if (parsed["rate-limit"] !== undefined && parsed["no-rate-limit"]) fail("give --rate-limit or --no-rate-limit, not both");
  const perMinute = integerOption("rate-limit", parsed["rate-limit"], 1, 1_000_000);
  const perSecondPerRoute = integerOption("rate-limit-per-route", parsed["rate-limit-per-route"], 1, 100_000);
  if (parsed["api-key"] !== undefined && parsed["api-key"].trim() === "") fail("--api-key must not be empty");
  return {
    port: integerOption("port", parsed.port, 0, 65535) ?? 4010,
    host: parsed.host ?? "127.0.0.1",
    apiKey: parsed["api-key"],
    stateFile: parsed["state-file"],
    operationDelayMs: integerOption("operation-delay-ms", parsed["operation-delay-ms"], 0, 3_600_000),
    rateLimit: parsed["no-rate-limit"]
      ? false
      : { ...(perMinute !== undefined ? { perMinute } : {}), ...(perSecondPerRoute !== undefined ? { perSecondPerRoute } : {}) },
  };
}

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  const neon = await startNeonLocal(options);
  // One line, so scripts can read it; the key is a local development key, never a real one.
  process.stdout.write(`neon-local listening on ${neon.url} api-key ${neon.apiKey}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    neon.close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`neon-local: error while stopping: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((err: Error) => fail(err.message));
}
