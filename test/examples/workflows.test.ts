/**
 * The example GitHub Actions workflows: actionlint (built from its own Go tool module before mocha
 * starts) finds nothing in them, and every `neon-pulumi-dynamic` command they run exists with the
 * flags they pass, so the workflows cannot drift from the CLI. What the workflows do is run end to
 * end elsewhere: the commands through the real engine in test/engine/examples.test.ts and
 * test/engine/previewSummary.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { commandOptions } from "../../runner/cli";
import { packageRoot } from "../../runner/packageRoot";
import { builtActionlint } from "../../tools/actionlint";

const workflowsDir = path.join(packageRoot(), "examples", "pr-preview-branch", "workflows");
const workflows = fs.readdirSync(workflowsDir).filter((f) => f.endsWith(".yml")).map((f) => path.join(workflowsDir, f));

interface Step {
  run?: string;
  uses?: string;
}

function runLines(file: string): string[] {
  const workflow = parse(fs.readFileSync(file, "utf8")) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ?? "").split("\n")));
}

describe("the example GitHub Actions workflows", () => {
  it("are the three a tenant repository needs: preview on pull requests, apply on merge, a branch per pull request", () => {
    assert.deepEqual(workflows.map((f) => path.basename(f)).sort(), ["pr-preview-branch.yml", "tenants-apply.yml", "tenants-preview.yml"]);
  });

  it("pass actionlint", function () {
    this.timeout(60_000);
    const result = spawnSync(builtActionlint(), ["-no-color", ...workflows], { encoding: "utf8" });
    assert.equal(result.status, 0, `actionlint found problems:\n${result.stdout}${result.stderr}`);
    assert.equal(result.stdout.trim(), "");
  });

  it("catch a broken workflow with the same linter (so a pass means something)", function () {
    this.timeout(60_000);
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neon-workflow-")), "broken.yml");
    fs.writeFileSync(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n");
    try {
      const result = spawnSync(builtActionlint(), ["-no-color", broken], { encoding: "utf8" });
      assert.notEqual(result.status, 0);
      assert.match(result.stdout, /matrix/);
    } finally {
      fs.rmSync(path.dirname(broken), { recursive: true, force: true });
    }
  });

  it("run only neon-pulumi-dynamic commands and flags that exist", () => {
    const invocations = workflows.flatMap((file) =>
      runLines(file)
        .flatMap((line) => [...line.matchAll(/npx neon-pulumi-dynamic ([\w-]+)((?: +(?:--[\w-]+|"[^"]*"|'[^']*'|[^\s|&;>)"]+))*)/g)])
        .map((m) => ({ file: path.basename(file), command: m[1], flags: [...m[2].matchAll(/--([\w-]+)/g)].map((f) => f[1]) })),
    );
    assert.ok(invocations.length >= 6, `found ${invocations.length} invocations`);
    for (const { file, command, flags } of invocations) {
      const options = (commandOptions as Record<string, Record<string, unknown>>)[command];
      assert.ok(options, `${file}: unknown command ${command}`);
      for (const flag of flags) assert.ok(flag in options, `${file}: ${command} has no --${flag}`);
    }
    assert.deepEqual([...new Set(invocations.map((i) => i.command))].sort(), ["changed-stacks", "destroy", "preview-summary", "up"]);
  });

  it("install the Pulumi CLI at the version the package is built with, and pass secrets through env, never inline", () => {
    const version = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
    for (const file of workflows) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/pulumi-version: (\S+)/g)) assert.equal(match[1], version, path.basename(file));
      for (const line of runLines(file)) assert.doesNotMatch(line, /\$\{\{\s*(secrets|matrix|github\.event)\./, `${path.basename(file)}: an expression in a script: ${line}`);
    }
  });
});
