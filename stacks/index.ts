/**
 * Entry point of the tenant project (`Pulumi.yaml` at the repository root, `main: stacks/`). The
 * Pulumi CLI's Node.js host runs the exported function for `pulumi up -s <tenant>`; the runner
 * passes the same function to the Automation API as an inline program.
 */
import { tenantProgram } from "./program";

export = tenantProgram;
