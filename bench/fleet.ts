/**
 * A fleet of tenant stacks through the real engine: N tenants (default 50) provisioned by the
 * runner's fleet (each stack in a process of its own) against the local Neon API with Neon's rate
 * limit on, scaled by a time factor (default 1: Neon's own 700 a minute, 40 a second per route;
 * the providers' client limiter runs at the same factor through NEON_RATE_LIMIT_TIME_FACTOR), the
 * Pulumi state in PostgreSQL through Pulumi's DIY backend as a platform team shares it.
 *
 * 1. Calibration: one tenant alone gives a stack's cost (CPU of everything it starts, wall time,
 *    peak memory of its process tree, Neon requests).
 * 2. The plan: concurrency from the cores, the memory and the rate limit (runner/fleet/concurrency.ts),
 *    and the least time the run can take.
 * 3. The fleet at that concurrency; every tenant is then checked against its declaration.
 * Figures go to bench/results.md, the chart (requests per minute against the limit, stacks done
 * over time) to bench/fleet.svg.
 *
 * Run: npm run bench:fleet [-- --stacks 50] [--time-factor 1] [--concurrency <n>] [--operation-delay-ms 300]
 * (about 3 minutes at the defaults on 2 cores; builds nothing but dist/: run `npm run engine` first)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify as stringifyYaml } from "yaml";
import { startNeonLocal, type NeonLocal, type RequestLogEntry } from "../emulator";
import { scaledRateLimits } from "../provider/client";
import { locateEngine } from "../runner/engine";
import { fleetLowerBound, planFleet, thisMachine, type StackCost } from "../runner/fleet/concurrency";
import { packageRoot } from "../runner/packageRoot";
import { startPostgresServer } from "../test/support/postgresServer";
import { writeChart } from "./fleetChart";
import { benchTenantConfig, compiledRunner, runBenchmark } from "./harness";
import { median, writeSection } from "./results";

const MiB = 2 ** 20;

function options() {
  const { values } = parseArgs({
    options: { stacks: { type: "string" }, "time-factor": { type: "string" }, concurrency: { type: "string" }, "operation-delay-ms": { type: "string" } },
    strict: true,
  });
  const number = (name: string, raw: string | undefined, fallback: number, integer: boolean) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? "whole " : ""}number, got "${raw}"`);
    return value;
  };
  return {
    stacks: number("stacks", values.stacks, 50, true),
    timeFactor: number("time-factor", values["time-factor"], 1, false),
    concurrency: values.concurrency === undefined ? undefined : number("concurrency", values.concurrency, 1, true),
    operationDelayMs: number("operation-delay-ms", values["operation-delay-ms"], 300, true),
  };
}

/** What Neon holds for a tenant, against what it declares. */
function tenantProblems(neon: NeonLocal, id: string): string[] {
  const projects = Object.values(neon.state().projects).filter((p) => p.project.name === id);
  if (projects.length !== 1) return [`${id}: ${projects.length} projects`];
  const p = projects[0];
  const problems: string[] = [];
  const previews = Object.values(p.branches).filter((b) => !b.branch.default).map((b) => b.branch.name);
  if (JSON.stringify(previews) !== JSON.stringify(["preview-pr-1"])) problems.push(`${id}: branches ${previews.join(", ")}`);
  const snapshots = Object.values(p.snapshots).map((s) => s.name).sort();
  if (JSON.stringify(snapshots) !== JSON.stringify(["baseline", "before-migration"])) problems.push(`${id}: snapshots ${snapshots.join(", ")}`);
  if (Object.keys(p.endpoints).length !== 2) problems.push(`${id}: ${Object.keys(p.endpoints).length} computes`);
  return problems;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const megabytes = (bytes: number | undefined) => (bytes === undefined ? "n/a" : `${Math.round(bytes / MiB)} MB`);

async function main(): Promise<void> {
  const settings = options();
  const root = packageRoot();
  const { runFleet } = compiledRunner().fleet;
  const engine = await locateEngine();
  if (!engine) throw new Error("no Pulumi engine: run `npm run engine` first");

  const limits = scaledRateLimits(settings.timeFactor);
  const postgres = await startPostgresServer();
  const neon = await startNeonLocal({ host: "127.0.0.1", port: 0, operationDelayMs: settings.operationDelayMs, rateLimit: limits, requestLogLimit: settings.stacks * 200 + 10_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
  try {
    const runner = {
      engine,
      stateDir: path.join(dir, "runner"),
      backendUrl: postgres.url,
      env: { NEON_API_KEY: neon.apiKey, NEON_API_HOST: neon.url, NEON_RATE_LIMIT_TIME_FACTOR: String(settings.timeFactor), PULUMI_CONFIG_PASSPHRASE: "bench-fleet-passphrase" },
    };
    const stackFor = (id: string) => {
      const configFile = path.join(dir, `Pulumi.${id}.yaml`);
      fs.writeFileSync(configFile, stringifyYaml({ config: benchTenantConfig(id) }));
      return { stackName: id, configFile };
    };
    const requestsOf = (log: RequestLogEntry[]) => log.filter((r) => r.status !== 429);
    // By time, not by position: the log is a ring that drops its oldest entries when full.
    const requestsBetween = (from: number, to: number) => neon.requestLog.filter((r) => r.at >= from && r.at <= to);

    // 1. Calibration: one tenant alone.
    process.stdout.write("calibration: one tenant alone\n");
    const alone = await runFleet(runner, { projectDir: root, stacks: [stackFor("calibration")], command: "up", concurrency: 1 });
    const one = alone.stacks[0];
    if (!one.ok) throw new Error(`the calibration stack failed: ${one.error}`);
    const cost: StackCost = { cpuMs: one.cpuMs ?? 0, wallMs: one.endedAt - one.startedAt, peakRssBytes: one.peakRssBytes ?? 0, requests: requestsOf(requestsBetween(one.startedAt, one.endedAt)).length };
    process.stdout.write(`  ${seconds(cost.wallMs)} wall, ${seconds(cost.cpuMs)} CPU, ${megabytes(cost.peakRssBytes)}, ${cost.requests} requests\n`);

    // 2. The plan.
    const machine = thisMachine();
    const plan = planFleet(settings.stacks, cost, machine, limits);
    const concurrency = settings.concurrency ?? plan.concurrency;
    const lower = fleetLowerBound(settings.stacks, cost, machine, limits);
    process.stdout.write(`plan: ${concurrency} at once (${settings.concurrency ? "given" : `bound by ${plan.bound}`}; ${JSON.stringify(plan.byBound)}); least time ${seconds(lower.ms)} (${lower.bound})\n`);

    // 3. The fleet.
    const ids = Array.from({ length: settings.stacks }, (_, i) => `tenant-${String(i + 1).padStart(4, "0")}`);
    let done = 0;
    const result = await runFleet(runner, {
      projectDir: root,
      stacks: ids.map(stackFor),
      command: "up",
      concurrency,
      onStackDone: (r) => process.stdout.write(`  ${++done}/${settings.stacks} ${r.stackName} ${r.ok ? r.summary : `FAILED: ${r.error?.split("\n")[0]}`}\n`),
    });
    const log = requestsBetween(result.startedAt, result.endedAt);
    if (neon.requestLog.length > 0 && neon.requestLog[0].at > result.startedAt) throw new Error("the local Neon API's request log dropped requests of the run: raise requestLogLimit");
    const wallMs = result.endedAt - result.startedAt;
    const failed = result.stacks.filter((r) => !r.ok);
    const surfaced429 = failed.filter((r) => /\b429\b|rate limit/i.test(r.error ?? "")).length;
    const refused = log.filter((r) => r.status === 429).length;
    const otherRefusals = log.filter((r) => r.status >= 400 && r.status !== 429).length;
    const problems = ids.flatMap((id) => tenantProblems(neon, id));
    const succeeded = result.stacks.filter((r) => r.ok);
    const cpu = succeeded.map((r) => r.cpuMs ?? 0);
    const rss = succeeded.map((r) => r.peakRssBytes ?? 0);
    const admitted = requestsOf(log).length;
    // The least time for what the fleet actually sent (the calibration's CPU per stack).
    const fleetLower = fleetLowerBound(settings.stacks, { ...cost, requests: admitted / settings.stacks }, machine, limits);

    // One section and chart per time factor: Neon's own limits (1), and any other factor beside it.
    const suffix = settings.timeFactor === 1 ? "" : `-x${settings.timeFactor}`;
    const chartFile = path.join(__dirname, `fleet${suffix}.svg`);
    await writeChart(
      chartFile,
      {
        requests: log.map((r) => ({ at: (r.at - result.startedAt) / 1000, refused: r.status === 429 })),
        stacksDone: succeeded.map((r) => (r.endedAt - result.startedAt) / 1000),
        limitPerMinute: limits.perMinute,
        endSeconds: wallMs / 1000,
      },
      `${settings.stacks} tenant stacks, ${concurrency} at a time, rate limit ${limits.perMinute}/min (time factor ${settings.timeFactor})`,
    );

    const rows = [
      ["tenants (stacks)", `${settings.stacks}, ${concurrency} at a time (${settings.concurrency ? "given by --concurrency" : `the ${plan.bound} bound`}; bounds: cores ${plan.byBound.cores}, memory ${plan.byBound.memory}, rate ${plan.byBound.rate})`],
      ["wall time", seconds(wallMs)],
      ["least possible", `${seconds(fleetLower.ms)} (${fleetLower.bound}: CPU ${seconds(fleetLower.byBound.cpu)}, rate window ${seconds(fleetLower.byBound.rate)}, one stack ${seconds(fleetLower.byBound["one stack"])})`],
      ["wall time / least possible", `${(wallMs / fleetLower.ms).toFixed(2)}×`],
      ["stacks failed", `${failed.length}${failed.length ? `: ${failed.map((r) => r.stackName).join(", ")}` : ""}`],
      ["tenants not as declared", problems.length === 0 ? "0" : `${problems.length}: ${problems.slice(0, 5).join("; ")}`],
      ["Neon requests (admitted)", `${admitted} (${(admitted / settings.stacks).toFixed(1)} per stack; calibration: ${cost.requests})`],
      ["429s seen / surfaced as errors", `${refused} / ${surfaced429}`],
      ["other refusals (4xx/5xx)", String(otherRefusals)],
      ["peak memory, whole fleet", megabytes(result.peakRssBytes)],
      ["peak memory per stack (median / max)", rss.length ? `${megabytes(median(rss))} / ${megabytes(Math.max(...rss))}` : "n/a"],
      ["CPU per stack (median / max)", cpu.length ? `${seconds(median(cpu))} / ${seconds(Math.max(...cpu))}` : "n/a"],
      ["one stack alone (calibration)", `${seconds(cost.wallMs)} wall, ${seconds(cost.cpuMs)} CPU, ${megabytes(cost.peakRssBytes)}, ${cost.requests} requests`],
    ];
    const table = ["| figure | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    process.stdout.write(`\n${table}\n`);
    writeSection(
      `fleet${suffix}`,
      `A fleet of tenant stacks through the engine (npm run bench:fleet${settings.timeFactor === 1 ? "" : ` -- --time-factor ${settings.timeFactor}`})`,
      [
        `${settings.stacks} tenant stacks (a project with its compute, Neon Auth with a trusted domain, the Data API, two checkpoints, a preview branch with its compute), \`pulumi up\` by the runner's fleet (each stack in a process of its own) through the real Pulumi CLI; Pulumi state in PostgreSQL 15 through the DIY backend; the local Neon API with Neon's rate limit × ${settings.timeFactor} (${limits.perMinute} a minute, ${limits.perSecondPerRoute} a second per route; the providers' limiter at the same factor), ${settings.operationDelayMs} ms operations, the provider's default polling. ${machine.cores} cores, ${megabytes(machine.availableMemoryBytes)} available. Memory and CPU are read from /proc (every 250 ms for memory); CPU counts each stack's process and everything it started (the Pulumi CLI, its provider processes).`,
        "",
        table,
        "",
        `![Neon API requests per rolling minute against the rate limit, and stacks done over time](${path.basename(chartFile)})`,
      ].join("\n"),
    );
    process.stdout.write(`\nwritten to bench/results.md and ${path.relative(root, chartFile)}\n`);
  } finally {
    await neon.close();
    await postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
