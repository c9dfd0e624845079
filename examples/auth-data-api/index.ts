/** Entry point: the Pulumi CLI and the runner both run the exported program. */
import { generatedAppProgram } from "./program";

export = generatedAppProgram;
