/**
 * `npm run neon-local -- --port <p> [--host 127.0.0.1] [--api-key <key>] [--state-file <path>]
 *   [--operation-delay-ms <n>] [--rate-limit <requests-per-minute> | --no-rate-limit]
 *   [--data-plane [--postgres-port <p>] [--max-running <n>]]`
 *
 * Runs the local Neon API in the foreground and prints one line with its base URL and API key.
 * Ctrl-C (SIGINT) or SIGTERM stops it after saving the state. Exit codes: 0 after a clean stop,
 * 2 for bad arguments, 1 when the server cannot start or stop (port in use, unreadable state file).
 */
import { parseArgs } from "node:util";
import { startNeonLocal, type NeonLocalOptions } from "./index";

export const cliUsage =
  "usage: neon-local --port <p> [--host 127.0.0.1] [--api-key <key>] [--state-file <path>]\n" +
  "                  [--operation-delay-ms <n>] [--rate-limit <requests-per-minute> | --no-rate-limit]\n" +
  "                  [--rate-limit-per-route <requests-per-second>]\n" +
  "                  [--data-plane [--postgres-port <p>] [--max-running <n>]]\n";

/** Bad command-line arguments; the message names the flag. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError(`--${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new CliUsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** True when the arguments ask for the usage text (`--help` or `-h`), whatever else they hold. */
export function isHelpRequest(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** The options for startNeonLocal from the command line; throws CliUsageError for bad arguments. */
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
        "data-plane": { type: "boolean" },
        "postgres-port": { type: "string" },
        "max-running": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    // node:util's messages already name the flag ("Unknown option '--prot'").
    throw new CliUsageError((err as Error).message);
  }
  if (parsed["no-rate-limit"] && parsed["rate-limit"] !== undefined) throw new CliUsageError("give --rate-limit or --no-rate-limit, not both");
  if (parsed["no-rate-limit"] && parsed["rate-limit-per-route"] !== undefined) {
    throw new CliUsageError("give --rate-limit-per-route or --no-rate-limit, not both");
  }
  const perMinute = integerOption("rate-limit", parsed["rate-limit"], 1, 1_000_000);
  const perSecondPerRoute = integerOption("rate-limit-per-route", parsed["rate-limit-per-route"], 1, 100_000);
  if (parsed["api-key"] !== undefined && parsed["api-key"].trim() === "") throw new CliUsageError("--api-key must not be empty");
  if (parsed.host !== undefined && parsed.host.trim() === "") throw new CliUsageError("--host must not be empty");
  if (parsed["state-file"] !== undefined && parsed["state-file"].trim() === "") throw new CliUsageError("--state-file must not be empty");
  if (!parsed["data-plane"] && (parsed["postgres-port"] !== undefined || parsed["max-running"] !== undefined)) {
    throw new CliUsageError("--postgres-port and --max-running need --data-plane");
  }
  const postgresPort = integerOption("postgres-port", parsed["postgres-port"], 0, 65535);
  const maxRunning = integerOption("max-running", parsed["max-running"], 1, 1000);
  return {
    port: integerOption("port", parsed.port, 0, 65535) ?? 4010,
    host: parsed.host ?? "127.0.0.1",
    apiKey: parsed["api-key"],
    stateFile: parsed["state-file"],
    operationDelayMs: integerOption("operation-delay-ms", parsed["operation-delay-ms"], 0, 3_600_000),
    rateLimit: parsed["no-rate-limit"]
      ? false
      : { ...(perMinute !== undefined ? { perMinute } : {}), ...(perSecondPerRoute !== undefined ? { perSecondPerRoute } : {}) },
    ...(parsed["data-plane"]
      ? { dataPlane: { ...(postgresPort !== undefined ? { port: postgresPort } : {}), ...(maxRunning !== undefined ? { maxRunning } : {}) } }
      : {}),
  };
}

function exitWith(code: number, message: string): never {
  process.stderr.write(`neon-local: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  if (isHelpRequest(argv)) {
    process.stdout.write(cliUsage);
    return;
  }
  let options: NeonLocalOptions;
  try {
    options = parseCliOptions(argv);
  } catch (err) {
    if (err instanceof CliUsageError) exitWith(2, `${err.message}\n${cliUsage}`);
    throw err;
  }
  const neon = await startNeonLocal(options);
  // One line, so scripts can read it; the key is a local development key, never a real one.
  process.stdout.write(`neon-local listening on ${neon.url} api-key ${neon.apiKey}${neon.dataPlane ? ` postgres ${neon.dataPlane.address}` : ""}\n`);
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
  main(process.argv.slice(2)).catch((err: Error) => exitWith(1, err.message));
}
