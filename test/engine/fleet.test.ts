/**
 * runFleet through the real engine: each stack in a process of its own, so one tenant's broken
 * program fails its own update and no other (issue 13: with inline programs in one process, an
 * unhandled rejection in one failed the update running beside it: the Automation API's handlers
 * are process-wide). Also: a stack's process that dies is reported, not waited for forever, and
 * the figures each result carries.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import type { Engine } from "../../runner/engine";
import { runFleet } from "../../runner/fleet";
import { pulumiProcessRunning } from "../../runner/recovery/staleLock";
import type { RunnerOptions } from "../../runner/stack";
import { repoRoot, requireEngine, runCli } from "../support/engineHarness";

const projectDir = path.join(repoRoot, "test", "engine", "programs", "fleet-isolation");

describe("a fleet of stacks through the engine, each in its own process", function () {
  this.timeout(300_000);
  let engine: Engine;
  let dir: string;
  let runner: RunnerOptions;

  before(async () => {
    engine = await requireEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    runner = { engine, stateDir: path.join(dir, "runner") };
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const configFor = (stack: string, role: string, meetingDir: string) => {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringifyYaml({ config: { "isolation:role": role, "isolation:meetingDir": meetingDir } }));
    return file;
  };

  it("fails only the stack whose program left a rejection unhandled, while the other runs beside it", async () => {
    const meetingDir = fs.mkdtempSync(path.join(dir, "meeting-"));
    const done: string[] = [];
    const result = await runFleet(runner, {
      projectDir,
      command: "up",
      concurrency: 2,
      stacks: [
        { stackName: "steady", configFile: configFor("steady", "steady", meetingDir) },
        { stackName: "rejecting", configFile: configFor("rejecting", "rejecting", meetingDir) },
      ],
      onStackDone: (r) => done.push(r.stackName),
    });
    assert.ok(fs.existsSync(path.join(meetingDir, "rejected")), "the rejection happened while the steady stack's program ran");
    const [steady, rejecting] = result.stacks;
    assert.equal(steady.stackName, "steady");
    assert.equal(steady.ok, true, steady.error);
    assert.deepEqual(steady.changes, { create: 1 }, "the stack itself, with its output");
    assert.equal(rejecting.stackName, "rejecting");
    assert.equal(rejecting.ok, false);
    assert.match(rejecting.error ?? "", /a promise nobody awaited was rejected/);
    assert.deepEqual(done.sort(), ["rejecting", "steady"]);
    // The two ran side by side, and each result carries its own figures.
    assert.ok(steady.startedAt < rejecting.endedAt && rejecting.startedAt < steady.endedAt, "they overlapped");
    for (const r of result.stacks) {
      assert.ok((r.cpuMs ?? 0) > 0, `${r.stackName}: CPU of its process and the CLI it ran`);
      assert.ok((r.peakRssBytes ?? 0) > 50 * 2 ** 20, `${r.stackName}: peak memory of its process tree`);
    }
    assert.ok((result.peakRssBytes ?? 0) >= Math.max(...result.stacks.map((r) => r.peakRssBytes ?? 0)));
  });

  it("reports a stack whose process died, naming how, and goes on with the others", async () => {
    const meetingDir = fs.mkdtempSync(path.join(dir, "meeting-"));
    fs.writeFileSync(path.join(meetingDir, "rejected"), "");
    let killed = false;
    let orphanedCli: number | undefined;
    const result = await runFleet(runner, {
      projectDir,
      command: "preview",
      concurrency: 1,
      stacks: [
        { stackName: "killed", configFile: configFor("killed", "steady", meetingDir) },
        { stackName: "after", configFile: configFor("after", "steady", meetingDir) },
      ],
      // The first output line comes from the engine running: the stack's process is killed then.
      onOutput: (stackName) => {
        if (stackName !== "killed" || killed) return;
        killed = true;
        const pid = Number(fs.readFileSync(path.join(runner.stateDir, "pids", "killed.pid"), "utf8"));
        orphanedCli = pid;
        // The CLI's parent chain: CLI ← launcher ← the stack's process.
        const parentOf = (p: number) => Number(fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1]);
        process.kill(parentOf(parentOf(pid)), "SIGKILL");
      },
    });
    assert.equal(killed, true);
    // Its CLI is gone when the result is given: it usually dies by itself (its output pipe broke
    // with the process), and runFleet cancels and waits for one that did not.
    assert.equal(pulumiProcessRunning(orphanedCli!), false, "no CLI left running");
    assert.equal(result.stacks[0].ok, false);
    assert.match(result.stacks[0].error ?? "", /the stack's process was killed by SIGKILL before reporting a result/);
    assert.equal(result.stacks[1].ok, true, result.stacks[1].error);
  });

  it("redacts the credentials it runs with from a stack's error", async () => {
    const apiKey = "napi_fleet_test_key_0123456789";
    const file = path.join(dir, "Pulumi.leaky.yaml");
    fs.writeFileSync(file, stringifyYaml({ config: { "isolation:role": "leaky", "isolation:leak": apiKey } }));
    const result = await runFleet({ ...runner, env: { NEON_API_KEY: apiKey } }, { projectDir, command: "preview", concurrency: 1, stacks: [{ stackName: "leaky", configFile: file }] });
    const [leaky] = result.stacks;
    assert.equal(leaky.ok, false);
    assert.match(leaky.error ?? "", /tenant program bug: leaked \[redacted\]/);
    assert.doesNotMatch(JSON.stringify(result), new RegExp(apiKey));
  });

  it("starts nothing when cancelled before it begins, and says so for each stack", async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const result = await runFleet(runner, { projectDir, command: "up", concurrency: 2, signal: cancelled.signal, stacks: [{ stackName: "cli-one" }, { stackName: "cli-two" }] });
    assert.deepEqual(
      result.stacks.map((r) => [r.stackName, r.ok, r.error]),
      [
        ["cli-one", false, "not started: the run was cancelled"],
        ["cli-two", false, "not started: the run was cancelled"],
      ],
    );
    assert.equal(fs.existsSync(path.join(runner.stateDir, "pids", "cli-one.pid")), false);
  });

  it("runs several stacks from the CLI as a fleet: every stack's output prefixed, each outcome, exit 1 when one failed", async () => {
    const common = ["--project-dir", projectDir, "--state-dir", path.join(dir, "cli-state")];
    const env = { PULUMI_CONFIG_PASSPHRASE: "fleet-cli-passphrase", PULUMI_BACKEND_URL: `file://${path.join(dir, "cli-backend")}` };
    const run = await runCli(["up", "--stack", "cli-one", "--stack", "cli-broken", "--stack", "cli-two", "--concurrency", "2", ...common], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /up of 3 stacks, 2 at a time/);
    assert.match(run.stdout, /^cli-one: 1 created$/m);
    assert.match(run.stdout, /^cli-two: 1 created$/m);
    assert.match(run.stdout, /^cli-broken: failed: .*/m);
    assert.match(run.stdout, /^\[cli-broken\] .*tenant program bug: broken on purpose/m, "the engine's own output, prefixed");
    assert.match(run.stderr, /1 of 3 stacks failed: cli-broken/);
    assert.doesNotMatch(run.stdout + run.stderr, /fleet-cli-passphrase/);

    const destroyed = await runCli(["destroy", "--remove", "--stack", "cli-one", "--stack", "cli-two", ...common], env);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stderr, /destroy of 2 stacks, 2 at a time \(bound by stacks\)/);
    const left = fs.readdirSync(path.join(dir, "cli-backend", ".pulumi", "stacks", "fleet-isolation")).filter((f) => f.endsWith(".json"));
    assert.deepEqual(left, ["cli-broken.json"], "the two destroyed stacks are removed");
  });

  it("refuses a bad --concurrency, naming the flag", async () => {
    const run = await runCli(["up", "--stack", "cli-one", "--stack", "cli-two", "--concurrency", "0", "--project-dir", projectDir, "--state-dir", path.join(dir, "cli-state")], {});
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--concurrency must be a whole number from 1 to 1000, got "0"/);
    const single = await runCli(["up", "--stack", "cli-one", "--concurrency", "2", "--project-dir", projectDir, "--state-dir", path.join(dir, "cli-state")], {});
    assert.equal(single.code, 2);
    assert.match(single.stderr, /--concurrency is for up or destroy of several stacks/);
  });
});
