/**
 * The pure parts of the data plane's history (emulator/dataPlane/history.ts): which WAL position a
 * moment maps to, what the base keeps, how a copy's WAL is cut, what survives a torn marks file.
 * No Postgres here: the suite in test/dataPlane/history.test.ts proves the whole on real data.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { appendMark, baseFile, beginHistory, copyAsOf, isNewMark, lsnAsOf, marksFile, readHistory, recoveryStart, removeHistory, type HistoryMark } from "../../emulator/dataPlane/history";

describe("the data plane's history", () => {
  const marks: HistoryMark[] = [
    [1_000, "0/1000"],
    [2_000, "0/2000"],
    [3_000, "0/2000"],
    [4_000, "0/3000"],
  ];

  it("maps a moment to the last mark at or before it, and one before the first to the first", () => {
    assert.equal(lsnAsOf(marks, 500), "0/1000");
    assert.equal(lsnAsOf(marks, 1_000), "0/1000");
    assert.equal(lsnAsOf(marks, 1_999), "0/1000");
    assert.equal(lsnAsOf(marks, 3_500), "0/2000");
    assert.equal(lsnAsOf(marks, 9_000), "0/3000");
  });

  it("keeps a mark only when the position moved", () => {
    assert.equal(isNewMark([], "0/1"), true);
    assert.equal(isNewMark(marks, "0/3000"), false);
    assert.equal(isNewMark(marks, "0/3008"), true);
  });

  describe("on files", () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "history-unit-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const segment = (fill: number, size = 64) => Buffer.alloc(size, fill);
    /** Segments of 64 bytes: segment n holds positions 0x40·n to 0x40·n + 0x3F. */
    const makeCluster = (dir: string, redo = 0x50) => {
      fs.mkdirSync(path.join(dir, "pg_wal", "archive_status"), { recursive: true });
      fs.mkdirSync(path.join(dir, "global"));
      const control = Buffer.alloc(64);
      control.writeBigUInt64LE(BigInt(redo), 40); // checkPointCopy.redo
      fs.writeFileSync(path.join(dir, "global", "pg_control"), control);
      fs.writeFileSync(path.join(dir, "PG_VERSION"), "18\n");
      fs.writeFileSync(path.join(dir, "pg_wal", "000000010000000000000000"), segment(9)); // an ancestor's, before the redo
      fs.writeFileSync(path.join(dir, "pg_wal", "000000010000000000000001"), segment(1));
      fs.writeFileSync(path.join(dir, "pg_wal", "000000010000000000000002"), segment(2));
    };

    it("keeps a base without WAL segments, and drops the segments before its recovery starts", () => {
      const dir = path.join(root, "branch");
      makeCluster(dir);
      beginHistory(dir, [1_000, "0/58"]);
      const entries: string[] = [];
      tar.t({ file: baseFile(dir), sync: true, onReadEntry: (entry) => entries.push(entry.path) });
      assert.deepEqual(entries.sort(), ["./", "./PG_VERSION", "./global/", "./global/pg_control", "./pg_wal/", "./pg_wal/archive_status/"]);
      assert.equal(recoveryStart(dir), 0x50);
      assert.deepEqual(fs.readdirSync(path.join(dir, "pg_wal")).sort(), ["000000010000000000000001", "000000010000000000000002", "archive_status"]);
    });

    it("reads marks whole after a torn last line, and the marks appended after it too", () => {
      const dir = path.join(root, "branch");
      makeCluster(dir);
      beginHistory(dir, [1_000, "0/58"]);
      appendMark(dir, [2_000, "0/88"]);
      fs.appendFileSync(marksFile(dir), "3000 0/9"); // a crash in the middle of a line
      assert.deepEqual(readHistory(dir), [
        [1_000, "0/58"],
        [2_000, "0/88"],
      ]);
      // The next run appends after what was read: its marks count.
      appendMark(dir, [4_000, "0/A0"]);
      assert.deepEqual(readHistory(dir), [
        [1_000, "0/58"],
        [2_000, "0/88"],
        [4_000, "0/A0"],
      ]);
      // A mark that goes back in time or position is not taken.
      fs.appendFileSync(marksFile(dir), "3500 0/B0\n5000 0/90\n6000 0/B8\n");
      assert.deepEqual(readHistory(dir)!.map(([at]) => at), [1_000, 2_000, 4_000, 6_000]);
      removeHistory(dir);
      assert.equal(readHistory(dir), undefined);
      assert.equal(fs.existsSync(baseFile(dir)), false);
    });

    it("has no history without its base (a crash before the base was whole)", () => {
      const dir = path.join(root, "branch");
      makeCluster(dir);
      fs.writeFileSync(marksFile(dir), "1000 0/40\n");
      assert.equal(readHistory(dir), undefined);
    });

    it("copies the base and cuts the WAL right after the position: the rest of its segment zeroed, later segments left out", () => {
      const from = path.join(root, "parent");
      makeCluster(from);
      beginHistory(from, [1_000, "0/58"]);
      fs.writeFileSync(path.join(from, "pg_wal", "000000010000000000000000"), segment(9)); // as if an ancestor's came back: not copied
      fs.writeFileSync(path.join(from, "pg_wal", "000000010000000000000003"), segment(3));
      const to = path.join(root, "child");
      // Segment 2 holds positions 0x80-0xBF; cut after 0x90.
      copyAsOf(from, to, "0/90");
      const wal = path.join(to, "pg_wal");
      assert.deepEqual(fs.readdirSync(wal).sort(), ["000000010000000000000001", "000000010000000000000002", "archive_status"]);
      assert.deepEqual(fs.readFileSync(path.join(wal, "000000010000000000000001")), segment(1));
      assert.deepEqual(fs.readFileSync(path.join(wal, "000000010000000000000002")), Buffer.concat([Buffer.alloc(0x10, 2), Buffer.alloc(0x30, 0)]));
      assert.equal(fs.readFileSync(path.join(to, "PG_VERSION"), "utf8"), "18\n");
      // A position at a segment's start: that segment is left out whole.
      const atBoundary = path.join(root, "boundary");
      copyAsOf(from, atBoundary, "0/80");
      assert.deepEqual(fs.readdirSync(path.join(atBoundary, "pg_wal")).sort(), ["000000010000000000000001", "archive_status"]);
    });
  });
});
