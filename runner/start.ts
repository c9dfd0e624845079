/**
 * `npm start`: the main job. Starts the local Neon API (state in `.neon-local/`) with its data plane
 * (every branch a real Postgres database on 127.0.0.1:5433, data in `.neon-local/state.data/`), makes sure the
 * Pulumi engine is there, runs `pulumi up` of the `dev` tenant stack against it with the engine's
 * progress streamed, prints the tenant's outputs (secrets masked unless `--show-secrets`), and
 * keeps the local Neon API serving until Ctrl-C; `--once` exits after the update. A second run
 * finds everything in place: no changes, no Neon API writes.
 *
 * usage: npm start -- [--once] [--show-secrets] [--stack dev] [--port 4010] [--postgres-port 5433]
 *                     [--state-dir .neon-local] [--operation-delay-ms 300]
 * Exit codes: 0 done, 1 the update or the setup failed, 2 bad arguments, 130 interrupted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startNeonLocal, type NeonLocal } from "../emulator";
import { NeonClient } from "../provider/client";
import { ensureEngine } from "./engine";
import { packageRoot } from "./packageRoot";
import { hasNoChanges, renderChangeSummary, renderOutputs } from "./report";
import { openStack } from "./stack";

export interface StartOptions {
  once: boolean;
  showSecrets: boolean;
  stack: string;
  port: number;
  postgresPort: number;
  stateDir: string;
  operationDelayMs: number;
}

export const startUsage =
  "usage: npm start -- [--once] [--show-secrets] [--stack dev] [--port 4010] [--postgres-port 5433] [--state-dir .neon-local] [--operation-delay-ms 300]\n";

export class StartUsageError extends Error {}

function wholeNumber(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new StartUsageError(`--${flag} must be a whole number from 0 to ${max}, got "${value}"`);
  return Number(value);
}

export function parseStartOptions(argv: string[], root: string): StartOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        once: { type: "boolean" },
        "show-secrets": { type: "boolean" },
        stack: { type: "string" },
        port: { type: "string" },
        "postgres-port": { type: "string" },
        "state-dir": { type: "string" },
        "operation-delay-ms": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new StartUsageError((err as Error).message);
  }
  const stack = values.stack ?? "dev";
  if (!/^[\w.-]+$/.test(stack)) throw new StartUsageError(`--stack must be a stack name (letters, digits, '-', '_', '.'), got "${stack}"`);
  if (values["state-dir"] !== undefined && values["state-dir"].trim() === "") throw new StartUsageError("--state-dir must not be empty");
  return {
    once: values.once ?? false,
    showSecrets: values["show-secrets"] ?? false,
    stack,
    port: wholeNumber("port", values.port, 4010, 65535),
    postgresPort: wholeNumber("postgres-port", values["postgres-port"], 5433, 65535),
    stateDir: path.resolve(root, values["state-dir"] ?? ".neon-local"),
    operationDelayMs: wholeNumber("operation-delay-ms", values["operation-delay-ms"], 300, 3_600_000),
  };
}

const writeMethods = new Set(["POST", "PATCH", "PUT", "DELETE"]);

async function runStart(options: StartOptions, interrupted: AbortSignal): Promise<{ neon: NeonLocal; ok: boolean }> {
  const root = packageRoot();
  fs.mkdirSync(options.stateDir, { recursive: true });
  const neon = await startNeonLocal({
    port: options.port,
    host: "127.0.0.1",
    stateFile: path.join(options.stateDir, "state.json"),
    operationDelayMs: options.operationDelayMs,
    dataPlane: { port: options.postgresPort },
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`local Neon API: ${neon.url} (state in ${path.relative(process.cwd(), options.stateDir) || "."}/state.json)`);
  try {
    const engine = await ensureEngine(out);
    out(`engine: Pulumi CLI ${engine.version} (${engine.source === "path" ? "from PATH" : "built from Pulumi's Go modules"})`);
    const stack = await openStack(
      { engine, stateDir: path.join(options.stateDir, "pulumi"), env: { NEON_API_HOST: neon.url, NEON_API_KEY: neon.apiKey } },
      { projectDir: root, stackName: options.stack },
    );
    const firstRequest = neon.requestLog.length;
    const result = await stack.up({ onOutput: (text) => process.stdout.write(text), signal: interrupted });
    const requests = neon.requestLog.slice(firstRequest);
    const writes = requests.filter((r) => writeMethods.has(r.method)).length;
    out("");
    out(`pulumi up of ${stack.projectName}/${stack.stackName}: ${renderChangeSummary(result.summary.resourceChanges)}`);
    out(`local Neon API: ${requests.length} requests during the update, ${writes} of them writes`);
    out(`outputs${options.showSecrets ? "" : " (secrets masked; --show-secrets shows them)"}:`);
    out(renderOutputs(result.outputs, options.showSecrets));
    const projectId = result.outputs.projectId?.value;
    if (typeof projectId === "string") out(await describePostgres(neon, projectId, options.showSecrets));
    if (hasNoChanges(result.summary.resourceChanges) && writes > 0) out(`warning: no changes, yet ${writes} writes reached the Neon API`);
    return { neon, ok: true };
  } catch (err) {
    if (interrupted.aborted) return { neon, ok: false };
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    return { neon, ok: false };
  }
}

/**
 * Where the tenant's active branch answers as a real Postgres database: the address, compute,
 * database and role, and with `--show-secrets` a psql command with the connection URI (it holds
 * the password).
 */
