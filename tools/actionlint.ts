/**
 * actionlint (rhysd/actionlint), the linter the tests run over the example GitHub Actions
 * workflows. It is built from its own Go tool module (`tools/actionlint`), apart from the one that
 * pins the Pulumi CLI, so its requirements can never move the versions Pulumi is built with. The
 * binary goes to `.engine/tools/actionlint` (git-ignored), rebuilt only when go.mod, go.sum or Go
 * change (about 20 s cold).
 *
 * Usage: `ts-node tools/actionlint.ts --build` (what `npm test` runs first), or
 * `ts-node tools/actionlint.ts <workflow.yml>...` to lint files.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectedStamp, goToolCommand, goVersion, isBuildCurrent, runGoBuild, type BuildTarget } from "../runner/engineBuild";
import { packageRoot } from "../runner/packageRoot";

const root = packageRoot();

export const actionlintTarget: BuildTarget = {
  toolModuleDir: path.join(root, "tools", "actionlint"),
  output: path.join(root, ".engine", "tools", "actionlint"),
  stampFile: path.join(root, ".engine", "tools", "actionlint.stamp"),
  command: (output) => goToolCommand("github.com/rhysd/actionlint/cmd/actionlint", output),
  label: "actionlint: building",
};

/** The built actionlint, building it first when missing or stale. */
export async function ensureActionlint(onProgress: (line: string) => void): Promise<string> {
  const go = await goVersion();
  if (go === undefined) throw new Error("Go is not installed: actionlint is built from its Go tool module (tools/actionlint)");
  if (!isBuildCurrent(actionlintTarget, expectedStamp(actionlintTarget, go))) await runGoBuild(actionlintTarget, go, onProgress);
  return actionlintTarget.output;
}

/** The built actionlint, without building (tests: `npm test` built it before mocha). */
export function builtActionlint(): string {
  if (!fs.existsSync(actionlintTarget.output)) throw new Error("actionlint is not built: `npm test` builds it first (`npm run actionlint -- --build`)");
  return actionlintTarget.output;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  ensureActionlint((line) => process.stdout.write(`${line}\n`)).then(
    (binary) => {
      if (args.includes("--build")) return;
      const result = spawnSync(binary, args, { stdio: "inherit" });
      process.exit(result.status ?? 1);
    },
    (err: Error) => {
      process.stderr.write(`actionlint: ${err.message}\n`);
      process.exit(1);
    },
  );
}
