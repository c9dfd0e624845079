/**
 * The local Neon API with its data plane on: every branch a real Postgres database behind the
 * connection URIs the API hands out. The Active Branch Pattern on data, not on bookkeeping: rows
 * written, a checkpoint taken, more rows, a restore with finalize, and the old rows read back
 * through the same connection URI; a preview branch from the checkpoint; branch isolation,
 * schema-only branches, roles and databases made by the API, passwords, psql, and the cap on
 * running databases.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as net from "node:net";
import { promisify } from "node:util";
import type { NeonLocal } from "../../emulator";
import { startupMessage } from "../../emulator/dataPlane/wire";
import { NeonClient } from "../../provider/client";
import { startTestNeon } from "../support/neonLocal";
import { connectError, postgresClient, query } from "../support/postgres";

const run = promisify(execFile);

describe("the local Neon API's data plane: branches that hold real data", function () {
  this.timeout(120_000);
  let neon: NeonLocal;
  let api: NeonClient;
  let projectId: string;
  let mainBranchId: string;
  let activeUri: string;
  let preview: { id: string; uri: string };

  before(async () => {
    neon = await startTestNeon({ operationDelayMs: 20, dataPlane: { maxRunning: 3 } });
    api = new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false, operations: { firstPollDelayMs: 10, maxPollIntervalMs: 20 } });
    const created = await api.projects.create({ project: { name: "data-plane" } });
    projectId = created.project.id;
    mainBranchId = created.branch.id;
    activeUri = created.connection_uris[0]!.connection_uri;
  });
  after(() => neon?.close());

  const uriFor = async (branchId: string, endpointId: string, role = "neondb_owner", database = "neondb") =>
    (await api.projects.connectionUri(projectId, { branch_id: branchId, endpoint_id: endpointId, role_name: role, database_name: database })).uri;

  it("hands out connection URIs that reach the active branch's database on loopback", async () => {
    assert.match(activeUri, /^postgresql:\/\/neondb_owner:[^@]+@127\.0\.0\.1:\d+\/neondb\?sslmode=require&options=endpoint%3Dep-/);
    const [row] = await query<{ db: string; user: string }>(activeUri, "select current_database() as db, current_user as user");
    assert.deepEqual(row, { db: "neondb", user: "neondb_owner" });
    // The pooled URI (Neon's `-pooler` host) reaches the same compute.
    const { uri: pooled } = await api.projects.connectionUri(projectId, { role_name: "neondb_owner", database_name: "neondb", pooled: true });
    assert.deepEqual(await query(pooled, "select current_database() as db"), [{ db: "neondb" }]);
  });

  it("restores a checkpoint with finalize behind the same connection URI: the old rows are back", async () => {
    await query(activeUri, "create table notes(id int primary key, body text)");
    await query(activeUri, "insert into notes values (1, 'before the checkpoint')");
    const { snapshot } = await api.snapshots.create(projectId, mainBranchId, { name: "baseline" });
    await query(activeUri, "insert into notes values (2, 'after the checkpoint')");
    // A connection open during the restore is cut: the compute moves, as a restart would.
    const open = postgresClient(activeUri);
    const cut = new Promise<Error>((resolve) => open.on("error", resolve));
    await open.connect();

    await api.snapshots.restore(projectId, snapshot.id, { target_branch_id: mainBranchId, finalize_restore: true });

    assert.match((await cut).message, /terminat|ECONNRESET|Connection terminated/i);
    const rows = await query<{ id: number; body: string }>(activeUri, "select id, body from notes order by id");
    assert.deepEqual(rows, [{ id: 1, body: "before the checkpoint" }]);
    const { branches } = await api.branches.list(projectId);
    const active = branches.find((b) => b.default)!;
    assert.notEqual(active.id, mainBranchId, "the restored branch is the default one now");
    mainBranchId = active.id;
  });

  it("gives a preview branch restored from the checkpoint the old rows, leaving the active branch as it is", async () => {
    const { snapshots } = await api.snapshots.list(projectId);
    const baseline = snapshots.find((s) => s.name === "baseline")!;
    await query(activeUri, "insert into notes values (3, 'on the active branch after the restore')");
    const { branch: previewBranch } = await api.snapshots.restore(projectId, baseline.id, { name: "preview-1", finalize_restore: false });
    const { endpoint } = await api.endpoints.create(projectId, { endpoint: { branch_id: previewBranch.id, type: "read_write" } });
    const previewUri = await uriFor(previewBranch.id, endpoint.id);
    preview = { id: previewBranch.id, uri: previewUri };

    assert.deepEqual(await query(previewUri, "select id from notes order by id"), [{ id: 1 }]);
    await query(previewUri, "insert into notes values (10, 'preview only')");
    assert.deepEqual(await query(activeUri, "select id from notes order by id"), [{ id: 1 }, { id: 3 }]);
  });

  it("keeps a branch and its parent apart after the branch is made; a schema-only branch has the tables, not the rows", async () => {
    const { branch: child, endpoints } = await api.branches.create(projectId, { branch: { name: "child", parent_id: mainBranchId }, endpoints: [{ type: "read_write" }] });
    const childUri = await uriFor(child.id, endpoints[0]!.id);
    await query(activeUri, "insert into notes values (4, 'parent, after the branch')");
    await query(childUri, "insert into notes values (20, 'child only')");
    assert.deepEqual(await query(activeUri, "select id from notes order by id"), [{ id: 1 }, { id: 3 }, { id: 4 }]);
    assert.deepEqual(await query(childUri, "select id from notes order by id"), [{ id: 1 }, { id: 3 }, { id: 20 }]);

    const { branch: schemaOnly, endpoints: schemaEndpoints } = await api.branches.create(projectId, {
      branch: { name: "schema-only", parent_id: mainBranchId, init_source: "schema-only" },
      endpoints: [{ type: "read_write" }],
    });
    const schemaUri = await uriFor(schemaOnly.id, schemaEndpoints[0]!.id);
    assert.deepEqual(await query(schemaUri, "select count(*)::int as n from notes"), [{ n: 0 }]);
  });

  it("creates in Postgres the roles and databases the API creates, each reached with its own password", async () => {
    const { role } = await api.roles.create(projectId, mainBranchId, { role: { name: "app" } });
    await api.databases.create(projectId, mainBranchId, { database: { name: "appdb", owner_name: "app" } });
    const endpointId = (await api.branches.listEndpoints(projectId, mainBranchId)).endpoints[0]!.id;
    const appUri = await uriFor(mainBranchId, endpointId, "app", "appdb");
    assert.ok(appUri.includes(encodeURIComponent(role.password!)));

    await query(appUri, "create table things(id int)");
    assert.deepEqual(await query(appUri, "select current_database() as db, current_user as user"), [{ db: "appdb", user: "app" }]);
  });

  it("refuses a wrong password, and takes a reset password at once (the old one refused)", async () => {
    const wrong = activeUri.replace(/:[^:@/]+@/, ":not-the-password@");
    const refused = await connectError(wrong);
    assert.equal(refused.code, "28P01");
    assert.match(refused.message, /password authentication failed for user "neondb_owner"/);

    const { role } = await api.roles.resetPassword(projectId, mainBranchId, "neondb_owner");
    assert.equal((await connectError(activeUri)).code, "28P01", "the old password no longer works");
    const fresh = activeUri.replace(/:[^:@/]+@/, `:${encodeURIComponent(role.password!)}@`);
    assert.deepEqual(await query(fresh, "select 1 as one"), [{ one: 1 }]);
    activeUri = fresh;
  });

  it("names the compute to use when a client does not, and refuses an unknown one", async () => {
    const withoutEndpoint = activeUri.replace(/&options=endpoint%3D[a-z0-9-]+/, "");
    assert.match((await connectError(withoutEndpoint)).message, /Endpoint ID is not specified/);
    const unknown = activeUri.replace(/endpoint%3D[a-z0-9-]+/, "endpoint%3Dep-nothing-here-123456");
    assert.match((await connectError(unknown)).message, /could not be found/);
    // Neon's other way: the endpoint in the password.
    const endpointId = /endpoint%3D([a-z0-9-]+)/.exec(activeUri)![1];
    const inPassword = withoutEndpoint.replace(/:([^:@/]+)@/, (_m, password: string) => `:${encodeURIComponent(`endpoint=${endpointId};`)}${password}@`);
    assert.deepEqual(await query(inPassword, "select 2 as two"), [{ two: 2 }]);
  });

  it("leaves nothing counted when a client gives up while the branch's database starts", async () => {
    const { branch, endpoints } = await api.branches.create(projectId, { branch: { name: "abandoned", parent_id: mainBranchId }, endpoints: [{ type: "read_write" }] });
    const uri = new URL(await uriFor(branch.id, endpoints[0]!.id));
    const socket = net.connect(Number(uri.port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(startupMessage({ user: "neondb_owner", database: "neondb", options: `endpoint=${endpoints[0]!.id}` }));
    await new Promise((resolve) => socket.once("data", resolve)); // the password request
    const password = Buffer.from(`${decodeURIComponent(uri.password)}\0`);
    const message = Buffer.alloc(5);
    message.write("p");
    message.writeInt32BE(4 + password.length, 1);
    socket.end(Buffer.concat([message, password])); // and gone, while the database starts
    // A connection that waits for the same start, then closes.
    assert.deepEqual(await query(uri.toString(), "select 1 as one"), [{ one: 1 }]);
    assert.equal(neon.dataPlane!.connections(endpoints[0]!.id), 0);
    assert.equal(neon.dataPlane!.databaseConnections(projectId, branch.id), 0, "the branch's database can be stopped again");
  });

  it("is reached by Debian's psql with the URI as the API gives it (sslmode=require)", async () => {
    const { stdout } = await run("psql", [activeUri, "-Atc", "select body from notes where id = 1"], { env: { ...process.env, PGCONNECT_TIMEOUT: "30" } });
    assert.equal(stdout.trim(), "before the checkpoint");
  });

  it("keeps at most the cap of databases running, stopping the least recently used idle one, and restarts it on the next connection", async () => {
    const dataPlane = neon.dataPlane!;
    // Five branches have served connections since the preview branch did; the cap is three.
    assert.equal(dataPlane.runningCount(), 3);
    assert.equal(dataPlane.isRunning(projectId, preview.id), false, "the least recently used was stopped");
    assert.deepEqual(await query(preview.uri, "select id from notes order by id"), [{ id: 1 }, { id: 10 }], "its data is kept");
    assert.ok(dataPlane.isRunning(projectId, preview.id));
    assert.equal(dataPlane.runningCount(), 3);
  });
});
