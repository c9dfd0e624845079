/**
 * The fault matrix (issue 13): a tenant stack driven through the real engine (`pulumi up`,
 * `refresh`, `preview`, `destroy`) while the local Neon API misbehaves — 429 storms with
 * Retry-After, 423 while operations run, 503 and 500 on reads and deletes, connections dropped
 * after a create or an update was carried out (every resource type), operations that fail or
 * outlast the deadline, out-of-band deletes and changes, half-done creates, an invalid API key,
 * fuzzed malformed tenant config, an interrupted restore of the active branch, a tier upgrade with
 * a 423 in the middle.
 *
 * After each scenario: any error the user saw names the resource and the cause; a second `up`
 * converges; an empty preview follows; Neon holds exactly what the stack declares (one project,
 * the declared checkpoints and preview branches, one compute per branch, Neon Auth and the Data
 * API as declared: no orphan, no duplicate); and the state on disk has no pending operation and
 * only ids Neon has. Scenarios run in order on one tenant (each leaves it converged), plus a
 * fresh tenant for the project's own create.
 */
import assert from "node:assert/strict";
import type { FaultSpec } from "../../emulator";
import type { Engine } from "../../runner/engine";
import { changedResources, openTestStack, repoRoot, requireEngine, resourceName, startNeonTarget, type NeonTarget, type StackConfig, type TestStack } from "../support/engineHarness";

const routes = {
  projects: "/projects",
  project: "/projects/{project_id}",
  branches: "/projects/{project_id}/branches",
  snapshot: "/projects/{project_id}/branches/{branch_id}/snapshot",
  endpoints: "/projects/{project_id}/endpoints",
  auth: "/projects/{project_id}/branches/{branch_id}/auth",
  dataApi: "/projects/{project_id}/branches/{branch_id}/data-api/{database_name}",
  restore: "/projects/{project_id}/snapshots/{snapshot_id}/restore",
  transfer: "/organizations/{source_org_id}/projects/transfer",
} as const;

type Operation = "up" | "refresh";

interface Outcome {
  /** The error the user sees, when the scenario makes the command fail: it must name the resource and the cause. */
  error?: RegExp;
  /** The command may fail or not (an ambiguous write the provider cannot always settle); when it fails, the error matches. */
  mayFail?: RegExp;
}

