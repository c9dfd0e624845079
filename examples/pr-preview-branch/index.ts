/** Entry point: the Pulumi CLI and the runner both run the exported program. */
import { pullRequestBranchProgram } from "./program";

export = pullRequestBranchProgram;
