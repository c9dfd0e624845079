/**
 * `npm run bench:data-plane`: what real Postgres behind the local Neon API costs. With operations
 * instant (so the figures are the data plane's own work) and the client waiting for them:
 *  - the first connection of the process (Postgres's initdb, once per process, then the load);
 *  - branch create and the branch's first query (its copy loaded: a cold start);
 *  - the same for a branch at a past parent_timestamp (its parent's WAL replayed up to then);
 *  - a snapshot, and a restore with finalize followed by the first query behind the same URI;
 *  - a first connection to a stopped branch (its files reopened);
 *  - resident memory per running branch.
 * Medians of BENCH_ROUNDS=3 rounds; written into bench/results.md with the date.
 */
import { startNeonLocal } from "../emulator";
import { NeonClient } from "../provider/client";
import { Client } from "pg";
import { median, writeSection } from "./results";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** node-postgres reads sslmode=require as verify-full; the local certificate is self-signed. */
const nodePostgres = (uri: string) => new Client({ connectionString: uri.replace("sslmode=require", "sslmode=no-verify") });

async function firstQuery(uri: string): Promise<number> {
  const start = performance.now();
  const client = nodePostgres(uri);
  await client.connect();
  await client.query("select count(*) from notes");
  const ms = performance.now() - start;
  await client.end();
  return ms;
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await run();
  return [performance.now() - start, result];
}

const rssMb = () => process.memoryUsage().rss / 1e6;

/** Real time moves on to the next whole second (the API records moments to the second). */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));

/** A moment (to the second) with a write to the branch after it: a branch as of it has its parent's WAL replayed. */
async function momentBeforeAWrite(uri: string): Promise<string> {
  await nextSecond();
  const moment = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
  await nextSecond();
  const client = nodePostgres(uri);
  await client.connect();
  await client.query("insert into notes values (0, 'after the moment')");
  await client.end();
  await nextSecond();
  return moment;
}

async function main(): Promise<void> {
  const neon = await startNeonLocal({ port: 0, host: "127.0.0.1", operationDelayMs: 0, rateLimit: false, dataPlane: { maxRunning: 100, idleCheckMs: 0 } });
  const api = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false, operations: { firstPollDelayMs: 1, maxPollIntervalMs: 5 } });
  const samples: Record<string, number[]> = { branch: [], branchFirstQuery: [], pastBranch: [], pastBranchFirstQuery: [], snapshot: [], restore: [], restoreFirstQuery: [], reopen: [] };
  try {
    const rssBefore = rssMb();
    const [createMs, created] = await timed(() => api.projects.create({ project: { name: "bench" } }));
    const uri = created.connection_uris[0]!.connection_uri;
    const [coldMs] = await timed(async () => {
      const client = nodePostgres(uri);
      await client.connect();
      await client.query("create table notes(id int, body text); insert into notes select g, 'row ' || g from generate_series(1, 1000) g");
      await client.end();
    });
    const rssOne = rssMb();
    const projectId = created.project.id;
    let mainBranch = created.branch.id;
    const branchUris: string[] = [];

    for (let round = 0; round < ROUNDS; round += 1) {
      const [branchMs, branch] = await timed(() => api.branches.create(projectId, { branch: { name: `b-${round}`, parent_id: mainBranch }, endpoints: [{ type: "read_write" }] }));
      samples.branch!.push(branchMs);
      const branchUri = (await api.projects.connectionUri(projectId, { branch_id: branch.branch.id, endpoint_id: branch.endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" })).uri;
      samples.branchFirstQuery!.push(await firstQuery(branchUri));
      branchUris.push(branchUri);

      const moment = await momentBeforeAWrite(uri);
      const [pastMs, past] = await timed(() =>
        api.branches.create(projectId, { branch: { name: `past-${round}`, parent_id: mainBranch, parent_timestamp: moment }, endpoints: [{ type: "read_write" }] }),
      );
      samples.pastBranch!.push(pastMs);
      const pastUri = (await api.projects.connectionUri(projectId, { branch_id: past.branch.id, endpoint_id: past.endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" })).uri;
      samples.pastBranchFirstQuery!.push(await firstQuery(pastUri));
      branchUris.push(pastUri);

      const [snapshotMs, { snapshot }] = await timed(() => api.snapshots.create(projectId, mainBranch, { name: `s-${round}` }));
      samples.snapshot!.push(snapshotMs);
      const [restoreMs] = await timed(() => api.snapshots.restore(projectId, snapshot.id, { target_branch_id: mainBranch, finalize_restore: true }));
      samples.restore!.push(restoreMs);
      samples.restoreFirstQuery!.push(await firstQuery(uri));
      mainBranch = (await api.branches.list(projectId)).branches.find((b) => b.default)!.id;
    }
    const running = neon.dataPlane!.runningCount();
    const rssAll = rssMb();
    // A stopped branch's first connection: its files reopened.
    for (const branchUri of branchUris) {
      const endpointId = /endpoint%3D([a-z0-9-]+)/.exec(branchUri)![1]!;
      await api.endpoints.suspend(projectId, endpointId);
      samples.reopen!.push(await firstQuery(branchUri));
    }

    const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
    const body =
      `Operations instant (the figures are the data plane's own work); one process; medians of ${ROUNDS} rounds; a table of 1,000 rows.\n\n` +
      [
        "| step | time |",
        "| --- | ---: |",
        `| project create (API) | ${createMs.toFixed(0)} ms |`,
        `| first connection of the process (initdb once, then load) | ${coldMs.toFixed(0)} ms |`,
        `| branch create with a compute (API; the parent is dumped) | ${ms(samples.branch!)} |`,
        `| first query on the new branch (cold start: its copy loaded) | ${ms(samples.branchFirstQuery!)} |`,
        `| branch create at a past parent_timestamp (API; the parent's base and WAL copied) | ${ms(samples.pastBranch!)} |`,
        `| first query on it (cold start: the WAL replayed up to then) | ${ms(samples.pastBranchFirstQuery!)} |`,
        `| snapshot create (API) | ${ms(samples.snapshot!)} |`,
        `| restore with finalize (API) | ${ms(samples.restore!)} |`,
        `| first query behind the same URI after the restore | ${ms(samples.restoreFirstQuery!)} |`,
        `| first query on a suspended branch (its files reopened) | ${ms(samples.reopen!)} |`,
      ].join("\n") +
      `\n\nResident memory: ${rssBefore.toFixed(0)} MB before any database, ${rssOne.toFixed(0)} MB with one running ` +
      `(the first includes PGlite's WebAssembly module), ${rssAll.toFixed(0)} MB with ${running} running: about ` +
      `${((rssAll - rssOne) / Math.max(1, running - 1)).toFixed(0)} MB per further running branch.`;
    console.log(body);
    writeSection("data-plane", "Real Postgres behind the local Neon API (npm run bench:data-plane)", body);
  } finally {
    await neon.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
