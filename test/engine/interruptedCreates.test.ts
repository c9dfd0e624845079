/**
 * Crash recovery through the real engine (issue 13): the Pulumi CLI is SIGKILLed while creates are
 * in flight, at three points — before the request reaches Neon, after Neon carried it out but before
 * the answer arrived, and while the new object's operations run — for every resource type. The
 * state then keeps pending creates without ids, and the CLI keeps its lock. The next `up` through
 * the runner must clear the stale lock, record what Neon made as the stack's own (or drop what it
 * did not make), and converge: exactly one object of each kind in Neon, no pending operation in
 * the state, the ids in the state those of Neon's objects, outputs as a clean create gives them
 * (the project's connection URI with the password that works), and an empty preview after.
 *
 * The kill point is held by the local Neon API's `hold` fault (the request waits until the test
 * lets it go on, as dropped or as carried out): no timing, no sleep.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FaultSpec, HeldRequest } from "../../emulator";
import type { Engine } from "../../runner/engine";
import type { StoredResource } from "../../runner/stack";
import { openTestStack, repoRoot, requireEngine, resourceName, startNeonTarget, type NeonTarget, type TestStack } from "../support/engineHarness";

const projectDir = path.join(repoRoot, "test/engine/programs/interrupted-creates");

const creates = {
  project: { method: "POST", path: "/projects" },
  preview: { method: "POST", path: "/projects/{project_id}/branches" },
  checkpoint: { method: "POST", path: "/projects/{project_id}/branches/{branch_id}/snapshot" },
  auth: { method: "POST", path: "/projects/{project_id}/branches/{branch_id}/auth" },
  compute: { method: "POST", path: "/projects/{project_id}/endpoints" },
  "data-api": { method: "POST", path: "/projects/{project_id}/branches/{branch_id}/data-api/{database_name}" },
} as const;
/** How the provider looks at operations it waits for: the project's list, or one operation when one is pending. */
const operationsReads = [
  { method: "GET", path: "/projects/{project_id}/operations" },
  { method: "GET", path: "/projects/{project_id}/operations/{operation_id}" },
] as const;

type Then = "drop" | "commit_then_drop" | "continue";

interface Scenario {
  title: string;
  /**
   * Requests to hold (each once), added when the update starts or, with `after`, once a request
   * of that kind has succeeded. The engine is killed as soon as one of them is held: the provider
   * sends one change to a project at a time, so the other creates the engine started then wait
   * behind it (pending creates Neon has nothing for).
   */
  holds: { match: FaultSpec["match"]; then: Then }[];
  after?: { method: string; route: string };
  /**
   * The resource whose request was held, when it is not the held request's own (the one whose
   * operations were being awaited). Its pending create must be recorded when Neon carried the
   * request out, dropped when it did not; other creates in flight at the kill are settled either
   * way, as Neon has them.
   */
  awaited?: string;
}

const secondWave = [creates.preview, creates.checkpoint, creates.auth];
const thirdWave = [creates.compute, creates["data-api"]];
const projectCreated = { method: "POST", route: creates.project.path };
const each = (matches: readonly FaultSpec["match"][], then: Then) => matches.map((match) => ({ match, then }));

const scenarios: Scenario[] = [
  { title: "the project's create, killed before it reached Neon", holds: each([creates.project], "drop") },
  { title: "the project's create, carried out, killed before the answer", holds: each([creates.project], "commit_then_drop") },
  { title: "the project, killed while its operations run", holds: each(operationsReads, "continue"), awaited: "project" },
  { title: "a branch, a snapshot and Neon Auth started side by side, killed before the first reached Neon", holds: each(secondWave, "drop"), after: projectCreated },
  { title: "a branch, a snapshot and Neon Auth started side by side, the first carried out, killed before its answer", holds: each(secondWave, "commit_then_drop"), after: projectCreated },
  { title: "a compute or the Data API, killed before it reached Neon", holds: each(thirdWave, "drop") },
  { title: "a compute or the Data API, carried out, killed before the answer", holds: each(thirdWave, "commit_then_drop") },
  { title: "a compute, killed while its operations run", holds: each(operationsReads, "continue"), after: { method: "POST", route: creates.compute.path }, awaited: "compute" },
];

