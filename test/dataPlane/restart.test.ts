/**
 * The data plane's data survives a restart of the local Neon API next to its state file: the
 * active branch's rows, a branch made while its parent was running (its copy not yet started),
 * and a snapshot, which a restore after the restart brings back.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { NeonLocal } from "../../emulator";
import { NeonClient } from "../../provider/client";
import { startTestNeon } from "../support/neonLocal";
import { query } from "../support/postgres";

describe("the data plane across a restart of the local Neon API", function () {
  this.timeout(120_000);
  let dir: string;
  let neon: NeonLocal | undefined;
  const start = async () => {
    neon = await startTestNeon({ operationDelayMs: 10, stateFile: path.join(dir, "state.json"), dataPlane: true });
    return {
      neon,
      api: new NeonClient({ apiKey: neon.apiKey, baseUrl: neon.url, logger: false, rateLimit: false, operations: { firstPollDelayMs: 5, maxPollIntervalMs: 10 } }),
    };
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-local-restart-"));
  });
  after(async () => {
    await neon?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every branch's and snapshot's data next to the state file", async () => {
    let { neon: first, api } = await start();
    const created = await api.projects.create({ project: { name: "restart" } });
    const projectId = created.project.id;
    const uri = created.connection_uris[0]!.connection_uri;
    await query(uri, "create table notes(id int); insert into notes values (1)");
    const { snapshot } = await api.snapshots.create(projectId, created.branch.id, { name: "one-row" });
    await query(uri, "insert into notes values (2)");
    // Made while the parent runs: its copy is a dump, not yet loaded anywhere.
    const { branch: child, endpoints } = await api.branches.create(projectId, { branch: { name: "child" }, endpoints: [{ type: "read_write" }] });
    // A schema-only branch, given rows of its own: they are not emptied again after the restart.
    const schemaOnly = await api.branches.create(projectId, { branch: { name: "schema", init_source: "schema-only" }, endpoints: [{ type: "read_write" }] });
    const schemaUri = (await api.projects.connectionUri(projectId, { branch_id: schemaOnly.branch.id, endpoint_id: schemaOnly.endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" })).uri;
    assert.deepEqual(await query(schemaUri, "select count(*)::int as n from notes"), [{ n: 0 }]);
    await query(schemaUri, "insert into notes values (7)");
    await first.close();
    assert.ok(fs.existsSync(path.join(dir, "state.data", "clusters.json")));

    ({ api } = await start());
    const port = /127\.0\.0\.1:(\d+)/;
    const again = (await api.projects.connectionUri(projectId, { role_name: "neondb_owner", database_name: "neondb" })).uri;
    assert.notEqual(again.match(port)?.[1], undefined);
    assert.deepEqual(await query(again, "select id from notes order by id"), [{ id: 1 }, { id: 2 }]);
    const childUri = (await api.projects.connectionUri(projectId, { branch_id: child.id, endpoint_id: endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" })).uri;
    assert.deepEqual(await query(childUri, "select id from notes order by id"), [{ id: 1 }, { id: 2 }]);
    const schemaAgain = (await api.projects.connectionUri(projectId, { branch_id: schemaOnly.branch.id, endpoint_id: schemaOnly.endpoints[0]!.id, role_name: "neondb_owner", database_name: "neondb" })).uri;
    assert.deepEqual(await query(schemaAgain, "select id from notes"), [{ id: 7 }]);
    await api.snapshots.restore(projectId, snapshot.id, { target_branch_id: created.branch.id, finalize_restore: true });
    assert.deepEqual(await query(again, "select id from notes order by id"), [{ id: 1 }]);
  });
});
