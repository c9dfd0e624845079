/**
 * Which tenant stacks a pull request touches: the rule as a pure function, and the CLI
 * (`neon-pulumi-dynamic changed-stacks --base <rev>`) on a real git repository, as a workflow runs it.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { changedStacks } from "../../runner/summary/changedStacks";
import { packageRoot } from "../../runner/packageRoot";

const layout = { stackConfigDir: "stacks", affectsAllStacks: ["Pulumi.yaml", "package.json", "package-lock.json", "stacks/"] };
const all = ["acme", "globex", "initech"];

describe("which tenant stacks a change touches", () => {
  it("is the stacks whose stack file changed, or was added", () => {
    assert.deepEqual(
      changedStacks([{ status: "M", path: "stacks/Pulumi.globex.yaml" }, { status: "A", path: "stacks/Pulumi.acme.yaml" }, { status: "M", path: "README.md" }], all, layout),
      { stacks: ["acme", "globex"], removed: [], reason: "stack files" },
    );
  });

  it("is every stack when the program, the project file or the package changed", () => {
    for (const file of ["stacks/program.ts", "Pulumi.yaml", "package-lock.json", "package.json"]) {
      assert.deepEqual(changedStacks([{ status: "M", path: file }], all, layout).stacks, all, file);
    }
    assert.equal(changedStacks([{ status: "M", path: "stacks/program.ts" }], all, layout).reason, "all");
  });

  it("reports removed stack files apart, never as stacks to update", () => {
    assert.deepEqual(changedStacks([{ status: "D", path: "stacks/Pulumi.initech.yaml" }], ["acme", "globex"], layout), { stacks: [], removed: ["initech"], reason: "none" });
  });

  it("ignores files elsewhere and stack files of other folders", () => {
    assert.deepEqual(changedStacks([{ status: "M", path: "docs/x.md" }, { status: "M", path: "other/Pulumi.acme.yaml" }], all, layout), { stacks: [], removed: [], reason: "none" });
  });

  describe("through the CLI on a git repository", function () {
    this.timeout(30_000);
    let repo: string;
    const cli = path.join(packageRoot(), "dist", "runner", "cli.js");
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
    const changed = () => spawnSync(process.execPath, [cli, "changed-stacks", "--base", "main", "--project-dir", repo], { encoding: "utf8" });

    before(() => {
      repo = fs.mkdtempSync(path.join(os.tmpdir(), "neon-changed-stacks-"));
      fs.mkdirSync(path.join(repo, "stacks"));
      fs.writeFileSync(path.join(repo, "Pulumi.yaml"), "name: tenants\nruntime: nodejs\nmain: stacks/\nstackConfigDir: stacks\n");
      for (const s of ["acme", "globex", "initech"]) fs.writeFileSync(path.join(repo, "stacks", `Pulumi.${s}.yaml`), `config:\n  tenant:tier: free\n`);
      fs.writeFileSync(path.join(repo, "stacks", "program.ts"), "export = async () => ({});\n");
      git("init", "-q", "-b", "main");
      git("add", ".");
      git("commit", "-q", "-m", "tenants");
      git("checkout", "-q", "-b", "pr");
    });
    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("prints the changed stacks as a JSON array for a CI matrix, and names removed ones on stderr", () => {
      fs.writeFileSync(path.join(repo, "stacks", "Pulumi.acme.yaml"), "config:\n  tenant:tier: paid\n");
      fs.writeFileSync(path.join(repo, "stacks", "Pulumi.hooli.yaml"), "config:\n  tenant:tier: free\n");
      fs.rmSync(path.join(repo, "stacks", "Pulumi.initech.yaml"));
      git("add", "-A");
      git("commit", "-q", "-m", "upgrade acme, add hooli, remove initech");
      const run = changed();
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), ["acme", "hooli"]);
      assert.match(run.stderr, /stack files removed \(destroy them deliberately\): initech/);
    });

    it("prints every stack once the program changes", () => {
      fs.writeFileSync(path.join(repo, "stacks", "program.ts"), "export = async () => ({ changed: true });\n");
      git("commit", "-q", "-am", "program");
      assert.deepEqual(JSON.parse(changed().stdout), ["acme", "globex", "hooli"]);
    });

    it("works for a project in a folder of the repository, and counts any program file when Pulumi.yaml names no main folder", () => {
      const sub = path.join(repo, "apps", "tenants");
      fs.mkdirSync(path.join(sub, "stacks"), { recursive: true });
      fs.writeFileSync(path.join(sub, "Pulumi.yaml"), "name: sub\nruntime: nodejs\nstackConfigDir: stacks\n");
      fs.writeFileSync(path.join(sub, "index.ts"), "export = async () => ({});\n");
      for (const s of ["one", "two"]) fs.writeFileSync(path.join(sub, "stacks", `Pulumi.${s}.yaml`), "config: {}\n");
      git("add", "-A");
      git("commit", "-q", "-m", "a project in a folder");
      git("tag", "sub-base");
      const changedIn = () => spawnSync(process.execPath, [cli, "changed-stacks", "--base", "sub-base", "--project-dir", sub], { encoding: "utf8" });
      fs.writeFileSync(path.join(sub, "stacks", "Pulumi.two.yaml"), "config:\n  tenant:tier: paid\n");
      fs.writeFileSync(path.join(repo, "stacks", "Pulumi.acme.yaml"), "config:\n  tenant:tier: free\n");
      git("commit", "-q", "-am", "two, and a stack of the other project");
      assert.deepEqual(JSON.parse(changedIn().stdout), ["two"], "paths are the project's own, and the other project's stacks are not its");
      fs.writeFileSync(path.join(sub, "index.ts"), "export = async () => ({ v: 2 });\n");
      git("commit", "-q", "-am", "program");
      assert.deepEqual(JSON.parse(changedIn().stdout), ["one", "two"]);
    });

    it("fails clearly when the base is not there", () => {
      const run = spawnSync(process.execPath, [cli, "changed-stacks", "--base", "origin/nope", "--project-dir", repo], { encoding: "utf8" });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /git could not compare origin\/nope with HEAD \(is the base fetched\? actions\/checkout needs fetch-depth: 0\)/);
    });
  });
});
