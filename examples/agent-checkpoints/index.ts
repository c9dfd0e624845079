/** Entry point: the Pulumi CLI and the runner both run the exported program. */
import { agentCheckpointsProgram } from "./program";

export = agentCheckpointsProgram;