async function describePostgres(neon: NeonLocal, projectId: string, showSecrets: boolean): Promise<string> {
  const record = neon.state().projects[projectId];
  const branch = record && Object.values(record.branches).find((b) => b.branch.default);
  const database = branch && Object.values(branch.databases)[0];
  if (!branch || !database) return "postgres: the tenant's project has no default branch with a database";
  const client = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false });
  const { uri } = await client.projects.connectionUri(projectId, { branch_id: branch.branch.id, role_name: database.owner_name, database_name: database.name });
  const endpoint = /endpoint%3D([a-z0-9-]+)/.exec(uri)?.[1] ?? "?";
  const where = `postgres (the active branch): ${neon.dataPlane?.address ?? "?"}, compute ${endpoint}, database ${database.name}, role ${database.owner_name}`;
  return showSecrets ? `${where}\n  psql '${uri}'` : `${where} (--show-secrets prints a psql command with the password)`;
}

async function main(argv: string[]): Promise<void> {
  let options: StartOptions;
  try {
    options = parseStartOptions(argv, packageRoot());
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n${startUsage}`);
    process.exit(2);
  }
  const interrupt = new AbortController();
  let serving: { neon: NeonLocal } | undefined;
  const stop = (code: number) => {
    const neon = serving?.neon;
    (neon ? neon.close() : Promise.resolve()).then(
      () => {
        process.stdout.write("stopped the local Neon API (its state is saved)\n");
        process.exit(code);
      },
      (err: Error) => {
        process.stderr.write(`npm start: error while stopping the local Neon API: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  const onSignal = () => {
    if (serving) return stop(0); // Ctrl-C while serving: a clean stop.
    // Ctrl-C during the update: the engine gets SIGINT, finishes what is in flight and unlocks.
    process.stdout.write("\ninterrupted: letting the engine finish the steps in flight…\n");
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const { neon, ok } = await runStart(options, interrupt.signal);
  if (interrupt.signal.aborted) {
    await neon.close();
    process.exit(130);
  }
  if (!ok || options.once) {
    await neon.close();
    process.exit(ok ? 0 : 1);
  }
  serving = { neon };
  process.stdout.write(`\nserving the local Neon API at ${neon.url} (api key ${neon.apiKey}); Ctrl-C stops it\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`npm start: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
