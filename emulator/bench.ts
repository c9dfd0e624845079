/**
 * `npm run bench:emulator -- [--connections 16] [--gets 20000] [--creates 2000]`
 *
 * Throughput of the local Neon API in-process: GET /projects/{id} and POST /projects over keep-alive
 * connections (undici Pool), with rate limiting off and instant operations, so what is measured is
 * the HTTP layer, routing, handlers and rendering. Prints requests per second and latency
 * percentiles, then exits. A bounded number of requests keeps a run to a few seconds.
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { startNeonLocal } from "./index";

interface Phase {
  name: string;
  requests: number;
  expectStatus: number;
  method: "GET" | "POST";
  path: string;
  body?: string;
}

interface PhaseResult {
  name: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${value}"`);
  return n;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Runs `phase.requests` requests over `connections` concurrent workers, one request in flight each. */
async function run(pool: Pool, apiKey: string, connections: number, phase: Phase): Promise<PhaseResult> {
  const latencies = new Float64Array(phase.requests);
  let issued = 0;
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, accept: "application/json" };
  if (phase.body !== undefined) headers["content-type"] = "application/json";
  const worker = async () => {
    while (issued < phase.requests) {
      const i = issued++;
      const started = performance.now();
      const res = await pool.request({ method: phase.method, path: phase.path, headers, body: phase.body });
      const text = await res.body.text();
      latencies[i] = performance.now() - started;
      if (res.statusCode !== phase.expectStatus) throw new Error(`${phase.name}: got ${res.statusCode}, expected ${phase.expectStatus}: ${text}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    name: phase.name,
    requests: phase.requests,
    seconds,
    perSecond: phase.requests / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { connections: { type: "string" }, gets: { type: "string" }, creates: { type: "string" } },
    strict: true,
  });
  const connections = count("connections", values.connections, 16);
  const gets = count("gets", values.gets, 20_000);
  const creates = count("creates", values.creates, 2_000);

  const neon = await startNeonLocal({ rateLimit: false, operationDelayMs: 0 });
  const pool = new Pool(neon.origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  try {
    const setup = await pool.request({
      method: "POST",
      path: "/api/v2/projects",
      headers: { authorization: `Bearer ${neon.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ project: { name: "bench" } }),
    });
    const projectId = ((await setup.body.json()) as { project: { id: string } }).project.id;

    // A short warm-up so the JIT has compiled the hot path before anything is timed.
    await run(pool, neon.apiKey, connections, { name: "warm-up", requests: Math.min(2000, gets), expectStatus: 200, method: "GET", path: `/api/v2/projects/${projectId}` });
    neon.requestLog.length = 0;

    const results = [
      await run(pool, neon.apiKey, connections, { name: `GET /projects/{id}`, requests: gets, expectStatus: 200, method: "GET", path: `/api/v2/projects/${projectId}` }),
      await run(pool, neon.apiKey, connections, {
        name: "POST /projects",
        requests: creates,
        expectStatus: 201,
        method: "POST",
        path: "/api/v2/projects",
        body: JSON.stringify({ project: {} }),
      }),
    ];
    process.stdout.write(`local Neon API benchmark (node ${process.version}, ${connections} keep-alive connections, rate limit off, operations instant)\n`);
    for (const r of results) {
      process.stdout.write(
        `  ${r.name.padEnd(20)} ${String(r.requests).padStart(6)} requests in ${r.seconds.toFixed(2)} s: ` +
          `${Math.round(r.perSecond).toString().padStart(6)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms\n`,
      );
    }
  } finally {
    await pool.close();
    await neon.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
