/**
 * Figures for the Neon client and provider (no assertions; timings belong here, not in tests),
 * printed and written to bench/results.md:
 *  1. overhead per GET against a bare undici request, both on loopback with keep-alive;
 *  2. beside Neon's official @neon/sdk (vsSdk.ts): polling, a whole tenant, GET throughput, and a
 *     burst past Neon's rate limit.
 *
 * Run: npm run bench:client   (BENCH_BLOCKS=40 blocks of BENCH_BLOCK=250 requests; BENCH_ROUNDS=5
 * polling rounds; BENCH_TENANT_ROUNDS=3; BENCH_BURST=750 requests, which takes a minute: the limit
 * is per minute)
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { NeonClient } from "../provider/client";
import { median, resultsFile, writeSection } from "./results";
import { burst, getThroughput, pollingRace, tenantRace } from "./vsSdk";

// Variants alternate in short blocks and the median block is reported, so that load from other
// processes (which drifts over seconds) hits all variants alike.
const BLOCK = Number(process.env.BENCH_BLOCK ?? 250);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TENANT_ROUNDS = Number(process.env.BENCH_TENANT_ROUNDS ?? 3);
const BURST = Number(process.env.BENCH_BURST ?? 750);
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

async function overheadPerGet(): Promise<string> {
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
  const rows = variants.map(([name]) => {
    const us = median(samples.get(name)!);
    return `| ${name.trim()} | ${us.toFixed(1)} µs | ${(us / bareUs).toFixed(2)}× |`;
  });
  const section =
    `### The client's overhead per GET\n\n` +
    `Against a fixed-answer server on loopback, keep-alive, sequential; median of ${BLOCKS} interleaved blocks of ${BLOCK} requests.\n\n` +
    ["| variant | per request | vs bare undici |", "| --- | ---: | ---: |", ...rows].join("\n");
  console.log(section);
  return section;
}

async function main(): Promise<void> {
  console.log(`Neon client benchmark — node ${process.version}`);
  const overhead = await overheadPerGet();
  const sections = [overhead];
  for (const [title, run] of [
    ["polling race", () => pollingRace(ROUNDS)],
    ["tenant race", () => tenantRace(TENANT_ROUNDS)],
    ["GET throughput", () => getThroughput(BLOCKS, BLOCK)],
    ["burst", () => burst(BURST)],
  ] as const) {
    console.log(`\n… ${title}`);
    const section = await run();
    console.log(section);
    sections.push(section);
  }
  writeSection("client", "Client and provider against @neon/sdk (npm run bench:client)", sections.join("\n\n"));
  console.log(`\nWritten to ${resultsFile}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
