/**
 * When the stack's last update (or refresh, or destroy) began, on this host's wall clock: written
 * by the runner just before it starts the command, read when that command left creates pending.
 * A wall time is the one clock that outlives the process (and a crashed host); only the time
 * elapsed since is measured on it (see `interruptedUpdate` in the provider's ownership rule).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileWhole } from "../files";

export interface RunRecord {
  command: string;
  startedAtMs: number;
  host: string;
}

/** Per project and stack: projects sharing a state folder may have stacks of the same name. */
export function runRecordFile(stateDir: string, projectName: string, stackName: string): string {
  return path.join(stateDir, "runs", projectName, `${stackName}.json`);
}

export function writeRunRecord(file: string, command: string, startedAtMs: number): void {
  const record: RunRecord = { command, startedAtMs, host: os.hostname() };
  writeFileWhole(file, JSON.stringify(record));
}

/** The start of the last run on this host; undefined when none is recorded here (another host's clock is not ours to compare). */
export function lastRunStart(file: string): number | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<RunRecord>;
    return record.host === os.hostname() && typeof record.startedAtMs === "number" ? record.startedAtMs : undefined;
  } catch {
    return undefined;
  }
}
