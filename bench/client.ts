/**
 * Prints figures for the Neon client (no assertions; timings belong here, not in tests):
 *  1. overhead per GET against a bare undici request, both on loopback with keep-alive;
 *  2. calls and time to create a project and wait for its operations, against the local Neon API
 *     at its default operation timings and rate limits, with the client's default options.
 *
 * Run: npm run bench:client   (BENCH_BLOCKS=40 blocks of 250 requests per variant by default)
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { NeonClient } from "../provider/client";

// Variants alternate in short blocks and the median block is reported, so that load from other
// processes (which drifts over seconds) hits all variants alike.
const BLOCK = 250;
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 40);
const API_KEY = "napi_bench_key";

const projectBody = JSON.stringify({
  project: {
    id: "shiny-wind-028834",
    name: "tenant-42",
    region_id: "aws-us-east-1",
    pg_version: 17,
    history_retention_seconds: 86400,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    platform_id: "aws",
    provisioner: "k8s-neonvm",
    proxy_host: "us-east-1.aws.neon.tech",
    store_passwords: true,
    org_id: "org-bench",
    owner_id: "owner-bench",
    creation_source: "console",
    settings: { allowed_ips: { ips: [], protected_branches_only: false }, enable_logical_replication: false },
    default_endpoint_settings: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 1, suspend_timeout_seconds: 0 },
    branch_logical_size_limit: 3072,
    active_time_seconds: 100,
    compute_time_seconds: 100,
    cpu_used_sec: 100,
    written_data_bytes: 1000,
    data_transfer_bytes: 1000,
    data_storage_bytes_hour: 1000,
    consumption_period_start: "2026-01-01T00:00:00Z",
    consumption_period_end: "2026-02-01T00:00:00Z",
  },
});

async function startFixedServer(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": String(req.headers["x-request-id"] ?? "") });
    res.end(projectBody);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2` };
}

async function timePerRequest(count: number, send: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await send();
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function overheadPerGet(): Promise<void> {
  const { server, baseUrl } = await startFixedServer();
  const url = `${baseUrl}/projects/shiny-wind-028834`;
  const bare = async (): Promise<unknown> => {
    const response = await request(url, { headers: { authorization: `Bearer ${API_KEY}`, accept: "application/json" } });
    return response.body.json();
  };
  // The same request with the headers the client sends, to separate their cost from the client's.
  const bareWithClientHeaders = async (): Promise<unknown> => {
    const response = await request(url, {
      headers: {
        authorization: `Bearer ${API_KEY}`,
        accept: "application/json",
        "user-agent": "neon-pulumi-dynamic/0.1.0 node/20",
        "x-request-id": randomUUID(),
        "x-neon-attempt": "1",
      },
    });
    return response.body.json();
  };
  const withoutLimiter = new NeonClient({ apiKey: API_KEY, baseUrl, rateLimit: false, logger: false });
  // Limits high enough never to wait, so the figure is the limiter's bookkeeping cost only.
  const withLimiter = new NeonClient({ apiKey: API_KEY, baseUrl, rateLimit: { perMinute: 1_000_000, perSecondPerRoute: 1_000_000 }, logger: false });
  const variants: [string, () => Promise<unknown>][] = [
    ["bare undici request + body.json()", bare],
    ["  same, with the client's five headers", bareWithClientHeaders],
    ["NeonClient.projects.get (rate limiter off)", () => withoutLimiter.projects.get("shiny-wind-028834")],
    ["NeonClient.projects.get (rate limiter on)", () => withLimiter.projects.get("shiny-wind-028834")],
  ];
  for (const [, send] of variants) await timePerRequest(500, send); // warm-up: JIT, sockets
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let block = 0; block < BLOCKS; block += 1) {
    for (const [name, send] of variants) samples.get(name)!.push(await timePerRequest(BLOCK, send));
  }
  server.closeAllConnections();
  server.close();

  const bareUs = median(samples.get(variants[0]![0])!);
  console.log(`\n1. GET on loopback, keep-alive, sequential; ${BLOCKS} interleaved blocks of ${BLOCK} requests per variant (median block)`);
  for (const [name] of variants) {
    const us = median(samples.get(name)!);
    console.log(`   ${name.padEnd(46)} ${us.toFixed(1).padStart(7)} µs   ${(us / bareUs).toFixed(2)}×`);
  }
}

async function createProjectAndWait(): Promise<void> {
  let emulator: typeof import("../emulator");
  try {
    emulator = await import("../emulator");
  } catch {
    console.log("\n2. Project create + wait: SKIPPED — the local Neon API (emulator/index.ts) is not available yet.");
    return;
  }
  const neon = await emulator.startNeonLocal({ port: 0, host: "127.0.0.1" });
  try {
    const client = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false });
    const { organizations } = await client.identity.listOrganizations();
    console.log("\n2. Create a project and wait for its operations (local Neon API defaults: 300 ms per operation, Neon's rate limits; client defaults)");
    for (let run = 1; run <= 3; run += 1) {
      const before = neon.requestLog.length;
      const start = performance.now();
      const created = await client.projects.create({ project: { name: `bench-${run}`, org_id: organizations[0]!.id } });
      const ms = performance.now() - start;
      const calls = neon.requestLog.slice(before);
      const polls = calls.filter((c) => c.method === "GET").length;
      console.log(
        `   run ${run}: ${calls.length} calls (1 POST + ${polls} operation polls for ${created.operations.length} operations), ${ms.toFixed(0)} ms`,
      );
    }
  } finally {
    await neon.close();
  }
}

async function main(): Promise<void> {
  console.log(`Neon client benchmark — node ${process.version}`);
  await overheadPerGet();
  await createProjectAndWait();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
