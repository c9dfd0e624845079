/**
 * `npm start`, as the README tells a newcomer to run it: the first run creates the dev tenant
 * through the real engine against the local Neon API and prints its outputs with secrets masked;
 * a second run shows no changes and makes no Neon API writes; `--show-secrets` shows them; without
 * `--once` it serves until Ctrl-C and then stops cleanly. Nothing in the checkout changes.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot, skipRestAfterFailure } from "../support/engineHarness";

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The checkout's view of the files a run could touch: git's status of them and their bytes. */
function checkoutFingerprint(): string {
  const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", "stacks", "Pulumi.yaml", ".neon-local"], { cwd: repoRoot, encoding: "utf8" });
  const files = fs.readdirSync(path.join(repoRoot, "stacks")).sort().map((f) => `${f}:${fs.readFileSync(path.join(repoRoot, "stacks", f), "utf8")}`);
  return [status, fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"), ...files].join("\n");
}

describe("npm start (the main job) through the real Pulumi engine", function () {
  this.timeout(240_000);
  skipRestAfterFailure();
  let stateDir: string;
  let fingerprint: string;
  const children: ChildProcess[] = [];

  /**
   * `npm start -- <args>` in its own process group (so Ctrl-C can reach all of it, as in a
   * terminal); with `direct`, the command `npm start` runs once the build is current, so that its
   * own exit status is seen (npm itself dies of the SIGINT that Ctrl-C sends the group).
   */
  function npmStart(args: string[], direct = false): ChildProcess {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEON_|PULUMI_)/.test(k)));
    const flags = ["--port", "0", "--postgres-port", "0", "--state-dir", stateDir, "--operation-delay-ms", "20", ...args];
    const [command, commandArgs] = direct
      ? [process.execPath, ["-r", "ts-node/register/transpile-only", "runner/start.ts", ...flags]]
      : ["npm", ["start", "--silent", "--", ...flags]];
    const child = spawn(command, commandArgs, {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    return child;
  }

  function finished(child: ChildProcess): Promise<Finished> {
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  }

  function assertNothingSecret(run: Finished): void {
    const all = run.stdout + run.stderr;
    assert.doesNotMatch(all, /postgresql:\/\//, "a connection URI was printed");
    assert.doesNotMatch(all, /npg_[A-Za-z0-9]/, "a password was printed");
  }

  before(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-npm-start-"));
    fingerprint = checkoutFingerprint();
  });

  after(() => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("creates the dev tenant and prints its outputs with secrets masked", async () => {
    const run = await finished(npmStart(["--once"]));
    assert.equal(run.code, 0, `npm start failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /pulumi up of neon-tenants\/dev: 8 created/);
    assert.match(run.stdout, /outputs \(secrets masked; --show-secrets shows them\):/);
    assert.match(run.stdout, /^\s+databaseUrl\s+\[secret\]$/m);
    assert.match(run.stdout, /^\s+previewBranchUris\s+\[secret\]$/m);
    assert.match(run.stdout, /^\s+checkpointIds\s+\{"baseline":"snap-[\w-]+"\}$/m);
    assert.match(run.stdout, /^\s+tier\s+free$/m);
    assertNothingSecret(run);
    assert.ok(fs.existsSync(path.join(stateDir, "state.json")), "the local Neon API keeps its state in the state folder");
    assert.ok(fs.existsSync(path.join(stateDir, "pulumi", "backend", ".pulumi", "stacks", "neon-tenants", "dev.json")), "the Pulumi state is in the state folder");
  });

  it("finds nothing to change the second time, and writes nothing to the Neon API", async () => {
    const run = await finished(npmStart(["--once"]));
    assert.equal(run.code, 0, `npm start failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /pulumi up of neon-tenants\/dev: no changes \(8 unchanged\)/);
    assert.match(run.stdout, /local Neon API: 0 requests during the update, 0 of them writes/);
    assertNothingSecret(run);
  });

  it("shows the secrets with --show-secrets", async () => {
    const run = await finished(npmStart(["--once", "--show-secrets"]));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\s+databaseUrl\s+postgresql:\/\/neondb_owner:npg_\w+@ep-[\w-]+\.[\w.-]+\/neondb\?sslmode=require$/m);
  });

  it("keeps serving the local Neon API until Ctrl-C, its psql command reaching the tenant's database, then stops cleanly", async () => {
    const child = npmStart(["--show-secrets"], true);
    const done = finished(child);
    let seen = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer | string) => {
        seen += chunk.toString();
        const match = seen.match(/serving the local Neon API at (\S+) \(api key (\S+)\)/);
        if (match) resolve(match[1]);
      });
      child.once("close", () => reject(new Error(`npm start ended before serving:\n${seen}`)));
    });
    const key = seen.match(/\(api key (\S+)\)/)![1];
    const listed = await fetch(`${url}/projects`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { projects: { name: string }[] }).projects.map((p) => p.name), ["dev-tenant"]);
    // The command npm start prints, as a user would paste it: Debian's psql reaches the active branch.
    const psqlUri = seen.match(/^\s+psql '(postgresql:\/\/[^']+)'$/m)?.[1];
    assert.ok(psqlUri, `no psql command printed:\n${seen}`);
    const psql = execFileSync("psql", [psqlUri, "-Atc", "select current_database() || ' ' || current_user"], { encoding: "utf8", env: { ...process.env, PGCONNECT_TIMEOUT: "60" } });
    assert.equal(psql.trim(), "neondb neondb_owner");
    process.kill(-child.pid!, "SIGINT"); // what Ctrl-C in a terminal does: the whole foreground group
    const run = await done;
    assert.equal(run.code, 0, `npm start did not stop cleanly:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /stopped the local Neon API \(its state is saved\)\n$/);
    await assert.rejects(fetch(`${url}/projects`), "the local Neon API is closed");
  });

  it("leaves the checkout as it was", () => {
    assert.equal(checkoutFingerprint(), fingerprint);
  });
});
