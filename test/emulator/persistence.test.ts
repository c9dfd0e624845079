import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

/** Waits (in small real steps, a few ms each) until `check` holds; the state file is saved with a short debounce. */
async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("local Neon API: persistence", () => {
  let dir: string;
  const open: NeonLocal[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "neon-local-state-"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((n) => n.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(stateFile: string, clock = new ManualClock()): Promise<NeonLocal> {
    const neon = await startTestNeon({ stateFile, clock, operationDelayMs: 1000 });
    open.push(neon);
    return neon;
  }

  it("keeps projects, branches, role passwords and operations across a restart on the same state file", async () => {
    const file = join(dir, "state.json");
    const clock = new ManualClock();
    const first = await start(file, clock);
    const created = (await call(first, "POST", "/projects", { project: { name: "kept" } })).body;
    const projectId = created.project.id;
    clock.advance(5000);
    const branch = (await call(first, "POST", `/projects/${projectId}/branches`, { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] })).body;
    const password = (await call(first, "GET", `/projects/${projectId}/branches/${created.branch.id}/roles/neondb_owner/reveal_password`)).body.password;
    assert.equal(password, created.roles[0].password);
    const operationsBefore = (await call(first, "GET", `/projects/${projectId}/operations`)).body.operations;
    const branchesBefore = (await call(first, "GET", `/projects/${projectId}/branches`)).body.branches;
    await first.close();

    const second = await start(file, new ManualClock(clock.now()));
    const project = await call(second, "GET", `/projects/${projectId}`);
    assert.equal(project.status, 200);
    assert.equal(project.body.project.name, "kept");
    const branchesAfter = (await call(second, "GET", `/projects/${projectId}/branches`)).body.branches;
    assert.deepEqual(branchesAfter, branchesBefore);
    assert.deepEqual(branchesAfter.map((b: any) => b.name).sort(), ["dev", "main"]);
    const devEndpoints = (await call(second, "GET", `/projects/${projectId}/branches/${branch.branch.id}/endpoints`)).body.endpoints;
    assert.deepEqual(devEndpoints.map((e: any) => [e.id, e.host]), [[branch.endpoints[0].id, branch.endpoints[0].host]]);
    const revealed = await call(second, "GET", `/projects/${projectId}/branches/${created.branch.id}/roles/neondb_owner/reveal_password`);
    assert.equal(revealed.body.password, password);
    assert.deepEqual((await call(second, "GET", `/projects/${projectId}/operations`)).body.operations, operationsBefore);
    // Operations still in flight at the restart go on to finish on the new clock.
    assert.ok(operationsBefore.some((o: any) => o.status !== "finished"));
    const secondClock = second.clock as ManualClock;
    secondClock.advance(60_000);
    const after = (await call(second, "GET", `/projects/${projectId}/operations`)).body.operations;
    assert.ok(after.every((o: any) => o.status === "finished"));
  });

  it("saves soon after a change, not only at close, and creates the state file's directory", async () => {
    const file = join(dir, "nested", "deeper", "state.json");
    const neon = await start(file);
    assert.ok(existsSync(file), "the initial state is written at start");
    const id = (await call(neon, "POST", "/projects", { project: { name: "saved-early" } })).body.project.id;
    await eventually(() => readFileSync(file, "utf8").includes(id), "the new project is in the state file");
    const saved = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(saved.version, 1);
    assert.equal(saved.projects[id].project.name, "saved-early");
  });

  it("writes atomically: only the state file is left in its directory, never a *.tmp", async () => {
    const file = join(dir, "state.json");
    const neon = await start(file);
    for (let i = 0; i < 5; i++) await call(neon, "POST", "/projects", { project: {} });
    await eventually(() => Object.keys(JSON.parse(readFileSync(file, "utf8")).projects).length === 5, "all five projects are saved");
    await neon.close();
    assert.deepEqual(readdirSync(dir), ["state.json"]);
  });

  it("refuses a corrupt state file at start with an error naming the file, and does not overwrite it", async () => {
    const file = join(dir, "state.json");
    writeFileSync(file, '{"version": 1, "projects": {');
    await assert.rejects(startTestNeon({ stateFile: file }), (err: Error) => {
      assert.match(err.message, /state file .*state\.json is not valid JSON/);
      assert.match(err.message, /move it away to start fresh/);
      return true;
    });
    assert.equal(readFileSync(file, "utf8"), '{"version": 1, "projects": {', "the corrupt file is left for inspection");

    writeFileSync(file, JSON.stringify({ hello: "world" }));
    await assert.rejects(startTestNeon({ stateFile: file }), /is not a local Neon API state \(version 1\)/);
  });

  it("keeps serving when a save fails, warns, and saves at close once the file can be written again", async () => {
    const sub = join(dir, "sub");
    const file = join(sub, "state.json");
    const neon = await start(file);
    // Put a plain file where the directory was: saving cannot work until it is repaired.
    rmSync(sub, { recursive: true });
    writeFileSync(sub, "not a directory");
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const created = await call(neon, "POST", "/projects", { project: { name: "survives" } });
    assert.equal(created.status, 201);
    const warning = await warned;
    assert.match(warning.message, /could not save the local Neon API state to .*state\.json/);
    assert.equal((await call(neon, "GET", `/projects/${created.body.project.id}`)).status, 200, "the server still answers");

    rmSync(sub);
    mkdirSync(sub);
    await neon.close();
    assert.equal(JSON.parse(readFileSync(file, "utf8")).projects[created.body.project.id].project.name, "survives");
  });

  it("rejects close() with the error when the final save fails", async () => {
    const sub = join(dir, "sub");
    const neon = await start(join(sub, "state.json"));
    rmSync(sub, { recursive: true });
    writeFileSync(sub, "not a directory");
    await assert.rejects(neon.close(), /EEXIST|ENOTDIR/);
  });
});
