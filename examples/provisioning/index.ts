/** Entry point: the Pulumi CLI and the runner both run the exported program. */
import { userDatabaseProgram } from "./program";

export = userDatabaseProgram;
