/**
 * A small fleet through the real engine (issue 13's smoke run; the full fleet is a benchmark,
 * bench/fleet.ts): three tenant stacks updated side by side by runFleet, each in a process of its
 * own, their Pulumi state kept in
 * PostgreSQL through Pulumi's DIY backend (as a platform shares state across CI runners), against
 * the local Neon API with a per-route rate limit low enough that the stacks' requests meet 429s.
 * Asserts correctness and counts, never timings: every stack converges (empty preview, no call),
 * each tenant's Neon objects are exactly its declaration, 429s were answered and none surfaced, the
 * state is in PostgreSQL (none in files), and destroy leaves nothing.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import type { Engine } from "../../runner/engine";
import { runFleet, type FleetResult, type FleetStack } from "../../runner/fleet";
import { openStack, type RunnerOptions, type RunnerStack } from "../../runner/stack";
import { repoRoot, requireEngine } from "../support/engineHarness";
import { startTestNeon } from "../support/neonLocal";
import { query } from "../support/postgres";
import { startPostgresServer, type PostgresServer } from "../support/postgresServer";
import type { NeonLocal } from "../../emulator";

const tenants = ["fleet-a", "fleet-b", "fleet-c"];

const failures = (result: FleetResult): string =>
  result.stacks.flatMap((r) => (r.ok ? [] : [`${r.stackName}: ${r.error}`])).join("\n---\n");

describe("a small fleet of tenant stacks, state in PostgreSQL, Neon's rate limit on", function () {
  this.timeout(600_000);
  let engine: Engine;
  let postgres: PostgresServer;
  let neon: NeonLocal;
  let dir: string;
  const stacks = new Map<string, RunnerStack>();
  const fleet: FleetStack[] = [];
  let runner: RunnerOptions;

  before(async () => {
    engine = await requireEngine();
    postgres = await startPostgresServer();
    // Neon's per-minute limit, and a per-route limit of 3 a second: stacks polling the same routes side by side meet 429s.
    neon = await startTestNeon({ operationDelayMs: 30, rateLimit: { perMinute: 700, perSecondPerRoute: 3 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-smoke-"));
    runner = {
      engine,
      stateDir: path.join(dir, "runner"),
      backendUrl: postgres.url,
      env: { NEON_API_KEY: neon.apiKey, NEON_API_HOST: neon.url, NEON_OPERATION_POLL_MS: "10", PULUMI_CONFIG_PASSPHRASE: "fleet-smoke-passphrase" },
    };
    for (const tenant of tenants) {
      const configFile = path.join(dir, `Pulumi.${tenant}.yaml`);
      fs.writeFileSync(configFile, stringifyYaml({ config: { "tenant:id": tenant, "tenant:tier": "free", "tenant:checkpoints": ["baseline"], "tenant:previewBranches": [{ name: "pr-1" }] } }));
      stacks.set(tenant, await openStack(runner, { projectDir: repoRoot, stackName: tenant, configFile }));
      fleet.push({ stackName: tenant, configFile });
    }
  });
  after(async () => {
    await neon?.close();
    await postgres?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("updates the stacks side by side: each tenant exactly as declared, 429s met and none surfaced", async () => {
    const mark = neon.requestLog.length;
    const result = await runFleet(runner, { projectDir: repoRoot, stacks: fleet, command: "up", concurrency: tenants.length });
    assert.deepEqual(result.stacks.map((r) => [r.stackName, r.ok]), tenants.map((t) => [t, true]), failures(result));
    for (const r of result.stacks) {
      assert.equal(r.changes?.create, 6, `${r.stackName}: the stack and its five resources`);
      assert.ok((r.cpuMs ?? 0) > 0 && (r.peakRssBytes ?? 0) > 0, `${r.stackName}: its figures`);
    }
    const overlapping = result.stacks.every((a) => result.stacks.every((b) => a.startedAt < b.endedAt));
    assert.ok(overlapping, "the stacks ran side by side");
    const requests = neon.requestLog.slice(mark);
    assert.ok(requests.some((r) => r.status === 429), "the stacks met the rate limit");
    assert.deepEqual(requests.filter((r) => r.status >= 400 && r.status !== 429).map((r) => `${r.method} ${r.route} → ${r.status}`), [], "no other refusal");

    for (const tenant of tenants) {
      const mine = Object.values(neon.state().projects).filter((p) => p.project.name === tenant);
      assert.equal(mine.length, 1, `one project for ${tenant}`);
      assert.deepEqual(Object.values(mine[0].branches).filter((b) => !b.branch.default).map((b) => b.branch.name), ["preview-pr-1"]);
      assert.deepEqual(Object.values(mine[0].snapshots).map((s) => s.name), ["baseline"]);
      assert.equal(Object.keys(mine[0].endpoints).length, 2, "the default compute and the preview's");
    }
  });

  it("keeps the state in PostgreSQL, not in files", async () => {
    const keys = (await query<{ key: string }>(postgres.url, "SELECT key FROM pulumi_state")).map((r) => r.key);
    for (const tenant of tenants) assert.ok(keys.some((k) => k.includes(`/${tenant}`) && k.endsWith(".json")), `${tenant}'s state is in PostgreSQL:\n${keys.join("\n")}`);
    assert.equal(fs.existsSync(path.join(dir, "runner", "backend")), false, "no file backend");
  });

  it("then previews every stack empty, without a call to Neon", async () => {
    const mark = neon.requestLog.length;
    for (const s of stacks.values()) {
      const preview = await s.preview();
      assert.deepEqual(Object.keys(preview.changeSummary).filter((op) => op !== "same"), []);
    }
    assert.deepEqual(neon.requestLog.slice(mark), []);
  });

  it("destroys them side by side, leaving nothing in Neon", async () => {
    const result = await runFleet(runner, { projectDir: repoRoot, stacks: fleet, command: "destroy", concurrency: tenants.length });
    assert.deepEqual(result.stacks.map((r) => [r.stackName, r.ok]), tenants.map((t) => [t, true]), failures(result));
    assert.deepEqual(Object.keys(neon.state().projects), []);
  });
});
