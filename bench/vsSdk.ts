/**
 * Our client and provider beside Neon's official `@neon/sdk`, on the same local Neon API at its
 * default 300 ms operations and Neon's rate limits, variants interleaved round by round:
 *  - polling: create a project, then a branch with a compute, each waited until ready;
 *  - a whole tenant ready: project, default compute adopted, Neon Auth with a trusted domain, the
 *    Data API, a checkpoint and a preview branch (ours through the provider's create methods, as
 *    the engine calls them; the SDK with the fewest calls its API allows);
 *  - GET throughput (client-side rate limiting off on our side, the SDK has none);
 *  - a burst of GETs past Neon's 700 requests a minute: 429s received and errors surfaced.
 * "Fresh" is a client whose process has seen no operation finish (a new provider process, as
 * each `pulumi up` starts); "warm" has seen some.
 */
import { type Clock, NeonClient, systemClock } from "../provider/client";
import { startNeonLocal, type NeonLocal } from "../emulator";
import * as auth from "../provider/resources/authIntegration/lifecycle";
import * as branch from "../provider/resources/branch/lifecycle";
import { configure } from "../provider/resources/common/providerConfig";
import { resetProviderConfiguration, setProviderClientOverrides } from "../test/support/clientOverrides";
import * as dataApi from "../provider/resources/dataApi/lifecycle";
import * as endpoint from "../provider/resources/endpoint/lifecycle";
import * as project from "../provider/resources/project/lifecycle";
import * as snapshot from "../provider/resources/snapshot/lifecycle";
import { median } from "./results";

// The SDK is ESM-only; Node 20.19+ loads it with require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createNeonClient } = require("@neon/sdk") as { createNeonClient: (options: Record<string, unknown>) => any };

const OPERATION_MS = 300;

/** A clock of its own: a client on it shares nothing learned with the others (a new process). */
const freshClock = (): Clock => ({ now: () => systemClock.now(), sleep: (ms, signal) => systemClock.sleep(ms, signal) });

interface Measured {
  readonly ms: number;
  readonly calls: number;
  readonly refused: number;
}

async function measure(neon: NeonLocal, run: () => Promise<unknown>): Promise<Measured> {
  const before = neon.requestLog.length;
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  const log = neon.requestLog.slice(before);
  return { ms, calls: log.length, refused: log.filter((e) => e.status === 423 || e.status === 429).length };
}

/** Runs each variant once per round, rotating their order, and reports medians. */
async function race(neon: NeonLocal, rounds: number, variants: Record<string, (round: number) => Promise<unknown>>): Promise<Map<string, Measured[]>> {
  const names = Object.keys(variants);
  const samples = new Map<string, Measured[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + round) % names.length]!;
      samples.get(name)!.push(await measure(neon, () => variants[name]!(round)));
    }
  }
  return samples;
}

function table(samples: Map<string, Measured[]>, floorMs?: number): string {
  const rows = [...samples].map(([name, runs]) => {
    const ms = median(runs.map((r) => r.ms));
    const calls = median(runs.map((r) => r.calls));
    const refused = runs.reduce((n, r) => n + r.refused, 0);
    const vsFloor = floorMs === undefined ? "" : ` | ${(ms / floorMs).toFixed(2)}×`;
    return `| ${name} | ${calls} | ${ms.toFixed(0)} ms${vsFloor} | ${refused} |`;
  });
  const floorHead = floorMs === undefined ? "" : " | vs floor";
  const floorRule = floorMs === undefined ? "" : " | ---:";
  return [`| client | calls | wall time${floorHead} | 423/429 received |`, `| --- | ---: | ---:${floorRule} | ---: |`, ...rows].join("\n");
}

export async function pollingRace(rounds: number): Promise<string> {
  const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", operationDelayMs: OPERATION_MS });
  try {
    const options = { apiKey: neon.apiKey, baseUrl: neon.url, logger: false as const };
    const warm = new NeonClient({ ...options, clock: freshClock() });
    const sdk = createNeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, throwOnError: true });
    const ours = async (client: NeonClient, name: string) => {
      const { project: p } = await client.projects.create({ project: { name } });
      await client.branches.create(p.id, { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] });
    };
    await ours(warm, "warm-up"); // the warm client has now seen every action finish once
    const samples = await race(neon, rounds, {
      "neon-pulumi-dynamic, fresh process": (r) => ours(new NeonClient({ ...options, clock: freshClock() }), `fresh-${r}`),
      "neon-pulumi-dynamic, warm": (r) => ours(warm, `warm-${r}`),
      "@neon/sdk 6.1.2": async (r) => {
        const p = await sdk.projects.create({ project: { name: `sdk-${r}` } });
        await sdk.branches.create({ projectId: p.id, branch: { name: "dev" }, endpoints: [{ type: "read_write" }] });
      },
    });
    const floor = 2 * 2 * OPERATION_MS;
    return (
      `### Polling: a project, then a branch with a compute, each until ready\n\n` +
      `Two phases of two operations of ${OPERATION_MS} ms that Neon runs one after the other: the floor is ${floor} ms. ` +
      `Median of ${rounds} interleaved rounds.\n\n${table(samples, floor)}`
    );
  } finally {
    await neon.close();
  }
}

