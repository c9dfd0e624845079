/**
 * Keeps the state in a JSON file across restarts. Writes go to a temporary file that is fsynced
 * and renamed over the old one, so a crash leaves either the old or the new state, never a torn
 * file. Saves are coalesced (at most one per `debounceMs`) and flushed on close. A failed background
 * save is reported as a warning and the server keeps serving; a failed save at close rejects close().
 */
import { mkdirSync, openSync, readFileSync, renameSync, writeFileSync, fsyncSync, closeSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { reviveStateDicts, type NeonLocalState } from "./store";

export function loadState(file: string): NeonLocalState | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`state file ${file} is not valid JSON (${(err as Error).message}); move it away to start fresh`);
  }
  const state = parsed as Partial<NeonLocalState>;
  if (state.version !== 1 || typeof state.projects !== "object" || typeof state.organizations !== "object") {
    throw new Error(`state file ${file} is not a local Neon API state (version 1)`);
  }
  return reviveStateDicts(state as NeonLocalState);
}

export function saveStateAtomically(file: string, state: NeonLocalState): void {
  writeFileAtomically(file, JSON.stringify(state));
}

/** Writes a file so that a crash leaves either the old one or the new one whole: a fsynced temporary file, then a rename. */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The default report of a failed background save: a process warning, never a crash. */
function warnSaveFailed(file: string, err: Error): void {
  process.emitWarning(`could not save the local Neon API state to ${file}: ${err.message}; it is retried after the next change and at close`);
}

export class StateSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly current: () => NeonLocalState,
    private readonly debounceMs = 20,
    private readonly onBackgroundError: (file: string, err: Error) => void = warnSaveFailed,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      // A throw here would be an uncaught exception and take the whole server down with it.
      try {
        this.flush();
      } catch (err) {
        this.onBackgroundError(this.file, err as Error);
      }
    }, this.debounceMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    saveStateAtomically(this.file, this.current());
  }
}