describe("the fault matrix, through the real engine", function () {
  this.timeout(600_000);
  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;
  let tenant: string;

  const baseConfig = (id: string): StackConfig => ({
    "tenant:id": id,
    "tenant:tier": "free",
    "tenant:auth": { enabled: true, trustedDomains: [`https://${id}.example.com`] },
    "tenant:dataApi": { enabled: true },
    "tenant:checkpoints": ["baseline"],
  });

  before(async function () {
    engine = await requireEngine();
    target = await startNeonTarget(30);
    if (!target.local) this.skip(); // the faults are the local Neon API's
    tenant = `fm-${Date.now().toString(36)}`;
    stack = await openTestStack({ engine, target, projectDir: repoRoot, config: baseConfig(tenant) });
    await stack.runner.up();
    await assertConverged(stack);
  });
  afterEach(() => {
    target?.local?.faults.clear();
  });
  after(async () => {
    stack?.remove();
    await target?.close();
  });

  const faults = () => target.local!.faults;
  const add = (match: FaultSpec["match"], action: FaultSpec["action"], times = 1) => faults().add({ match, action, times });
  const projectId = async (s: TestStack = stack) => String((await s.runner.outputs()).projectId.value);

  /**
   * Applies `config`, arms the faults, runs the command (`up` by default) and checks its outcome;
   * then, faults gone, the second `up` must converge and everything must match the declaration.
   */
  async function scenario(options: { config?: StackConfig; arm?: () => void | Promise<void>; run?: Operation | ((s: TestStack) => Promise<unknown>); outcome?: Outcome; on?: TestStack }) {
    const s = options.on ?? stack;
    if (options.config) s.setConfig(options.config);
    await options.arm?.();
    let failure: Error | undefined;
    try {
      const run = options.run ?? "up";
      if (typeof run === "function") await run(s);
      else await s.runner[run]();
    } catch (err) {
      failure = err as Error;
    }
    const leftArmed = faults().list();
    faults().clear();
    assert.deepEqual(leftArmed.requests.map((f) => f.spec), [], "every fault the scenario armed was met");
    const expected = options.outcome?.error ?? options.outcome?.mayFail;
    if (options.outcome?.error) assert.ok(failure, "the command failed");
    if (failure) {
      assert.ok(expected, `the command failed: ${failure.message}`);
      assert.match(failure.message, expected);
      assert.doesNotMatch(failure.message, /npg_[A-Za-z0-9]{8,}|postgres(ql)?:\/\/[^\s]*:[^\s@]+@/, "no password or connection URI in the error");
    }
    await s.runner.up();
    await assertConverged(s);
    return { failure, leftArmed };
  }

  /** An empty preview; Neon holds exactly what the stack declares; the state has only Neon's ids. */
  async function assertConverged(s: TestStack): Promise<void> {
    const preview = await s.run((o) => s.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), {}, `an empty preview follows:\n${preview.output}`);

    const config = s.config();
    const id = String(config["tenant:id"]);
    const { projects } = await target.client.projects.list();
    const named = projects.filter((p) => p.name === id);
    assert.equal(named.length, 1, `one project named ${id}`);
    const live = target.local!.state().projects[named[0].id];
    const branches = Object.values(live.branches).map((b) => b.branch);
    const defaultBranch = branches.find((b) => b.default)!;
    const checkpoints = (config["tenant:checkpoints"] as string[] | undefined) ?? [];
    assert.deepEqual(Object.values(live.snapshots).map((x) => x.name).sort(), [...checkpoints].sort(), "the declared checkpoints, once each");
    const previews = ((config["tenant:previewBranches"] as { name: string }[] | undefined) ?? []).map((p) => `preview-${p.name}`);
    assert.deepEqual(branches.filter((b) => !b.default).map((b) => b.name).sort(), [...previews].sort(), "the declared preview branches, once each");
    for (const branch of branches) {
      const computes = Object.values(live.endpoints).filter((e) => e.branch_id === branch.id);
      assert.deepEqual(computes.map((e) => e.type), ["read_write"], `one compute on ${branch.name}`);
    }
    const auth = config["tenant:auth"] as { enabled?: boolean } | undefined;
    const dataApi = config["tenant:dataApi"] as { enabled?: boolean } | undefined;
    assert.equal(live.branches[defaultBranch.id].auth !== undefined, auth?.enabled === true, "Neon Auth as declared");
    assert.equal(Object.keys(live.branches[defaultBranch.id].dataApis).length, dataApi?.enabled === true ? 1 : 0, "the Data API as declared");
    const other = Object.values(live.branches).filter((b) => !b.branch.default && (b.auth || Object.keys(b.dataApis).length > 0));
    assert.deepEqual(other, [], "no Neon Auth or Data API elsewhere");

    const state = s.runner.readState()!.checkpoint.latest!;
    assert.deepEqual(state.pending_operations ?? [], [], "no pending operation in the state");
    const known = new Set([named[0].id, ...branches.map((b) => b.id), ...Object.keys(live.endpoints), ...Object.keys(live.snapshots)]);
    for (const r of state.resources ?? []) {
      if (!r.type.startsWith("pulumi-nodejs:dynamic/neon:") || r.type.endsWith(":AuthIntegration") || r.type.endsWith(":DataApi")) continue;
      assert.ok(known.has(r.id!), `${resourceName(r.urn)}'s id ${r.id} is in Neon`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rate limits, busy projects, server errors: retried, never surfaced
  // ---------------------------------------------------------------------------------------------

  it("1. a 429 storm with Retry-After on reads and writes during an update: waited out, nothing surfaced", async () => {
    const { leftArmed } = await scenario({
      config: { "tenant:checkpoints": ["baseline", "c429", "c500"] },
      arm: () => {
        add({ method: "POST" }, { kind: "status", status: 429, retryAfterSeconds: 1 }, 3);
        add({ method: "GET" }, { kind: "status", status: 429, retryAfterSeconds: 1 }, 3);
      },
    });
    assert.deepEqual(leftArmed.requests, [], "every 429 was sent and waited out");
  });

  it("2. 423 while operations run, on a create: retried until the project is free", async () => {
    const { leftArmed } = await scenario({ config: { "tenant:checkpoints": ["baseline", "c429", "c500", "c423"] }, arm: () => void add({ method: "POST", path: routes.snapshot }, { kind: "status", status: 423 }, 3) });
    assert.deepEqual(leftArmed.requests, []);
  });

  it("3. 423 on a delete: retried", async () => {
    await scenario({ config: { "tenant:checkpoints": ["baseline", "c429", "c500"] }, arm: () => void add({ method: "DELETE" }, { kind: "status", status: 423 }, 2) });
  });

  it("4. 503 on reads during refresh: retried, no change", async () => {
    await scenario({ run: "refresh", arm: () => void add({ method: "GET" }, { kind: "status", status: 503 }, 4) });
  });

  it("5. 500 on reads during refresh: retried (reads are idempotent), no change", async () => {
    await scenario({ run: "refresh", arm: () => void add({ method: "GET" }, { kind: "status", status: 500 }, 3) });
  });

  it("6. 503 on a delete: retried", async () => {
    await scenario({ config: { "tenant:checkpoints": ["baseline", "c500"] }, arm: () => void add({ method: "DELETE" }, { kind: "status", status: 503 }, 2) });
  });

  it("7. 500 on a delete: retried (deletes are idempotent)", async () => {
    await scenario({ config: { "tenant:checkpoints": ["baseline"] }, arm: () => void add({ method: "DELETE" }, { kind: "status", status: 500 }, 2) });
  });

  // ---------------------------------------------------------------------------------------------
  // Connections dropped after Neon carried the request out: reconciled, never duplicated
  // ---------------------------------------------------------------------------------------------

  it("8. a snapshot's create carried out, its answer lost: found, one snapshot", async () => {
    await scenario({ config: { "tenant:checkpoints": ["baseline", "cdrop"] }, arm: () => void add({ method: "POST", path: routes.snapshot }, { kind: "commit_then_drop" }) });
  });

  it("9. a preview branch's and its compute's creates carried out, their answers lost: found, one of each", async () => {
    await scenario({
      config: { "tenant:previewBranches": [{ name: "drop" }] },
      arm: () => {
        add({ method: "POST", path: routes.branches }, { kind: "commit_then_drop" });
        add({ method: "POST", path: routes.endpoints }, { kind: "commit_then_drop" });
      },
    });
  });

  it("10. Neon Auth's and the Data API's creates carried out, their answers lost: one of each (Neon Auth renewed for its keys, the Data API adopted)", async () => {
    await scenario({ config: { "tenant:auth": { enabled: false }, "tenant:dataApi": { enabled: false } } });
    await scenario({
      config: { "tenant:auth": { enabled: true, trustedDomains: [`https://${tenant}.example.com`] }, "tenant:dataApi": { enabled: true } },
      arm: () => {
        add({ method: "POST", path: routes.auth }, { kind: "commit_then_drop" });
        add({ method: "POST", path: routes.dataApi }, { kind: "commit_then_drop" });
      },
    });
  });

  it("11. the project's create carried out, its answer lost: found by name, one project", async () => {
    const fresh = await openTestStack({ engine, target, projectDir: repoRoot, config: { ...baseConfig(`${tenant}-p`), "tenant:auth": undefined, "tenant:dataApi": undefined } });
    try {
      await scenario({ on: fresh, arm: () => void add({ method: "POST", path: routes.projects }, { kind: "commit_then_drop" }) });
      await fresh.runner.destroy();
    } finally {
      fresh.remove();
    }
  });

  it("12. an update carried out, its answer lost (a trusted domain added to Neon Auth): settled by the next up", async () => {
    await scenario({
      config: { "tenant:tier": "free", "tenant:checkpoints": ["baseline"], "tenant:postgresVersion": undefined, "tenant:auth": { enabled: true, trustedDomains: [`https://${tenant}.example.com`, "https://second.example.com"] } },
      arm: () => void add({ method: "POST", path: `${routes.auth}/domains` }, { kind: "commit_then_drop" }),
      outcome: { mayFail: /auth/ },
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Operations that fail or take too long; creates that half succeed
  // ---------------------------------------------------------------------------------------------

  it("13. a snapshot whose operation ends failed: the error names it and the failure; the next up converges", async () => {
    const id = await projectId();
    await scenario({
      config: { "tenant:checkpoints": ["baseline", "cfail"] },
      arm: () => void faults().failNextOperations(id, { status: "failed" }),
      outcome: { error: /checkpoint-cfail[\s\S]*failed/ },
    });
  });

  it("14. an operation slower than the deadline: the error names the resource and the deadline; the next up waits it out", async () => {
    const id = await projectId();
    const impatient = await stack.withEnvironment({ NEON_OPERATION_DEADLINE_MS: "1500" });
    await scenario({
      config: { "tenant:checkpoints": ["baseline", "cfail", "cslow"] },
      arm: () => void faults().slowNextOperations(id, { factor: 100 }),
      run: () => impatient.up(),
      outcome: { error: /checkpoint-cslow[\s\S]*still not finished after \d+ ms/ },
    });
  });

  it("15. a preview branch made but its compute's create refused with a 500: the next up creates only the compute", async () => {
    await scenario({
      config: { "tenant:checkpoints": ["baseline"], "tenant:previewBranches": [{ name: "drop" }, { name: "half" }] },
      arm: () => void add({ method: "POST", path: routes.endpoints }, { kind: "status", status: 500 }),
      outcome: { error: /preview-half-compute[\s\S]*500/ },
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Out of band; credentials; config
  // ---------------------------------------------------------------------------------------------

  it("16. a preview branch deleted out of band: refresh drops it, up makes it again", async () => {
    const id = await projectId();
    const { branches } = await target.client.branches.list(id);
    const half = branches.find((b) => b.name === "preview-half")!;
    await target.client.branches.delete(id, half.id);
    await scenario({ run: "refresh" });
  });

  it("17. the project renamed out of band: refresh sees it, up names it back", async () => {
    const id = await projectId();
    await target.client.projects.update(id, { project: { name: "renamed-by-hand" } });
    await scenario({ run: "refresh" });
    assert.equal((await target.client.projects.get(id)).project.name, tenant);
  });

  it("18. an invalid API key: the error names the resource and the refusal, nothing is changed; the right key converges", async () => {
    const wrongKey = await stack.withEnvironment({ NEON_API_KEY: "not-the-key" });
    const before = target.mark();
    await scenario({
      config: { "tenant:checkpoints": ["baseline", "ckey"] },
      run: () => wrongKey.up(),
      outcome: { error: /checkpoint-ckey[\s\S]*(401|nauthori)/ },
    });
    const writesWithWrongKey = (target.requestsSince(before) ?? []).filter((r) => r.status === 401);
    assert.ok(writesWithWrongKey.length > 0, "the wrong key was refused by Neon");
  });

  it("19. malformed tenant config (fuzzed): every one fails the preview naming the field, calls nothing, crashes nothing", async () => {
    const good = stack.config();
    for (const [key, value] of malformedConfigs(20261129, 8)) {
      stack.setConfig({ [key]: value });
      const mark = target.mark();
      await assert.rejects(stack.runner.preview(), (err: Error) => {
        assert.match(err.message, new RegExp(`${key.replace(":", ":")}`), `${key} = ${JSON.stringify(value)}`);
        assert.match(err.message, /the tenant spec is not valid/);
        assert.doesNotMatch(err.message, /TypeError|ReferenceError|at Object\.<anonymous>/, "a config error, not a crash");
        return true;
      });
      assert.deepEqual(target.requestsSince(mark) ?? [], [], "nothing sent to Neon");
      stack.setConfig({ [key]: good[key] });
    }
    await scenario({});
  });

  // ---------------------------------------------------------------------------------------------
  // The active branch and the tier
  // ---------------------------------------------------------------------------------------------

  it("20. a restore of the active branch interrupted midway (the restore carried out, its answer lost; preview branches made from the active one removed in the same update), then run again: restored in place, the superseded branch gone", async () => {
    const host = String((await stack.runner.outputs()).computeHost.value);
    await scenario({
      config: { "tenant:previewBranches": [], "tenant:activeCheckpoint": "baseline" },
      arm: () => void add({ method: "POST", path: routes.restore }, { kind: "commit_then_drop" }),
      outcome: { mayFail: /checkpoint-baseline|project|restor/ },
    });
    assert.equal(String((await stack.runner.outputs()).computeHost.value), host, "the compute's host stays");
  });

  it("21. a tier upgrade with a 423 in the middle (on the move and on the PATCH): in place, retried", async () => {
    const id = await projectId();
    await scenario({
      config: { "tenant:tier": "paid" },
      arm: () => {
        add({ method: "POST", path: routes.transfer }, { kind: "status", status: 423 }, 2);
        add({ method: "PATCH", path: routes.project }, { kind: "status", status: 423 }, 2);
      },
    });
    assert.equal(await projectId(), id, "the same project");
  });

  it("then downgrades and destroys, leaving nothing in Neon", async () => {
    stack.setConfig({ "tenant:tier": "free", "tenant:activeCheckpoint": undefined });
    await stack.runner.up();
    await stack.runner.destroy();
    const { projects } = await target.client.projects.list();
    assert.deepEqual(projects.filter((p) => p.name === tenant), []);
  });
});

/** Seeded malformed values for tenant config keys: wrong types, out-of-range and unknown values. */
function malformedConfigs(seed: number, count: number): [string, unknown][] {
  const candidates: [string, unknown][] = [
    ["tenant:tier", "gold"],
    ["tenant:tier", 3],
    ["tenant:region", ""],
    ["tenant:postgresVersion", 9],
    ["tenant:postgresVersion", "seventeen"],
    ["tenant:auth", { enabled: "yes" }],
    ["tenant:auth", { enabled: true, oauthProviders: ["myspace"] }],
    ["tenant:auth", { enabled: true, trustedDomains: ["not a url"] }],
    ["tenant:dataApi", { enabled: true, authMode: "basic" }],
    ["tenant:dataApi", { enabled: true, authMode: "external" }],
    ["tenant:checkpoints", "baseline"],
    ["tenant:checkpoints", ["Bad Name!"]],
    ["tenant:checkpoints", ["baseline", "baseline"]],
    ["tenant:activeCheckpoint", "missing"],
    ["tenant:previewBranches", [{ name: "x", ttl: "forever" }]],
    ["tenant:previewBranches", [{ name: "x", from: "nowhere" }]],
    ["tenant:previewBranches", [{}]],
    ["tenant:id", "UPPER"],
  ];
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const picked: [string, unknown][] = [];
  const pool = [...candidates];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
  return picked;
}
