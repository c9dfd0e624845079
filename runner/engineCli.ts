/**
 * `npm run engine`: makes sure a Pulumi engine is available (a `pulumi` on PATH that is recent
 * enough, or our build from Pulumi's Go modules), building it when needed, and prints which one.
 * `npm test` runs it before mocha, so a missing engine fails the run instead of skipping suites.
 */
import { ensureEngine } from "./engine";

ensureEngine((line) => process.stdout.write(`${line}\n`)).then(
  (engine) => process.stdout.write(`engine: Pulumi CLI ${engine.version} ${engine.source === "path" ? "from PATH" : "built under .engine/"}\n`),
  (err: Error) => {
    process.stderr.write(`npm run engine: ${err.message}\n`);
    process.exit(1);
  },
);
