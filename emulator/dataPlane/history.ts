/**
 * A branch's history, as Neon keeps it: what its data was at any moment since it began, so that a
 * branch or a snapshot can be made "as of" a past `parent_timestamp`. Postgres already writes every
 * change to its write-ahead log (WAL); the data plane keeps
 *
 * - the branch's files as they were when its database first started (`<dir>.base.tar`, taken
 *   while it ran: Postgres sees a crash image and replays the WAL from its last checkpoint; a tar
 *   written with node-tar, several times faster here than copying the thousand files as a folder),
 * - every WAL segment since (the clusters run with a `wal_keep_size` that never drops one),
 * - marks: after each message a client sends, the API's time and the durable WAL position, read at
 *   once, before anything else runs on the database (`<dir>.history`).
 *
 * A copy as of time T is the base, plus the WAL cut right after the last mark at or before T:
 * starting it, Postgres's crash recovery replays exactly the transactions committed by then.
 * Pure functions over marks and files; clusters.ts decides when.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
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

/** Whether a new mark says anything (the position moved since the last one; a read-only transaction writes no WAL). */
export function isNewMark(marks: readonly HistoryMark[], lsn: string): boolean {
  return marks.length === 0 || marks[marks.length - 1]![1] !== lsn;
}

export const baseFile = (dir: string) => `${dir}.base.tar`;
export const marksFile = (dir: string) => `${dir}.history`;

/**
 * Keeps the cluster's files as they are now as its base (its WAL segments stay in `dir`, where
 * Postgres goes on writing them) and starts its marks with `first`. The base is complete before the
 * marks file says there is history: a crash in between leaves none, and the next start begins it.
 * Segments older than the one the base's recovery starts in (its ancestors' history, carried in its
 * copy) are of no use to it any more: they go, so that they are not copied on to its children.
 */
export function beginHistory(dir: string, first: HistoryMark): void {
  const base = baseFile(dir);
  const partial = `${base}.partial`;
  const isSegment = (entry: string) => path.basename(path.dirname(entry)) === "pg_wal" && WAL_SEGMENT.test(path.basename(entry));
  tar.c({ file: partial, cwd: dir, sync: true, strict: true, portable: true, filter: (entry) => !isSegment(entry) }, ["."]);
  fs.renameSync(partial, base);
  writeFileAtomically(marksFile(dir), formatMark(first));
  for (const file of spentSegments(dir)) fs.rmSync(file, { force: true });
}

/** Appends a mark (one line: a torn last line after a crash is ignored when read). */
export function appendMark(dir: string, mark: HistoryMark): void {
  fs.appendFileSync(marksFile(dir), formatMark(mark));
}

/**
 * The cluster's marks, or undefined when it has no history yet (never started, or started before
 * history was kept). A torn last line (a crash while it was written) is cut off the file, so that
 * the next mark starts a line of its own; marks are kept only while time and position move forward.
 */
export function readHistory(dir: string): HistoryMark[] | undefined {
  if (!fs.existsSync(marksFile(dir)) || !fs.existsSync(baseFile(dir))) return undefined;
  const text = fs.readFileSync(marksFile(dir), "utf8");
  const whole = text.slice(0, text.lastIndexOf("\n") + 1);
  if (whole.length < text.length) fs.truncateSync(marksFile(dir), Buffer.byteLength(whole));
  const marks: HistoryMark[] = [];
  for (const line of whole.split("\n")) {
    const m = /^(\d+) ([0-9A-F]{1,8}\/[0-9A-F]{1,8})$/.exec(line);
    if (!m) continue;
    const mark: HistoryMark = [Number(m[1]), m[2]!];
    const last = marks[marks.length - 1];
    if (last && (mark[0] < last[0] || parseLsn(mark[1])! < parseLsn(last[1])!)) continue;
    marks.push(mark);
  }
  return marks.length > 0 ? marks : undefined;
}

export function removeHistory(dir: string): void {
  fs.rmSync(baseFile(dir), { force: true });
  fs.rmSync(`${baseFile(dir)}.partial`, { force: true });
  fs.rmSync(marksFile(dir), { force: true });
}

/**
 * Makes `to` the cluster `from` as of WAL position `lsn`: its base, and its WAL segments from the
 * one the base's recovery starts in, cut right after `lsn` (the rest of that segment zeroed, later
 * ones left out). Postgres, started on `to`, replays up to `lsn` and stops at the zeroes as at the
 * end of any WAL.
 */
export function copyAsOf(from: string, to: string, lsn: string): void {
  const position = parseLsn(lsn);
  if (position === undefined) throw new Error(`not a WAL position: ${lsn}`);
  fs.mkdirSync(to, { recursive: true });
  tar.x({ file: baseFile(from), cwd: to, sync: true, strict: true });
  const redo = recoveryStart(to);
  const toWal = path.join(to, "pg_wal");
  fs.mkdirSync(toWal, { recursive: true });
  for (const segment of walSegments(path.join(from, "pg_wal"))) {
    if (segment.end <= redo || segment.start >= position) continue;
    const bytes = fs.readFileSync(segment.file);
    if (position < segment.end) bytes.fill(0, position - segment.start);
    fs.writeFileSync(path.join(toWal, path.basename(segment.file)), bytes);
  }
}

/**
 * A filter for copying a stopped cluster's files: leaves out the WAL segments before the one its
 * recovery starts in (its history; a copy of its present does not need them).
 */
export function withoutSpentWal(dir: string): (source: string) => boolean {
  if (!fs.existsSync(path.join(dir, "global", "pg_control"))) return () => true;
  const spent = new Set(spentSegments(dir));
  return (source) => !spent.has(source);
}

/** The WAL segment files of a data folder that end before its recovery starts: nothing needs them to start it. */
function spentSegments(dataDir: string): string[] {
  const redo = recoveryStart(dataDir);
  return walSegments(path.join(dataDir, "pg_wal"))
    .filter((segment) => segment.end <= redo)
    .map((segment) => segment.file);
}

/** The WAL segment files in a `pg_wal` folder, each with the positions it holds. */
function walSegments(wal: string): { file: string; start: number; end: number }[] {
  return fs
    .readdirSync(wal)
    .filter((name) => WAL_SEGMENT.test(name))
    .map((name) => {
      const file = path.join(wal, name);
      const size = fs.statSync(file).size;
      // The name's last two halves are the segment number over 4 GiB of WAL ("log") and within it.
      const start = parseInt(name.slice(8, 16), 16) * 2 ** 32 + parseInt(name.slice(16, 24), 16) * size;
      return { file, start, end: start + size };
    });
}

/**
 * Where Postgres's recovery of a copy of these files starts: the redo position of the last
 * checkpoint in its control file (`global/pg_control`: ControlFileData's checkPointCopy.redo, a
 * little-endian 64-bit position at byte 40, after the system identifier, versions, state, time and
 * the checkpoint's own position).
 */
export function recoveryStart(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "global", "pg_control")).readBigUInt64LE(40));
}

function formatMark([at, lsn]: HistoryMark): string {
  return `${at} ${lsn}\n`;
}
