/**
 * A Pulumi project of ours is a folder with a `Pulumi.yaml` whose `main` module exports the program
 * as a function (`export = program`): the Pulumi CLI's Node.js host runs that export for
 * `pulumi up -s <stack>`, and the runner passes the very same function to the Automation API as an
 * inline program. The module must not call Pulumi at its top level: the runner's process loads it
 * once and may run it for many stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { StackSetupError } from "./errors";

/**
 * Lets `require` load the project's TypeScript, as Pulumi's Node.js language host does for
 * `runtime.options.typescript` (its default): ts-node in transpile-only mode, with the project's
 * tsconfig.json when it has one; the project's own ts-node and TypeScript if installed, else the
 * copies the Pulumi SDK ships. Nothing is done when TypeScript is already loadable (the
 * repository's scripts and tests run under ts-node).
 */
function registerTypeScript(projectDir: string): void {
  if (require.extensions[".ts"]) return;
  const fromProject = (id: string) => {
    try {
      return require.resolve(id, { paths: [projectDir] });
    } catch {
      return undefined;
    }
  };
  let tsNode = fromProject("ts-node");
  let typescript = fromProject("typescript");
  if (!tsNode || !typescript) {
    // The SDK's own fallbacks (its vendored ts-node and TypeScript), as its language host uses them.
    const sdk = require("@pulumi/pulumi/tsutils") as { typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string } };
    const strings = sdk.typeScriptRequireStrings();
    tsNode ??= require.resolve(strings.tsnodeRequire);
    typescript ??= require.resolve(strings.typescriptRequire);
  }
  const tsconfig = path.join(projectDir, "tsconfig.json");
  const hasTsconfig = fs.existsSync(tsconfig);
  (require(tsNode) as { register(options: object): unknown }).register({
    transpileOnly: true,
    compiler: typescript,
    skipProject: !hasTsconfig,
    ...(hasTsconfig ? { project: tsconfig } : { compilerOptions: { target: "es2020", module: "commonjs", esModuleInterop: true } }),
  });
}

/** The function a project's main module exports (CommonJS `export =`, or a `default` export). */
export function programOf(projectDir: string, main: string | undefined, typescript = true): PulumiFn {
  if (typescript) registerTypeScript(projectDir);
  const entry = path.resolve(projectDir, main ?? ".");
  let loaded: unknown;
  try {
    loaded = require(entry);
  } catch (err) {
    throw new StackSetupError(`cannot load the program of ${projectDir} (main: ${main ?? "."}): ${(err as Error).message}`, { cause: err });
  }
  const candidate = typeof loaded === "function" ? loaded : (loaded as { default?: unknown } | undefined)?.default;
  if (typeof candidate !== "function") {
    throw new StackSetupError(
      `the program module ${path.relative(process.cwd(), entry) || entry} must export the program as a function (\`export = program\`), ` +
        `so that the Pulumi CLI and the runner run the same code`,
    );
  }
  return candidate as PulumiFn;
}
