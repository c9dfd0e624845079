/**
 * The engine's own cost for one tenant stack (the fleet's environment: a project with its compute,
 * Neon Auth, the Data API, two checkpoints, a preview branch with its compute), and the share of
 * it that is our providers.
 *
 * - Cold preview: a no-op `pulumi preview` in a fresh stack process (runFleet), as a CI job or a
 *   fleet member runs it: Node starts, loads the Automation API and the program, the CLI starts the
 *   dynamic-provider host. Warm preview: the same in a process that already ran one.
 * - CPU by kind of process (bench/processProfile.ts), and what of it is ours: serializing our six
 *   providers in the stack process, and in the dynamic-provider host loading our modules (measured
 *   apart in fresh Node processes) plus our check/diff.
 *
 * Run: npm run bench:engine-cost   (about a minute; run `npm run engine` first)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { startNeonLocal } from "../emulator";
import { locateEngine } from "../runner/engine";
import { packageRoot } from "../runner/packageRoot";
import { processKinds, profileDescendants, stackProcessKind, type ProcessKind } from "./processProfile";
import { benchTenantConfig, compiledRunner, runBenchmark } from "./harness";
import { median, writeSection } from "./results";

const rounds = 3;
const resourceTypes = ["project", "branch", "endpoint", "snapshot", "authIntegration", "dataApi"];

/** Runs `script` in a fresh Node process and returns what it prints as JSON. */
function inFreshNode<T>(script: string): T {
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: packageRoot(), encoding: "utf8" })) as T;
}

/** CPU milliseconds of a fresh Node process: its own start, loading @pulumi/pulumi, and then our providers' modules. */
function providerHostLoad(root: string): { node: number; pulumi: number; ours: number } {
  const lifecycles = resourceTypes.map((t) => JSON.stringify(path.join(root, "dist", "provider", "resources", t, "lifecycle.js")));
  const cpu = "(() => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; })()";
  return inFreshNode(`const a = ${cpu}; require("@pulumi/pulumi"); const b = ${cpu}; for (const m of [${lifecycles.join(",")}]) require(m); const c = ${cpu};
    process.stdout.write(JSON.stringify({ node: a, pulumi: b - a, ours: c - b }));`);
}

/** Milliseconds to serialize our six providers as the Resource constructors do, the first time in a process (the serializer's own load apart). */
function providerSerialization(root: string): { serializerLoad: number; providers: number } {
  const providers = resourceTypes.map((t) => JSON.stringify(path.join(root, "dist", "provider", "resources", t, "provider.js")));
  return inFreshNode(`(async () => {
    const t0 = performance.now(); const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure"); const t1 = performance.now();
    for (const m of [${providers.join(",")}]) { const provider = require(m); await closure.serializeFunction(() => provider, { allowSecrets: true }); }
    const t2 = performance.now(); process.stdout.write(JSON.stringify({ serializerLoad: t1 - t0, providers: t2 - t1 }));
  })();`);
}

const ms = (n: number) => `${Math.round(n)} ms`;

