/**
 * History with the data plane on: a branch made at a past `parent_timestamp`, and a snapshot taken
 * at a past `timestamp`, hold the parent's data as it was at that moment (Postgres replays the
 * branch's own write-ahead log up to it), not as it is now; each transaction is in or out whole;
 * the history survives a restart of the local Neon API. On a manual clock: the moments are
 * minutes apart, and nothing waits for them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ManualClock, type NeonLocal } from "../../emulator";
import { isoSeconds } from "../../emulator/clock";
import { NeonClient } from "../../provider/client";
import { LinkedClock } from "../support/linkedClock";
import { startTestNeon } from "../support/neonLocal";
import { firstValue, frontendMessage, postgresClient, query, rawSession } from "../support/postgres";

describe("the data plane's history: branches and snapshots at a past moment", function () {
  this.timeout(180_000);
  let dir: string;
  let neon: NeonLocal | undefined;
  const clock = new ManualClock();
  const start = async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 20, stateFile: path.join(dir, "state.json"), dataPlane: { idleCheckMs: 0 } });
    return new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false, clock: new LinkedClock(clock) });
  };
  let api: NeonClient;
  let projectId: string;
  let mainBranchId: string;
  let uri: string;
  /** Moments (ISO, to the second) between the writes below. */
  const moments: Record<"beforeTable" | "afterFirst" | "afterSecond" | "midTransaction", string> = {
    beforeTable: "",
    afterFirst: "",
    afterSecond: "",
    midTransaction: "",
  };
  const later = (ms: number) => {
    clock.advance(ms);
    return isoSeconds(clock.now());
  };

  /** A branch of main at `at` (a moment, or a WAL position; the head when undefined) with a compute, and its URI. */
  const branchAt = async (name: string, at: string | { lsn: string } | undefined) => {
    const point = at === undefined ? {} : typeof at === "string" ? { parent_timestamp: at } : { parent_lsn: at.lsn };
    const { branch, endpoints } = await api.branches.create(projectId, {
      branch: { name, parent_id: mainBranchId, ...point },
      endpoints: [{ type: "read_write" }],
    });
    const { uri: branchUri } = await api.projects.connectionUri(projectId, { branch_id: branch.id, endpoint_id: endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" });
    return branchUri;
  };
  const ids = async (at: string) => (await query<{ id: number }>(at, "select id from notes order by id")).map((r) => r.id);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-local-history-"));
    api = await start();
    const created = await api.projects.create({ project: { name: "history", history_retention_seconds: 21600 } });
    projectId = created.project.id;
    mainBranchId = created.branch.id;
    uri = created.connection_uris[0]!.connection_uri;
    await query(uri, "select 1"); // the database starts: its history begins
    moments.beforeTable = later(60_000);
    later(60_000);
    await query(uri, "create table notes(id int primary key); insert into notes values (1)");
    moments.afterFirst = later(60_000);
    later(60_000);
    await query(uri, "insert into notes values (2)");
    moments.afterSecond = later(60_000);
    later(60_000);
    // One transaction whose statements straddle a moment: it is in a copy whole, or not at all.
    const client = postgresClient(uri);
    await client.connect();
    try {
      await client.query("begin");
      await client.query("insert into notes values (3)");
      moments.midTransaction = later(60_000);
      later(60_000);
      await client.query("update notes set id = 20 where id = 2");
      await client.query("commit");
    } finally {
      await client.end();
    }
    later(60_000);
  });
  after(async () => {
    await neon?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives a branch at a past parent_timestamp its parent's rows as they were then", async () => {
    assert.deepEqual(await ids(await branchAt("at-first", moments.afterFirst)), [1]);
    assert.deepEqual(await ids(await branchAt("at-second", moments.afterSecond)), [1, 2]);
    assert.deepEqual(await ids(await branchAt("mid-transaction", moments.midTransaction)), [1, 2], "a transaction committed later is not in it, not even its first statement");
    await assert.rejects(query(await branchAt("before-table", moments.beforeTable), "select * from notes"), /relation "notes" does not exist/);
    assert.deepEqual(await ids(await branchAt("head", undefined)), [1, 3, 20], "without a timestamp: the parent as it is now");
    assert.deepEqual(await ids(uri), [1, 3, 20], "the parent is unchanged");
  });

  it("lets a branch from the past take writes of its own, apart from its parent's, with a history of its own", async () => {
    const pastUri = await branchAt("past-writable", moments.afterFirst);
    await query(pastUri, "insert into notes values (5)");
    await query(uri, "insert into notes values (6)");
    assert.deepEqual(await ids(pastUri), [1, 5]);
    assert.deepEqual(await ids(uri), [1, 3, 6, 20]);
    await query(uri, "delete from notes where id = 6");
    // A branch of it at a moment between its own writes: its base and its WAL, not its parent's.
    const between = later(60_000);
    later(60_000);
    await query(pastUri, "insert into notes values (9)");
    const { branches } = await api.branches.list(projectId);
    const pastBranch = branches.find((b) => b.name === "past-writable")!;
    const { branch, endpoints } = await api.branches.create(projectId, { branch: { name: "grandchild", parent_id: pastBranch.id, parent_timestamp: between }, endpoints: [{ type: "read_write" }] });
    const { uri: grandchild } = await api.projects.connectionUri(projectId, { branch_id: branch.id, endpoint_id: endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" });
    assert.deepEqual(await ids(grandchild), [1, 5]);
  });

  it("leaves a client's session as it was: SET TRANSACTION after BEGIN still works", async () => {
    const client = postgresClient(uri);
    await client.connect();
    try {
      await client.query("begin");
      await client.query("set transaction isolation level repeatable read");
      assert.deepEqual((await client.query("show transaction_isolation")).rows, [{ transaction_isolation: "repeatable read" }]);
      await client.query("commit");
    } finally {
      await client.end();
    }
  });

  it("commits nothing of a client's batch that has not reached its Sync when another client connects", async () => {
    const first = await rawSession(uri);
    try {
      first.write(Buffer.concat([frontendMessage("P", "", "insert into notes values (11)", 0), frontendMessage("B", "", "", 0, 0, 0), frontendMessage("E", "", Buffer.alloc(4))]));
      const second = await rawSession(uri); // its startup runs on the same database meanwhile
      second.end();
      // The batch goes on and fails: all of it is rolled back, the insert too.
      const answer = await first.send(Buffer.concat([frontendMessage("P", "", "select 1/0", 0), frontendMessage("B", "", "", 0, 0, 0), frontendMessage("E", "", Buffer.alloc(4)), frontendMessage("S")]));
      assert.match(answer.toString("latin1"), /division by zero/);
    } finally {
      first.end();
    }
    assert.deepEqual(await ids(uri), [1, 3, 20]);
  });

  it("gives a copy of a schema-only branch as of a moment the emptiness it had then, database by database", async () => {
    await api.databases.create(projectId, mainBranchId, { database: { name: "second", owner_name: "neondb_owner" } });
    const secondOfMain = (await api.projects.connectionUri(projectId, { role_name: "neondb_owner", database_name: "second" })).uri;
    await query(secondOfMain, "create table things(id int); insert into things values (1), (2)");
    const schemaOnly = await api.branches.create(projectId, { branch: { name: "schema-only", parent_id: mainBranchId, init_source: "schema-only" }, endpoints: [{ type: "read_write" }] });
    const on = (branchId: string, endpointId: string, database: string) =>
      api.projects.connectionUri(projectId, { branch_id: branchId, endpoint_id: endpointId, role_name: "neondb_owner", database_name: database }).then((r) => r.uri);
    const schemaEndpoint = schemaOnly.endpoints[0]!.id;
    assert.deepEqual(await ids(await on(schemaOnly.branch.id, schemaEndpoint, "neondb")), [], "its first database opened: emptied");
    const beforeSecondOpened = later(60_000);
    later(60_000);
    assert.deepEqual(await query(await on(schemaOnly.branch.id, schemaEndpoint, "second"), "select count(*)::int as n from things"), [{ n: 0 }]);
    const copy = await api.branches.create(projectId, { branch: { name: "schema-only-then", parent_id: schemaOnly.branch.id, parent_timestamp: beforeSecondOpened }, endpoints: [{ type: "read_write" }] });
    const copyEndpoint = copy.endpoints[0]!.id;
    assert.deepEqual(await query(await on(copy.branch.id, copyEndpoint, "second"), "select count(*)::int as n from things"), [{ n: 0 }], "never the source's rows");
  });

  it("takes a snapshot at a past timestamp that holds the data of then; a restore brings it back", async () => {
    const { snapshot } = await api.snapshots.create(projectId, mainBranchId, { name: "at-second", timestamp: moments.afterSecond });
    assert.equal(snapshot.timestamp, moments.afterSecond);
    const { branch } = await api.snapshots.restore(projectId, snapshot.id, { name: "restored-at-second", finalize_restore: false });
    const { endpoint } = await api.endpoints.create(projectId, { endpoint: { branch_id: branch.id, type: "read_write" } });
    const { uri: restoredUri } = await api.projects.connectionUri(projectId, { branch_id: branch.id, endpoint_id: endpoint.id, role_name: "neondb_owner", database_name: "neondb" });
    assert.deepEqual(await ids(restoredUri), [1, 2]);
  });

  it("counts a commit that opens the next transaction (COMMIT AND CHAIN) at the moment it commits", async () => {
    const client = postgresClient(uri);
    await client.connect();
    let moment: string;
    try {
      await client.query("begin");
      await client.query("insert into notes values (8)");
      await client.query("commit and chain");
      moment = later(60_000);
      later(60_000);
      await client.query("rollback");
    } finally {
      await client.end();
    }
    assert.deepEqual(await ids(await branchAt("after-chained-commit", moment)), [1, 3, 8, 20]);
    await query(uri, "delete from notes where id = 8");
  });

  it("leaves a client's unnamed prepared statement as it was when it marks the history (Parse, Sync, then Bind)", async () => {
    const session = await rawSession(uri);
    try {
      // Parse into the unnamed statement, Sync: the statement lives on after the ReadyForQuery.
      await session.send(Buffer.concat([frontendMessage("P", "", "insert into notes values (7) returning id", 0), frontendMessage("S")]));
      const answer = await session.send(Buffer.concat([frontendMessage("B", "", "", 0, 0, 0), frontendMessage("E", "", Buffer.alloc(4)), frontendMessage("S")]));
      assert.equal(firstValue(answer), "7");
    } finally {
      session.end();
    }
    assert.deepEqual(await ids(uri), [1, 3, 7, 20]);
    await query(uri, "delete from notes where id = 7");
  });

  it("takes a parent_lsn or a snapshot's lsn that Postgres reported on the branch: the data as of that WAL position", async () => {
    const [{ lsn }] = await query<{ lsn: string }>(uri, "select pg_current_wal_lsn()::text as lsn");
    await query(uri, "insert into notes values (40)");
    assert.deepEqual(await ids(await branchAt("at-lsn", { lsn })), [1, 3, 20]);
    const { branches } = await api.branches.list(projectId);
    assert.equal(branches.find((b) => b.name === "at-lsn")!.parent_lsn, lsn, "the branch reports the position it was asked for");

    const { snapshot } = await api.snapshots.create(projectId, mainBranchId, { name: "at-lsn", lsn });
    assert.equal(snapshot.lsn, lsn);
    const restored = await api.snapshots.restore(projectId, snapshot.id, { name: "restored-at-lsn", finalize_restore: false });
    const { endpoint } = await api.endpoints.create(projectId, { endpoint: { branch_id: restored.branch.id, type: "read_write" } });
    const { uri: restoredUri } = await api.projects.connectionUri(projectId, { branch_id: restored.branch.id, endpoint_id: endpoint.id, role_name: "neondb_owner", database_name: "neondb" });
    assert.deepEqual(await ids(restoredUri), [1, 3, 20]);

    // The head's position is the present; one past it is refused, naming the field.
    const [{ head }] = await query<{ head: string }>(uri, "select pg_current_wal_lsn()::text as head");
    assert.deepEqual(await ids(await branchAt("at-head-lsn", { lsn: head })), [1, 3, 20, 40]);
    await assert.rejects(
      api.branches.create(projectId, { branch: { name: "beyond", parent_id: mainBranchId, parent_lsn: "FF/0" } }),
      (err: Error) => /branch\.parent_lsn/.test(err.message) && /outside the parent branch's history/.test(err.message),
    );
    await query(uri, "delete from notes where id = 40");
  });

  it("keeps the history across a restart of the local Neon API", async () => {
    await neon!.close();
    neon = undefined;
    api = await start();
    uri = (await api.projects.connectionUri(projectId, { role_name: "neondb_owner", database_name: "neondb" })).uri; // the data plane's new port
    assert.deepEqual(await ids(await branchAt("at-first-after-restart", moments.afterFirst)), [1]);
    assert.deepEqual(await ids(uri), [1, 3, 20]);
    // Writes after the restart are history too.
    await query(uri, "insert into notes values (30)");
    const afterRestartWrite = later(60_000);
    later(60_000);
    await query(uri, "delete from notes");
    assert.deepEqual(await ids(await branchAt("after-restart-write", afterRestartWrite)), [1, 3, 20, 30]);
  });
});