export async function tenantRace(rounds: number): Promise<string> {
  const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", operationDelayMs: OPERATION_MS });
  const config: Record<string, string> = { "neon:apiKey": neon.apiKey, "neon:apiHost": neon.url };
  await configure({ config: { get: (key: string) => config[key] } });
  try {
    const sdk = createNeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, throwOnError: true });
    const domain = { domain: "https://app.example.com", auth_provider: "better_auth" };
    const samples = await race(neon, rounds, {
      "neon-pulumi-dynamic provider, fresh process": async (r) => {
        setProviderClientOverrides({ clock: freshClock(), logger: false });
        const created = await project.create({ name: `tenant-${r}` } as never);
        const projectId = created.id;
        await endpoint.create({ projectId, adoptDefault: true } as never);
        await auth.create({ projectId, trustedDomains: [domain.domain] } as never);
        await dataApi.create({ projectId } as never);
        await snapshot.create({ projectId, name: "baseline" } as never);
        await branch.create({ projectId, name: "preview-1" } as never);
      },
      "@neon/sdk 6.1.2": async (r) => {
        const p = await sdk.projects.create({ project: { name: `sdk-tenant-${r}` } });
        const main = await sdk.branches.getDefault({ projectId: p.id });
        const where = { projectId: p.id, branchId: main.id };
        await sdk.postgres.endpoints.listByBranch(where);
        const enabled = await sdk.auth.create({ ...where, auth_provider: "better_auth" });
        await sdk.auth.trustedDomains.add({ ...where, domain: domain.domain, auth_provider: enabled.auth_provider });
        await sdk.postgres.dataApi.create({ ...where, databaseName: "neondb" });
        await sdk.snapshots.create({ ...where, name: "baseline" }, { waitForReadiness: true });
        await sdk.branches.create({ projectId: p.id, branch: { name: "preview-1" } });
      },
    });
    return (
      `### A whole tenant, ready\n\n` +
      `Project, default compute adopted, Neon Auth with a trusted domain, the Data API, a checkpoint and a preview branch, ` +
      `one after the other. Ours through the provider's create methods (what the engine calls, outputs included); the SDK ` +
      `with the fewest calls its API allows (it waits for the project, the snapshot and the branch). Median of ${rounds} rounds.\n\n${table(samples)}`
    );
  } finally {
    await resetProviderConfiguration();
    await neon.close();
  }
}

export async function getThroughput(blocks: number, perBlock: number): Promise<string> {
  const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", operationDelayMs: 0, rateLimit: false });
  try {
    const ours = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false });
    const sdk = createNeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, throwOnError: true, retries: 0 });
    const { project: p } = await ours.projects.create({ project: { name: "throughput" } });
    const variants: Record<string, () => Promise<unknown>> = {
      "neon-pulumi-dynamic (client-side limiter off)": () => ours.projects.get(p.id),
      "@neon/sdk 6.1.2": () => sdk.projects.get({ projectId: p.id }),
    };
    const perSecond = new Map<string, number[]>(Object.keys(variants).map((n) => [n, []]));
    for (const send of Object.values(variants)) for (let i = 0; i < 200; i += 1) await send(); // warm-up
    for (let b = 0; b < blocks; b += 1) {
      for (const [name, send] of Object.entries(variants)) {
        const start = performance.now();
        for (let i = 0; i < perBlock; i += 1) await send();
        perSecond.get(name)!.push(perBlock / ((performance.now() - start) / 1000));
      }
    }
    const rows = [...perSecond].map(([name, values]) => `| ${name} | ${median(values).toFixed(0)} |`);
    return (
      `### GET throughput\n\n` +
      `Sequential \`GET /projects/{id}\` on loopback, local API rate limits off; median of ${blocks} interleaved blocks of ${perBlock}.\n\n` +
      ["| client | requests/s |", "| --- | ---: |", ...rows].join("\n")
    );
  } finally {
    await neon.close();
  }
}

export async function burst(size: number): Promise<string> {
  const rows: string[] = [];
  for (const name of ["neon-pulumi-dynamic (default limiter)", "@neon/sdk 6.1.2 (default retries)"]) {
    // A local API of its own each: Neon's limits count per account, from an empty minute.
    const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", operationDelayMs: 0 });
    try {
      const setup = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false });
      const { project: p } = await setup.projects.create({ project: { name: "burst" } });
      const before = neon.requestLog.length;
      const ours = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false });
      const sdk = createNeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, throwOnError: true });
      const send = name.startsWith("neon-pulumi") ? () => ours.projects.get(p.id) : () => sdk.projects.get({ projectId: p.id });
      const start = performance.now();
      const results = await Promise.allSettled(Array.from({ length: size }, () => send()));
      const seconds = (performance.now() - start) / 1000;
      const log = neon.requestLog.slice(before);
      const failed = results.filter((r) => r.status === "rejected").length;
      rows.push(`| ${name} | ${size - failed} | ${failed} | ${log.filter((e) => e.status === 429).length} | ${log.length} | ${seconds.toFixed(1)} s |`);
    } finally {
      await neon.close();
    }
  }
  return (
    `### A burst past Neon's rate limit\n\n` +
    `${size} \`GET /projects/{id}\` at once against a local API enforcing Neon's limits (700 requests a minute per account, 40 a second per route).\n\n` +
    ["| client | succeeded | errors surfaced | 429s received | requests sent | wall time |", "| --- | ---: | ---: | ---: | ---: | ---: |", ...rows].join("\n")
  );
}
