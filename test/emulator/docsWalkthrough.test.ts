/**
 * The curl walk-through of docs/local-neon-api.md, run verbatim (only the port is swapped for a free one) against
 * the local Neon API started with the page's own command line: if the page drifts from what
 * the emulator does, this fails.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../..");

function walkThroughScript(): string {
  const readme = readFileSync(path.join(repoRoot, "docs", "local-neon-api.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A walk-through with curl"));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(match, "docs/local-neon-api.md has a walk-through code block");
  return match[1];
}

describe("the curl walk-through of docs/local-neon-api.md", function () {
  this.timeout(30_000);
  let child: ChildProcess;
  let port = 0;
  const workDir = mkdtempSync(path.join(tmpdir(), "neon-walkthrough-"));

  before(async () => {
    // The page's command, `npm run neon-local -- --port 4010 --api-key dev-key`, on a free port.
    child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--port", "0", "--api-key", "dev-key", "--operation-delay-ms", "50"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/api\/v2 api-key dev-key/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`neon-local exited with ${code}`)));
    });
  });

  after(() => {
    child?.kill("SIGINT");
    rmSync(workDir, { recursive: true, force: true });
  });

  it("creates a project, a preview branch, a checkpoint, and restores main to it in place", () => {
    const script = walkThroughScript().replaceAll("127.0.0.1:4010", `127.0.0.1:${port}`);
    assert.notEqual(script, walkThroughScript(), "the walk-through talks to port 4010 as the page says");
    const output = execFileSync("bash", ["-euo", "pipefail", "-c", script], { cwd: workDir, encoding: "utf8", timeout: 25_000 });
    // The last command lists the branches: main is the restored branch, the old main was renamed.
    const branches = JSON.parse(output.slice(output.lastIndexOf('{"branches"'))).branches as Array<Record<string, unknown>>;
    const project = JSON.parse(readFileSync(path.join(workDir, "project.json"), "utf8"));
    const snapshot = JSON.parse(readFileSync(path.join(workDir, "snapshot.json"), "utf8")).snapshot;
    const main = branches.find((b) => b.name === "main")!;
    assert.equal(main.default, true);
    assert.equal(main.restored_from, snapshot.id);
    assert.equal(main.restored_as, project.branch.id);
    assert.ok(branches.some((b) => b.id === project.branch.id && String(b.name).startsWith("main_old_")));
    assert.ok(branches.some((b) => b.name === "preview-1"));
  });
});
