/**
 * Neon API calls per step of one tenant environment's life, through the real Pulumi engine (the
 * runner, as `npm start` runs it) against the local Neon API at its default operation timings and
 * the provider's default polling: create, a no-op preview, a no-op up, refresh, a tier upgrade, a
 * rollback to a checkpoint, the downgrade destroy needs, destroy. Beside each, the writes the step
 * cannot do without (what Neon's API requires for the change) and why: the rest are reads.
 * Printed and written to bench/results.md (figures, never assertions: the budgets the tests hold
 * are in test/support/callBudgets.ts).
 *
 * Run: npm run bench:tenant-steps   (about a minute; builds nothing: run `npm run engine` first)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { startNeonLocal, type RequestLogEntry } from "../emulator";
import { locateEngine } from "../runner/engine";
import { packageRoot } from "../runner/packageRoot";
import { openStack, type RunnerStack } from "../runner/stack";
import { benchTenantConfig, runBenchmark } from "./harness";
import { writeSection } from "./results";

const tenantConfig = benchTenantConfig("bench-tenant");

interface Step {
  name: string;
  /** The writes the step needs at least, and why. */
  floor: [number, string];
  config?: Record<string, unknown>;
  run: (stack: RunnerStack) => Promise<unknown>;
}

const steps: Step[] = [
  {
    name: "create",
    floor: [8, "one POST per object: project, 2 snapshots, Neon Auth, its trusted domain, Data API, branch, its compute"],
    run: (s) => s.up(),
  },
  { name: "no-op preview", floor: [0, "nothing changes: the engine diffs against the state"], run: (s) => s.preview() },
  { name: "no-op up", floor: [0, "as the preview"], run: (s) => s.up() },
  { name: "refresh", floor: [0, "reads only: 7 resources; the project's own view is 4 objects (project, default branch, compute, database); Neon Auth and the Data API take the default branch another read of the same refresh listed, when one did"], run: (s) => s.refresh() },
  {
    name: "tier upgrade (free → paid)",
    floor: [4, "the move to the paid organization, the project's new limits, the default compute's size, the preview compute's size"],
    config: { "tenant:tier": "paid" },
    run: (s) => s.up(),
  },
  {
    name: "rollback to a checkpoint",
    floor: [1, "the restore with finalize; the superseded branch stays while the preview branch made from it lives (Neon refuses its removal: the one 409), and goes with that branch"],
    config: { "tenant:activeCheckpoint": "baseline" },
    run: (s) => s.up(),
  },
  {
    name: "downgrade to free, preview branch removed (destroy refuses a protected tenant)",
    floor: [5, "the project's limits, the move, the default compute's size, the preview branch (its compute goes with it; the stack deletes the compute resource too: +1), the superseded branch"],
    config: { "tenant:tier": "free", "tenant:previewBranches": [] , "tenant:activeCheckpoint": undefined },
    run: (s) => s.up(),
  },
  { name: "destroy", floor: [5, "Data API, Neon Auth, 2 snapshots, the project (its branches and computes go with it)"], run: (s) => s.destroy() },
];

async function main(): Promise<void> {
  const engine = await locateEngine();
  if (!engine) throw new Error("no Pulumi engine: run `npm run engine` first");
  const neon = await startNeonLocal({ host: "127.0.0.1", port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-tenant-steps-"));
  try {
    const configFile = path.join(dir, "Pulumi.bench.yaml");
    let config: Record<string, unknown> = { ...tenantConfig };
    const writeConfig = () => fs.writeFileSync(configFile, stringifyYaml({ config: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) }));
    writeConfig();
    const stack = await openStack(
      { engine, stateDir: path.join(dir, "runner"), env: { NEON_API_KEY: neon.apiKey, NEON_API_HOST: neon.url } },
      { projectDir: packageRoot(), stackName: "bench", configFile },
    );
    const rows: string[] = [];
    for (const step of steps) {
      if (step.config) {
        config = { ...config, ...step.config };
        writeConfig();
      }
      const mark = neon.requestLog.length;
      const started = performance.now();
      await step.run(stack);
      const seconds = (performance.now() - started) / 1000;
      const requests: RequestLogEntry[] = neon.requestLog.slice(mark);
      const writes = requests.filter((r) => r.method !== "GET").length;
      const refused = requests.filter((r) => r.status >= 400).length;
      const line = `| ${step.name} | ${requests.length} | ${writes} | ${requests.length - writes} | ${refused} | ${step.floor[0]} | ${step.floor[1]} | ${seconds.toFixed(1)} s |`;
      rows.push(line);
      process.stdout.write(`${line}\n`);
      if (process.env.BENCH_VERBOSE) for (const r of requests) process.stdout.write(`    ${r.method} ${r.route ?? r.path} → ${r.status}\n`);
    }
    writeSection(
      "tenant-steps",
      "Neon API calls per step of a tenant environment (through the engine)",
      [
        "One tenant: a project with its compute, Neon Auth with a trusted domain, the Data API, two checkpoints and a preview branch with its compute, run by the runner through the real Pulumi CLI against the local Neon API (300 ms operations, the provider's default polling). *Writes needed* is what Neon's API requires for the change at least; every other call is a read (operation waits, the default branch, read-backs). Time includes the engine's own start (about 2–3 s per command).",
        "",
        "| step | calls | writes | reads | refused (4xx/5xx) | writes needed | why | time |",
        "|---|---|---|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
  } finally {
    await neon.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