/** The resource (by its name in the program) a held create request is for. */
function resourceOfRequest(held: HeldRequest): string {
  const byPath: [RegExp, string][] = [
    [/^\/projects$/, "project"],
    [/\/branches$/, "preview"],
    [/\/snapshot$/, "checkpoint"],
    [/\/auth$/, "auth"],
    [/\/endpoints$/, "compute"],
    [/\/data-api\//, "data-api"],
  ];
  const found = byPath.find(([pattern]) => pattern.test(held.path));
  if (!found) throw new Error(`no resource of the program sends ${held.method} ${held.path}`);
  return found[1];
}

describe("interrupted creates, recovered through the real engine", function () {
  this.timeout(900_000);
  let engine: Engine;
  let target: NeonTarget;
  /** A clean create's outputs, by resource name: the key sets recovery must reproduce. */
  let cleanOutputKeys: Record<string, string[]>;
  let tempFilesBefore: string[];
  const automationTempFiles = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("automation-"));

  before(async function () {
    engine = await requireEngine();
    target = await startNeonTarget(30);
    if (!target.local) this.skip(); // the kill points are held by the local Neon API
    tempFilesBefore = automationTempFiles();
    const clean = await openTestStack({ engine, target, projectDir, config: {} });
    try {
      await clean.runner.up();
      cleanOutputKeys = outputKeysByName(clean.runner.readState()!.checkpoint.latest!.resources!);
      await clean.runner.destroy();
    } finally {
      clean.remove();
    }
  });
  afterEach(() => {
    target?.local?.faults.releaseAll();
    target?.local?.faults.clear();
  });
  after(async () => {
    await target?.close();
  });

  for (const scenario of scenarios) {
    it(`recovers ${scenario.title}`, () =>
      onNewStack(async (stack) => {
        const held = await killedUpdate(stack, scenario);
        assert.equal(lockFiles(stack).length, 1, "the killed CLI left its lock");
        const state = stack.runner.readState()!.checkpoint.latest!;
        assert.ok((state.pending_operations ?? []).length > 0, "the killed update left pending creates");

        let output = "";
        await stack.runner.up({ onOutput: (text) => (output += text) });
        const recorded = [...output.matchAll(/^recovery: (\S+): the interrupted update had created /gm)].map((m) => m[1]);
        const dropped = [...output.matchAll(/^recovery: (\S+): the interrupted update had not created it/gm)].map((m) => m[1]);
        const pending = state.pending_operations!.map((op) => resourceName((op as { resource: { urn: string } }).resource.urn));
        assert.deepEqual([...recorded, ...dropped].sort(), pending.sort(), `every pending create settled:\n${output}`);
        const heldResource = scenario.awaited ?? resourceOfRequest(held.request);
        assert.ok((held.then === "drop" ? dropped : recorded).includes(heldResource), `${heldResource} ${held.then === "drop" ? "dropped" : "recorded"}:\n${output}`);
        assert.deepEqual(lockFiles(stack), [], "the stale lock is gone");
        // The deployment with secrets in plain text went to the CLI through a private file, removed after.
        assert.deepEqual(automationTempFiles().filter((f) => !tempFilesBefore.includes(f)), [], "no copy of the state left in the temporary folder");
        const importDir = path.join(path.dirname(stack.runner.configFile), "..", "..", "import");
        assert.deepEqual(fs.existsSync(importDir) ? fs.readdirSync(importDir) : [], [], "nothing left where the runner hands the state to the CLI");
        await assertConverged(stack);
        await stack.runner.destroy();
        assert.deepEqual(await projectsNamed(stack.runner.stackName), [], "destroy deleted the recovered project too");
      }),
    );
  }

  it("leaves a lock of another host alone, saying whose it is", () =>
    onNewStack(async (stack) => {
      await stack.runner.up();
      const dir = lockDir(stack);
      fs.mkdirSync(dir, { recursive: true });
      const lock = path.join(dir, "elsewhere.json");
      fs.writeFileSync(lock, JSON.stringify({ pid: 1, username: "ci", hostname: "another-runner", timestamp: "2026-11-29T10:00:00Z" }));
      await assert.rejects(stack.runner.up(), (err: Error) => {
        assert.equal(err.name, "StackLockedError");
        assert.match(err.message, /ci@another-runner \(pid 1, since 2026-11-29T10:00:00Z\), on another host/);
        return true;
      });
      assert.ok(fs.existsSync(lock), "another host's lock is kept");
      fs.rmSync(lock);
      await stack.runner.destroy();
    }));

  it("reads a state whose metadata sidecar a kill left empty (\"failed to load checkpoint: EOF\" otherwise)", () =>
    onNewStack(async (stack) => {
      await stack.runner.up();
      fs.writeFileSync(`${stack.runner.stateFile}.attrs`, "");
      const preview = await stack.run((o) => stack.runner.preview(o));
      assert.deepEqual(preview.result.changeSummary, { same: 7 });
      fs.writeFileSync(`${stack.runner.stateFile}.attrs`, "");
      await stack.runner.destroy();
      assert.deepEqual(await projectsNamed(stack.runner.stackName), []);
    }));

  /** Runs `body` on a new stack of the program, whose temporary folder is removed after. */
  async function onNewStack(body: (stack: TestStack) => Promise<void>): Promise<void> {
    const stack = await openTestStack({ engine, target, projectDir, config: {} });
    try {
      await body(stack);
    } finally {
      stack.remove();
    }
  }

  /** The file backend's lock folder of the stack (Pulumi's DIY layout). */
  function lockDir(stack: TestStack): string {
    const stacksDir = path.dirname(path.dirname(stack.runner.stateFile!)); // <backend>/.pulumi/stacks
    return path.join(path.dirname(stacksDir), "locks", "organization", stack.runner.projectName, stack.runner.stackName);
  }

  function lockFiles(stack: TestStack): string[] {
    const dir = lockDir(stack);
    // One `<id>.json` per lock (beside it, the blob store's `.attrs`).
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  }

  /** Starts an up, kills the CLI once every held request is held, then lets them go on. */
  async function killedUpdate(stack: TestStack, scenario: Scenario): Promise<{ request: HeldRequest; then: Then }> {
    const faults = target.local!.faults;
    const addHolds = () => {
      for (const hold of scenario.holds) faults.add({ match: hold.match, action: { kind: "hold", then: hold.then }, times: 1 });
    };
    let stopListening = () => {};
    if (scenario.after) {
      const after = scenario.after;
      stopListening = target.onExchange((e) => {
        if (e.method === after.method && e.route === after.route && e.status < 300) {
          stopListening();
          addHolds();
        }
      });
    } else {
      addHolds();
    }
    const update = stack.runner.up();
    update.catch(() => undefined);
    let held: HeldRequest;
    try {
      held = await Promise.race([faults.nextHeld(), update.then(() => Promise.reject(new Error("the update ended before the kill point")))]);
    } finally {
      stopListening();
    }
    const pid = stack.runner.enginePid();
    assert.ok(pid, "the CLI runs");
    process.kill(pid, "SIGKILL");
    await assert.rejects(update);
    faults.clear(); // the holds not reached must not catch the recovery's requests
    // Let the held request go on, as the scenario says, and wait until the local Neon API is done with it.
    const answered = new Promise<void>((resolve) => {
      const stop = target.onExchange((e) => {
        if (e.method === held.method && e.path === held.path) {
          stop();
          resolve();
        }
      });
    });
    faults.release(held.id);
    await answered;
    const then = scenario.holds[0].then; // one way on for every hold of a scenario
    return { request: held, then };
  }

  async function assertConverged(stack: TestStack): Promise<void> {
    const state = stack.runner.readState()!.checkpoint.latest!;
    assert.deepEqual(state.pending_operations ?? [], [], "no pending operation is left");
    const resources = (state.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/neon:"));
    assert.deepEqual(outputKeysByName(resources), cleanOutputKeys, "outputs as a clean create gives them");

    // Exactly one object of each kind in Neon, and it is the one in the state.
    const projects = await projectsNamed(stack.runner.stackName);
    assert.equal(projects.length, 1, "one project of the stack's name");
    const projectId = projects[0].id;
    const idOf = (name: string) => resources.find((r) => resourceName(r.urn) === name)?.id;
    assert.equal(idOf("project"), projectId);
    const live = target.local!.state().projects[projectId];
    const branches = Object.values(live.branches).map((b) => b.branch);
    assert.deepEqual(branches.filter((b) => b.name === "preview-1").map((b) => b.id), [idOf("preview")], "one preview branch, the recorded one");
    const snapshots = Object.values(live.snapshots).filter((s) => s.name === "baseline");
    assert.deepEqual(snapshots.map((s) => s.id), [idOf("checkpoint")], "one snapshot named baseline, the recorded one");
    const computes = Object.values(live.endpoints).filter((e) => e.branch_id === idOf("preview"));
    assert.deepEqual(computes.map((e) => e.id), [idOf("compute")], "one compute on the preview branch, the recorded one");

    // The project's connection URI carries the password Neon has for its role.
    const outputs = await stack.runner.outputs();
    const { uri } = await target.client.projects.connectionUri(projectId, { database_name: "neondb", role_name: "neondb_owner" });
    assert.equal(outputs.connectionUri.value, uri, "the recovered connection URI is Neon's, password included");
    assert.equal(outputs.connectionUri.secret, true);

    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(preview.result.changeSummary, { same: 7 }, `an empty preview follows:\n${preview.output}`);
  }

  async function projectsNamed(name: string) {
    const { projects } = await target.client.projects.list();
    return projects.filter((p) => p.name === name);
  }
});

function outputKeysByName(resources: readonly StoredResource[]): Record<string, string[]> {
  return Object.fromEntries(
    resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/neon:")).map((r) => [resourceName(r.urn), Object.keys(r.outputs ?? {}).sort()]),
  );
}
