/**
 * The pure parts of the data plane's history (emulator/dataPlane/history.ts, wire.ts): which WAL
 * position a moment maps to, how a copy's WAL is cut, what survives a torn marks file, and how the
 * front tells from the server's bytes that a transaction has ended. No Postgres here: the suite in
 * test/dataPlane/history.test.ts proves the whole on real data.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { appendMark, baseDir, beginHistory, changedAfter, copyAsOf, isNewMark, lsnAsOf, marksFile, readHistory, removeHistory, type HistoryMark } from "../../emulator/dataPlane/history";
import { IdleWatcher } from "../../emulator/dataPlane/wire";

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

  it("says whether the data changed after a moment (a mark with another position after it)", () => {
    assert.equal(changedAfter(marks, 1_500), true);
    assert.equal(changedAfter(marks, 2_500), true);
    assert.equal(changedAfter(marks, 4_000), false);
    assert.equal(changedAfter([[1_000, "0/1000"], [2_000, "0/1000"]], 1_500), false, "a later mark at the same position changes nothing");
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
    const makeCluster = (dir: string) => {
      fs.mkdirSync(path.join(dir, "pg_wal", "archive_status"), { recursive: true });
      fs.writeFileSync(path.join(dir, "PG_VERSION"), "18\n");
      fs.writeFileSync(path.join(dir, "pg_wal", "000000010000000000000001"), segment(1));
      fs.writeFileSync(path.join(dir, "pg_wal", "000000010000000000000002"), segment(2));
    };

    it("keeps a base without WAL segments, and marks that a torn last line does not spoil", () => {
      const dir = path.join(root, "branch");
      makeCluster(dir);
      beginHistory(dir, [1_000, "0/40"]);
      assert.deepEqual(fs.readdirSync(path.join(baseDir(dir), "pg_wal")), ["archive_status"]);
      assert.equal(fs.readFileSync(path.join(baseDir(dir), "PG_VERSION"), "utf8"), "18\n");
      appendMark(dir, [2_000, "0/88"]);
      fs.appendFileSync(marksFile(dir), "3000 0/9"); // a crash in the middle of a line
      assert.deepEqual(readHistory(dir), [
        [1_000, "0/40"],
        [2_000, "0/88"],
      ]);
      removeHistory(dir);
      assert.equal(readHistory(dir), undefined);
      assert.equal(fs.existsSync(baseDir(dir)), false);
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
      beginHistory(from, [1_000, "0/40"]);
      fs.writeFileSync(path.join(from, "pg_wal", "000000010000000000000003"), segment(3));
      const to = path.join(root, "child");
      // Segments of 64 bytes here: segment 2 holds positions 0x80-0xBF; cut after 0x90.
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

describe("the front's watch for ended transactions", () => {
  const message = (type: string, body: Buffer | string) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const head = Buffer.alloc(5);
    head.write(type, 0, "ascii");
    head.writeInt32BE(4 + bytes.length, 1);
    return Buffer.concat([head, bytes]);
  };
  const ready = (status: "I" | "T" | "E") => message("Z", status);
  const commandComplete = message("C", "INSERT 0 1\0");
  // A DataRow whose bytes hold a 'Z' followed by an 'I': inside a message, it is data.
  const dataRow = message("D", Buffer.from([0, 1, 0, 0, 0, 5, 0x5a, 0, 0, 0, 5]));

  it("sees a ReadyForQuery saying idle, not one inside a transaction or a failed one", () => {
    assert.equal(new IdleWatcher().endsTransaction(Buffer.concat([commandComplete, ready("I")])), true);
    assert.equal(new IdleWatcher().endsTransaction(Buffer.concat([commandComplete, ready("T")])), false);
    assert.equal(new IdleWatcher().endsTransaction(Buffer.concat([commandComplete, ready("E")])), false);
  });

  it("is not fooled by the bytes of a row", () => {
    const watcher = new IdleWatcher();
    assert.equal(watcher.endsTransaction(Buffer.concat([dataRow, message("D", "ZI")])), false);
    assert.equal(watcher.endsTransaction(ready("I")), true);
  });

  it("follows messages split across chunks at every byte", () => {
    const stream = Buffer.concat([commandComplete, dataRow, ready("T"), commandComplete, ready("I")]);
    for (let cut = 1; cut < stream.length; cut += 1) {
      const watcher = new IdleWatcher();
      const first = watcher.endsTransaction(stream.subarray(0, cut));
      const second = watcher.endsTransaction(stream.subarray(cut));
      assert.deepEqual([first, second], [false, true], `cut at ${cut}`);
    }
    const watcher = new IdleWatcher();
    const byByte = [...stream].map((b) => watcher.endsTransaction(Buffer.from([b])));
    assert.deepEqual(byByte.flatMap((idle, i) => (idle ? [i] : [])), [stream.length - 1]);
  });
});
