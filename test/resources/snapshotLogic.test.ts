import assert from "node:assert/strict";
import type { Snapshot } from "../../provider/client/schemas/snapshots";
import { checkInputs } from "../../provider/resources/common/check";
import { plainOutputs } from "../../provider/resources/common/plainOutputs";
import { unknownValue } from "../../provider/resources/common/unknown";
import { snapshotInputsSchema } from "../../provider/resources/snapshot/args";
import {
  adoptionMismatches,
  assertSnapshottable,
  canonicalLsn,
  immutableDeclared,
  instantToSecond,
  snapshotCreateQuery,
  snapshotDiff,
  snapshotOutputNames,
  snapshotOutputs,
  snapshotUpdateBody,
} from "../../provider/resources/snapshot/logic";

const snap = (over: Partial<Snapshot> = {}): Snapshot => ({
  id: "snap-quiet-lake-12345678",
  name: "checkpoint-1",
  created_at: "2026-03-01T10:00:00Z",
  source_branch_id: "br-main-1",
  lsn: "0/1A2B3C4",
  timestamp: "2026-03-01T10:00:00Z",
  manual: true,
  ...over,
});

describe("Snapshot policy", () => {
  describe("diff", () => {
    const olds = snapshotOutputs(snap({ expires_at: "2026-04-01T00:00:00Z" }), "proj-1", {
      projectId: "proj-1",
      name: "checkpoint-1",
      expiresAt: "2026-04-01T00:00:00Z",
    });

    it("reports no change for the same declared inputs, whatever Neon filled in besides", () => {
      assert.deepEqual(snapshotDiff(olds, { projectId: "proj-1", name: "checkpoint-1", expiresAt: "2026-04-01T00:00:00Z" }), {
        changes: false,
        replaces: [],
        changed: [],
      });
    });

    it("never compares an undeclared branchId, even when the outputs name another branch (the default branch was restored)", () => {
      const restored = { ...olds, branchId: "br-superseded-9" };
      assert.equal(snapshotDiff(restored, { projectId: "proj-1", name: "checkpoint-1" }).changes, false);
    });

    it("updates name and expiry in place", () => {
      const d = snapshotDiff(olds, { projectId: "proj-1", name: "renamed", expiresAt: "2026-05-01T00:00:00Z" });
      assert.deepEqual([d.changes, d.replaces, d.changed.sort()], [true, [], ["expiresAt", "name"]]);
    });

    it("replaces for project, declared branch, LSN and timestamp, each on its own", () => {
      for (const [field, value] of [
        ["projectId", "proj-2"],
        ["branchId", "br-other-2"],
        ["lsn", "0/FFFF"],
        ["timestamp", "2026-02-01T00:00:00Z"],
      ] as const) {
        const d = snapshotDiff(olds, { projectId: "proj-1", [field]: value });
        assert.deepEqual([d.changes, d.replaces], [true, [field]], field);
      }
    });

    it("compares timestamps as instants to the second and LSNs case-insensitively", () => {
      const d = snapshotDiff(olds, {
        projectId: "proj-1",
        expiresAt: "2026-04-01T02:00:00.400+02:00",
        timestamp: "2026-03-01T10:00:00.999Z",
        lsn: "0/1a2b3c4",
      });
      assert.equal(d.changes, false, JSON.stringify(d));
      assert.equal(instantToSecond("2026-03-01T10:00:00.999Z"), "2026-03-01T10:00:00.000Z");
      assert.equal(canonicalLsn("0/1a2b"), "0/1A2B");
    });

    it("treats an unknown (preview) value as a change, and as a replacement for replace keys", () => {
      const d = snapshotDiff(olds, { projectId: unknownValue, name: unknownValue });
      assert.deepEqual([d.replaces, d.changed.sort()], [["projectId"], ["name", "projectId"]]);
    });

    it("ignores adoptId after creation", () => {
      assert.equal(snapshotDiff(olds, { projectId: "proj-1", adoptId: "snap-other-1" }).changes, false);
    });
  });

  describe("check", () => {
    const check = (news: Record<string, unknown>) => checkInputs(snapshotInputsSchema(), news);

    it("accepts a minimal snapshot and passes __provider through", () => {
      const r = check({ projectId: "proj-1", __provider: "code" });
      assert.deepEqual(r, { inputs: { projectId: "proj-1", __provider: "code" }, failures: [] });
    });

    it("requires projectId and names bad fields", () => {
      const { failures } = check({ expiresAt: "tomorrow", lsn: "12", branchId: "BR_1" });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["branchId", "expiresAt", "lsn", "projectId"]);
      assert.match(failures.find((f) => f.property === "expiresAt")!.reason, /ISO 8601/);
      assert.match(failures.find((f) => f.property === "projectId")!.reason, /required/);
    });

    it("refuses lsn together with timestamp, naming the field", () => {
      const { failures } = check({ projectId: "proj-1", lsn: "0/1A", timestamp: "2026-03-01T10:00:00Z" });
      assert.equal(failures.length, 1);
      assert.equal(failures[0].property, "timestamp");
      assert.match(failures[0].reason, /exclude each other/);
    });

    it("rejects unknown properties", () => {
      assert.deepEqual(check({ projectId: "proj-1", expires: "x" }).failures, [{ property: "expires", reason: "is not a known property of this resource" }]);
    });

    it("lets Pulumi's unknown placeholder through, also next to the field it excludes", () => {
      assert.deepEqual(check({ projectId: unknownValue, lsn: unknownValue, timestamp: "2026-03-01T10:00:00Z", expiresAt: unknownValue }).failures, []);
    });
  });

  describe("requests", () => {
    it("creates with query parameters under Neon's names, only those declared", () => {
      assert.deepEqual(snapshotCreateQuery({ projectId: "p", branchId: "br-1", name: "n", expiresAt: "2026-04-01T00:00:00Z", lsn: "0/1" }), {
        name: "n",
        lsn: "0/1",
        expires_at: "2026-04-01T00:00:00Z",
      });
      assert.deepEqual(snapshotCreateQuery({ projectId: "p" }), {});
    });

    it("PATCHes only the declared fields that differ, comparing expiry as an instant", () => {
      const current = { name: "a", expiresAt: "2026-04-01T00:00:00Z" };
      assert.equal(snapshotUpdateBody(current, { projectId: "p", name: "a", expiresAt: "2026-04-01T00:00:00.000+00:00" }), undefined);
      assert.equal(snapshotUpdateBody(current, { projectId: "p" }), undefined);
      assert.deepEqual(snapshotUpdateBody(current, { projectId: "p", name: "b", expiresAt: "2026-04-01T00:00:00Z" }), { snapshot: { name: "b" } });
      assert.deepEqual(snapshotUpdateBody(current, { projectId: "p", expiresAt: "2026-06-01T00:00:00Z" }), { snapshot: { expires_at: "2026-06-01T00:00:00Z" } });
    });
  });

  it("refuses a child branch with a message naming it and its parent, and accepts root branches", () => {
    assert.throws(() => assertSnapshottable({ id: "br-child-1", name: "dev", parent_id: "br-main-1" }, true), /branchId: branch br-child-1 \("dev"\) is a child of br-main-1; Neon can only snapshot root branches/);
    assert.throws(() => assertSnapshottable({ id: "br-child-1", name: "dev", parent_id: "br-main-1" }, false), /the project's default branch br-child-1/);
    assert.doesNotThrow(() => assertSnapshottable({ id: "br-main-1", name: "main", parent_id: undefined }, true));
  });

  describe("outputs", () => {
    it("reports the snapshot's values, echoes declared inputs, records what was declared and holds no undefined", () => {
      const outs = plainOutputs(snapshotOutputs(snap(), "proj-1", { projectId: "proj-1", name: "checkpoint-1", timestamp: "2026-03-01T10:00:00.000+00:00", adoptId: undefined }));
      assert.deepEqual(outs, {
        projectId: "proj-1",
        branchId: "br-main-1",
        name: "checkpoint-1",
        lsn: "0/1A2B3C4",
        timestamp: "2026-03-01T10:00:00.000+00:00",
        restoreDefaultBranch: false,
        snapshotId: "snap-quiet-lake-12345678",
        createdAt: "2026-03-01T10:00:00Z",
        sourceBranchId: "br-main-1",
        __declared: ["name", "projectId", "timestamp"],
      });
      for (const k of Object.keys(outs)) if (k !== "__declared") assert.ok((snapshotOutputNames as readonly string[]).includes(k), k);
    });

    it("keeps declared LSN and timestamp on read (Neon cannot change them, only render them differently)", () => {
      const props = { lsn: "0/1a2b3c4", timestamp: "2026-03-01T10:00:00.5Z", name: "x", __declared: ["lsn", "name", "projectId", "timestamp"] };
      assert.deepEqual(immutableDeclared(props), { lsn: "0/1a2b3c4", timestamp: "2026-03-01T10:00:00.5Z" });
      assert.deepEqual(immutableDeclared({ lsn: "0/1", __declared: ["projectId"] }), {});
    });
  });

  it("names each declared field an adopted snapshot does not match", () => {
    const problems = adoptionMismatches(snap(), { projectId: "p", branchId: "br-x", lsn: "0/1a2b3c4", timestamp: "2026-01-01T00:00:00Z" });
    assert.deepEqual(problems.map((p) => p.split(":")[0]), ["branchId", "timestamp"]);
  });
});
