/** What the engine benchmarks share: the tenant they measure, the compiled runner, and how a script ends. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { packageRoot } from "../runner/packageRoot";

/** One tenant environment: a project with its compute, Neon Auth, the Data API, two checkpoints, a preview branch with its compute (9 resources). */
export function benchTenantConfig(id: string): Record<string, unknown> {
  return {
    "tenant:id": id,
    "tenant:tier": "free",
    "tenant:auth": { enabled: true, trustedDomains: [`https://${id}.example.com`] },
    "tenant:dataApi": { enabled: true },
    "tenant:checkpoints": ["baseline", "before-migration"],
    "tenant:previewBranches": [{ name: "pr-1" }],
  };
}

/**
 * The runner as a user's install has it (dist/, built first if stale): stack processes started
 * from the sources would each pay for ts-node, which no user's fleet does.
 */
export function compiledRunner(): { fleet: typeof import("../runner/fleet"); stack: typeof import("../runner/stack") } {
  const root = packageRoot();
  execFileSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(root, "tools", "build.ts"), "--if-stale"], { stdio: "inherit" });
  return { fleet: require(path.join(root, "dist", "runner", "fleet")), stack: require(path.join(root, "dist", "runner", "stack")) };
}

/** Runs a benchmark's main, printing its failure and exiting 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
