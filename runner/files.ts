/**
 * Files the runner writes where other processes may read them (stacks opened side by side, the
 * next run after a crash): each appears whole or not at all — written beside, then renamed over.
 * Hand-written (two calls of node:fs) rather than a dependency such as write-file-atomic: the runner
 * needs no fsync or ownership handling, only that no reader sees half a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function writeFileWhole(file: string, content: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, content, mode === undefined ? {} : { mode });
  fs.renameSync(partial, file);
}

/** As writeFileWhole, leaving a file that already holds `content` alone. */
export function writeFileIfChanged(file: string, content: string, mode?: number): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return;
  writeFileWhole(file, content, mode);
}