async function main(): Promise<void> {
  const root = packageRoot();
  const { fleet, stack: stackModule } = compiledRunner();
  const { runFleet } = fleet;
  const { openStack } = stackModule;
  const engine = await locateEngine();
  if (!engine) throw new Error("no Pulumi engine: run `npm run engine` first");
  const neon = await startNeonLocal({ host: "127.0.0.1", port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-cost-"));
  try {
    const configFile = path.join(dir, "Pulumi.cost.yaml");
    fs.writeFileSync(configFile, stringifyYaml({ config: benchTenantConfig("engine-cost") }));
    const runner = { engine, stateDir: path.join(dir, "runner"), env: { NEON_API_KEY: neon.apiKey, NEON_API_HOST: neon.url } };
    const stacks = [{ stackName: "cost", configFile }];
    const up = await runFleet(runner, { projectDir: root, stacks, command: "up", concurrency: 1 });
    if (!up.stacks[0].ok) throw new Error(`the stack's up failed: ${up.stacks[0].error}`);

    type Round = { wallMs: number; requests: number; cpu: Map<ProcessKind, number> };
    const cold: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      const mark = neon.requestLog.length;
      const { result, cpuMsByKind } = await profileDescendants(() => runFleet(runner, { projectDir: root, stacks, command: "preview", concurrency: 1 }));
      const r = result.stacks[0];
      if (!r.ok) throw new Error(`preview failed: ${r.error}`);
      cold.push({ wallMs: r.endedAt - r.startedAt, requests: neon.requestLog.length - mark, cpu: cpuMsByKind });
    }

    const warm: Round[] = [];
    const stack = await openStack(runner, { projectDir: root, stackName: "cost", configFile });
    await stack.preview(); // the first in this process
    for (let i = 0; i < rounds; i++) {
      const mark = neon.requestLog.length;
      const before = process.cpuUsage();
      const started = performance.now();
      const { cpuMsByKind } = await profileDescendants(() => stack.preview());
      const wallMs = performance.now() - started;
      const own = process.cpuUsage(before);
      cpuMsByKind.set(stackProcessKind, (own.user + own.system) / 1000);
      warm.push({ wallMs, requests: neon.requestLog.length - mark, cpu: cpuMsByKind });
    }

    const hostLoad = providerHostLoad(root);
    const serialization = providerSerialization(root);
    const cpuOf = (rs: Round[], kind: ProcessKind) => median(rs.map((r) => r.cpu.get(kind) ?? 0));
    const totalOf = (rs: Round[]) => median(rs.map((r) => [...r.cpu.values()].reduce((a, b) => a + b, 0)));
    const host = (rs: Round[]) => cpuOf(rs, "dynamic-provider host");
    const bareNode = hostLoad.node;
    // What exists only because the resources are dynamic providers: the provider host (plugin start
    // and all it does) and, the first time in a process, serializing the providers.
    const serializing = serialization.serializerLoad + serialization.providers;
    const forDynamic = (rs: Round[], first: boolean) => host(rs) + (first ? serializing : 0);
    // Our own code in that: our modules in the host, our check/diff (the host beyond bare Node and
    // @pulumi/pulumi), and serializing our providers (the serializer's load apart).
    const ours = (rs: Round[], first: boolean) => Math.max(0, host(rs) - bareNode - hostLoad.pulumi) + (first ? serialization.providers : 0);
    const share = (part: number, rs: Round[]) => `${ms(part)} (${Math.round((100 * part) / totalOf(rs))} %)`;
    const rows = [
      `| wall time | ${ms(median(cold.map((r) => r.wallMs)))} | ${ms(median(warm.map((r) => r.wallMs)))} |`,
      `| Neon API requests | ${median(cold.map((r) => r.requests))} | ${median(warm.map((r) => r.requests))} |`,
      `| CPU, all processes | ${ms(totalOf(cold))} | ${ms(totalOf(warm))} |`,
      ...processKinds.map((k) => `| CPU: ${k} | ${ms(cpuOf(cold, k))} | ${ms(cpuOf(warm, k))} |`),
      `| of all CPU, for dynamic providers (the provider host: plugin start and its calls; serializing the providers) | ${share(forDynamic(cold, true), cold)} | ${share(forDynamic(warm, false), warm)} |`,
      `| of all CPU, our own code (our modules and check/diff in the host, serializing our providers) | ${share(ours(cold, true), cold)} | ${share(ours(warm, false), warm)} |`,
    ];
    const body = [
      "One tenant stack (project with its compute, Neon Auth, Data API, two checkpoints, a preview branch with its compute: 9 resources), a no-op `pulumi preview` through the runner, file backend, local Neon API. *Cold*: a fresh stack process (as a CI job or a fleet member); *warm*: a process that already ran a preview (the benchmark's own, so its CPU also holds the local Neon API, idle in a no-op preview, and the /proc reads). Medians of " +
        `${rounds} rounds; CPU read from /proc every 50 ms by kind of process.`,
      "",
      "| | cold preview | warm preview |",
      "|---|---:|---:|",
      ...rows,
      "",
      `Apart, in fresh Node processes: bare Node ${ms(bareNode)} of CPU; loading \`@pulumi/pulumi\` ${ms(hostLoad.pulumi)}; then our six providers' modules (client, zod schemas, lifecycles) ${ms(hostLoad.ours)}; serializing our six providers as the Resource constructors do ${ms(serialization.providers)}, after ${ms(serialization.serializerLoad)} to load Pulumi's closure serializer (it loads TypeScript to parse functions). A warm process serializes nothing again (Pulumi caches each provider's serialization).`,
    ].join("\n");
    process.stdout.write(`${body}\n`);
    writeSection("engine-cost", "The engine's own cost for one tenant stack (npm run bench:engine-cost)", body);
  } finally {
    await neon.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
