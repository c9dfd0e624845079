/**
 * A branch's history, as Neon keeps it: what its data was at any moment since it began, so that a
 * branch or a snapshot can be made "as of" a past `parent_timestamp`. Postgres already writes every
 * change to its write-ahead log (WAL); the data plane keeps
 *
 * - the branch's files as they were when its database first started (`<dir>.base`, a copy taken
 *   while it ran: Postgres sees a crash image and replays the WAL from its last checkpoint),
 * - every WAL segment since (the clusters run with a `wal_keep_size` that never drops one),
 * - marks: after each transaction ends, the API's time and the WAL position (`<dir>.history`).
 *
 * A copy as of time T is the base, plus the WAL cut right after the last mark at or before T:
 * starting it, Postgres's crash recovery replays exactly the transactions that had ended by then.
 * Pure functions over marks and files; clusters.ts decides when.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseLsn } from "../ids";
import { writeFileAtomically } from "../persistence";

/** At `at` (the API's clock, ms) the branch's data was its WAL up to `lsn` (Postgres's `X/Y`). */
export type HistoryMark = readonly [at: number, lsn: string];

/** Postgres's WAL segment files: timeline, then the segment number in two 8-digit hex halves. */
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

/** The WAL position of the data as of `at`: the last mark at or before it, else the first (the branch began after `at`). */
export function lsnAsOf(marks: readonly HistoryMark[], at: number): string {
  let found = marks[0]![1];
  for (const [markedAt, lsn] of marks) {
    if (markedAt > at) break;
    found = lsn;
  }
  return found;
}

/** Whether the data changed after `at`: a copy as of `at` then differs from a copy of the present. */
export function changedAfter(marks: readonly HistoryMark[], at: number): boolean {
  const asOf = lsnAsOf(marks, at);
  return marks.some(([markedAt, lsn]) => markedAt > at && lsn !== asOf);
}

/** Whether a new mark says anything (the position moved since the last one; a read-only transaction writes no WAL). */
export function isNewMark(marks: readonly HistoryMark[], lsn: string): boolean {
  return marks.length === 0 || marks[marks.length - 1]![1] !== lsn;
}

export const baseDir = (dir: string) => `${dir}.base`;
export const marksFile = (dir: string) => `${dir}.history`;

/**
 * Keeps the cluster's files as they are now as its base (its WAL segments stay in `dir`, where
 * Postgres goes on writing them) and starts its marks with `first`. The base is complete before the
 * marks file says there is history: a crash in between leaves none, and the next start begins it.
 */
export function beginHistory(dir: string, first: HistoryMark): void {
  const base = baseDir(dir);
  const partial = `${base}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const wal = path.join(dir, "pg_wal");
  fs.cpSync(dir, partial, { recursive: true, filter: (source) => !(path.dirname(source) === wal && WAL_SEGMENT.test(path.basename(source))) });
  fs.rmSync(base, { recursive: true, force: true });
  fs.renameSync(partial, base);
  writeFileAtomically(marksFile(dir), formatMark(first));
}

/** Appends a mark (one line: a torn last line after a crash is ignored when read). */
export function appendMark(dir: string, mark: HistoryMark): void {
  fs.appendFileSync(marksFile(dir), formatMark(mark));
}

/** The cluster's marks, or undefined when it has no history yet (never started, or started before history was kept). */
export function readHistory(dir: string): HistoryMark[] | undefined {
  if (!fs.existsSync(marksFile(dir)) || !fs.existsSync(baseDir(dir))) return undefined;
  const marks: HistoryMark[] = [];
  const text = fs.readFileSync(marksFile(dir), "utf8");
  // Only whole lines: a torn last one may still look like a mark.
  for (const line of text.slice(0, text.lastIndexOf("\n") + 1).split("\n")) {
    const m = /^(\d+) ([0-9A-F]{1,8}\/[0-9A-F]{1,8})$/.exec(line);
    if (m) marks.push([Number(m[1]), m[2]!]);
  }
  return marks.length > 0 ? marks : undefined;
}

export function removeHistory(dir: string): void {
  fs.rmSync(baseDir(dir), { recursive: true, force: true });
  fs.rmSync(`${baseDir(dir)}.partial`, { recursive: true, force: true });
  fs.rmSync(marksFile(dir), { force: true });
}

/**
 * Makes `to` the cluster `from` as of WAL position `lsn`: its base, and its WAL segments cut right
 * after `lsn` (the rest of that segment zeroed, later ones left out). Postgres, started on `to`,
 * replays up to `lsn` and stops at the zeroes as at the end of any WAL.
 */
export function copyAsOf(from: string, to: string, lsn: string): void {
  const position = parseLsn(lsn);
  if (position === undefined) throw new Error(`not a WAL position: ${lsn}`);
  fs.cpSync(baseDir(from), to, { recursive: true });
  const fromWal = path.join(from, "pg_wal");
  const toWal = path.join(to, "pg_wal");
  fs.mkdirSync(toWal, { recursive: true });
  for (const name of fs.readdirSync(fromWal)) {
    if (!WAL_SEGMENT.test(name)) continue;
    const bytes = fs.readFileSync(path.join(fromWal, name));
    // The name's last two halves are the segment number over 4 GiB of WAL ("log") and within it.
    const start = parseInt(name.slice(8, 16), 16) * 2 ** 32 + parseInt(name.slice(16, 24), 16) * bytes.length;
    if (start >= position) continue;
    if (position < start + bytes.length) bytes.fill(0, position - start);
    fs.writeFileSync(path.join(toWal, name), bytes);
  }
}

function formatMark([at, lsn]: HistoryMark): string {
  return `${at} ${lsn}\n`;
}
