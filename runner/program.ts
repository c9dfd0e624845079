/**
 * A Pulumi project of ours is a folder with a `Pulumi.yaml` whose `main` module exports the program
 * as a function (`export = program`): the Pulumi CLI's Node.js host runs that export for
 * `pulumi up -s <stack>`, and the runner passes the very same function to the Automation API as an
 * inline program. The module must not call Pulumi at its top level: the runner's process loads it
 * once and may run it for many stacks.
 */
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { StackSetupError } from "./errors";

/** The function a project's main module exports (CommonJS `export =`, or a `default` export). */
export function programOf(projectDir: string, main: string | undefined): PulumiFn {
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
