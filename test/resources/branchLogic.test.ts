import assert from "node:assert/strict";
import type { Branch } from "../../provider/client/schemas/branches";
import * as branch from "../../provider/resources/branch/lifecycle";
import {
  branchCreateBody,
  branchDeleteRefusal,
  branchDiff,
  branchOutputs,
  branchReadOutputs,
  branchRestoreBody,
  branchUpdateBody,
  intendedExpiry,
  toRfc3339Seconds,
} from "../../provider/resources/branch/logic";
import { liveInputs } from "../../provider/resources/common/declared";
import { plainOutputs } from "../../provider/resources/common/plainOutputs";
import { unknownValue } from "../../provider/resources/common/unknown";

const now = Date.parse("2026-03-01T10:00:00.750Z");

function neonBranch(over: Partial<Branch> = {}): Branch {
  return {
    id: "br-quiet-sun-123456",
    project_id: "proj-1",
    name: "preview-1",
    parent_id: "br-main-000001",
    parent_lsn: "0/1A2B3C4",
    parent_timestamp: "2026-03-01T09:59:00Z",
    current_state: "ready",
    default: false,
    protected: false,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-01T10:00:00Z",
    init_source: "parent-data",
    ...over,
  };
}

describe("Branch policy", () => {
  describe("diff", () => {
    const olds = branchOutputs(neonBranch({ expires_at: "2026-03-02T10:00:00Z" }), {
      projectId: "proj-1",
      parentId: "br-main-000001",
      name: "preview-1",
      ttlSeconds: 86400,
    });

    it("reports no change for the same declared inputs, whatever Neon filled in besides", () => {
      const d = branchDiff(olds, { projectId: "proj-1", parentId: "br-main-000001", name: "preview-1", ttlSeconds: 86400 });
      assert.deepEqual(d, { changes: false, replaces: [], changed: [] });
    });

    it("ignores fields the user no longer declares instead of replacing or resetting them", () => {
      assert.equal(branchDiff(olds, { projectId: "proj-1" }).changes, false);
    });

    for (const [field, value] of [
      ["projectId", "proj-2"],
      ["parentId", "br-other-000002"],
      ["parentLsn", "0/FFFFFF"],
      ["parentTimestamp", "2026-03-01T09:00:00Z"],
      ["restoreFromSnapshotId", "snap-1"],
      ["initSource", "schema-only"],
    ] as const) {
      it(`replaces the branch (deleting it first: names are unique) when ${field} changes`, () => {
        const d = branchDiff(olds, { projectId: "proj-1", [field]: value });
        assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, [field], true]);
      });
    }

    for (const [field, value] of [
      ["name", "preview-2"],
      ["protected", true],
      ["expiresAt", "2026-03-05T00:00:00Z"],
      ["expiresAt", null],
      ["ttlSeconds", 3600],
    ] as const) {
      it(`updates in place when ${field} changes to ${JSON.stringify(value)}`, () => {
        const d = branchDiff(olds, { projectId: "proj-1", [field]: value });
        assert.deepEqual([d.changes, d.replaces, d.changed, d.deleteBeforeReplace], [true, [], [field], undefined]);
      });
    }

    it("compares timestamps as instants and expiries to the second", () => {
      const declared = { projectId: "proj-1", parentTimestamp: "2026-03-01T11:59:00+02:00", expiresAt: "2026-03-02T12:00:00.400+02:00" };
      const outs = branchOutputs(neonBranch({ expires_at: "2026-03-02T10:00:00Z" }), declared);
      assert.equal(branchDiff(outs, { ...declared, parentTimestamp: "2026-03-01T09:59:00.000Z", expiresAt: "2026-03-02T10:00:00Z" }).changes, false);
      assert.equal(branchDiff(outs, { ...declared, expiresAt: "2026-03-02T10:00:01Z" }).changes, true);
    });

    it("compares LSNs without regard to hex case", () => {
      assert.equal(branchDiff(olds, { projectId: "proj-1", parentLsn: "0/1a2b3c4" }).changes, false);
    });

    it("sees a declared 'no expiry' as equal to a branch without one, and a removed expiry as a change", () => {
      const outs = branchOutputs(neonBranch(), { projectId: "proj-1", expiresAt: null });
      assert.equal(branchDiff(outs, { projectId: "proj-1", expiresAt: null }).changes, false);
      const refreshed = branchOutputs(neonBranch(), undefined);
      assert.equal(refreshed.expiresAt, null);
      assert.equal(branchDiff(refreshed, { projectId: "proj-1", expiresAt: "2026-03-05T00:00:00Z" }).changes, true);
    });

    it("treats an unknown (preview) value as a change, and as a replace for replace keys", () => {
      const d = branchDiff(olds, { projectId: unknownValue, name: unknownValue });
      assert.deepEqual(d.replaces, ["projectId"]);
      assert.deepEqual(d.changed.sort(), ["name", "projectId"]);
      assert.equal(d.deleteBeforeReplace, true);
    });

    it("never compares adoptId (it is read at create only)", () => {
      assert.equal(branchDiff({ ...olds, adoptId: "br-a" }, { projectId: "proj-1", adoptId: "br-b" }).changes, false);
    });
  });

  describe("check", () => {
    const check = async (news: Record<string, unknown>) => (await branch.check({}, news)).failures;
    const properties = async (news: Record<string, unknown>) => (await check(news)).map((f) => f.property);

    it("requires projectId and names the field and the reason for bad values", async () => {
      const failures = await check({ parentLsn: "12345", ttlSeconds: 0, initSource: "empty", expiresAt: "tomorrow" });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["expiresAt", "initSource", "parentLsn", "projectId", "ttlSeconds"]);
      assert.match(failures.find((f) => f.property === "projectId")!.reason, /required/);
      assert.match(failures.find((f) => f.property === "expiresAt")!.reason, /RFC 3339/);
    });

    it("refuses a TTL beyond Neon's 30 days", async () => {
      assert.deepEqual(await properties({ projectId: "p", ttlSeconds: 2592001 }), ["ttlSeconds"]);
      assert.deepEqual(await check({ projectId: "p", ttlSeconds: 2592000 }), []);
    });

    it("rejects unknown properties", async () => {
      assert.deepEqual((await check({ projectId: "p", parent: "br-x" })).map((f) => `${f.property}: ${f.reason}`), ["parent: is not a known property of this resource"]);
    });

    it("refuses expiresAt together with ttlSeconds", async () => {
      const failures = await check({ projectId: "p", expiresAt: "2026-03-02T00:00:00Z", ttlSeconds: 60 });
      assert.deepEqual(failures.map((f) => f.property), ["ttlSeconds"]);
      assert.match(failures[0].reason, /cannot be combined with expiresAt/);
    });

    it("refuses an LSN together with a timestamp", async () => {
      assert.deepEqual(await properties({ projectId: "p", parentLsn: "0/1", parentTimestamp: "2026-03-01T00:00:00Z" }), ["parentTimestamp"]);
    });

    it("refuses parent options with a snapshot restore, and creation options with adoptId", async () => {
      assert.deepEqual(
        await properties({ projectId: "p", restoreFromSnapshotId: "snap-1", parentId: "br-x", initSource: "schema-only" }),
        ["parentId", "initSource"],
      );
      assert.deepEqual(await properties({ projectId: "p", adoptId: "br-x", parentTimestamp: "2026-03-01T00:00:00Z" }), ["parentTimestamp"]);
      assert.deepEqual(await check({ projectId: "p", adoptId: "br-x", protected: true, name: "main" }), []);
    });

    it("lets Pulumi's unknown placeholder through in any field, also in the either-or rules", async () => {
      assert.deepEqual(await check({ projectId: unknownValue, ttlSeconds: unknownValue, expiresAt: unknownValue, protected: unknownValue, parentLsn: unknownValue, parentTimestamp: "2026-03-01T00:00:00Z" }), []);
    });

    it("accepts null for expiresAt (no expiry)", async () => {
      assert.deepEqual(await check({ projectId: "p", expiresAt: null }), []);
    });
  });

  describe("expiry", () => {
    it("turns a TTL into an expiry at Neon's precision (whole seconds, UTC)", () => {
      assert.equal(intendedExpiry({ ttlSeconds: 3600 }, now), "2026-03-01T11:00:00Z");
      assert.equal(intendedExpiry({ expiresAt: "2026-03-02T12:00:00.999+02:00" }, now), "2026-03-02T10:00:00Z");
      assert.equal(intendedExpiry({ expiresAt: null }, now), null);
      assert.equal(intendedExpiry({}, now), undefined);
      assert.equal(toRfc3339Seconds("2026-03-01T10:00:00.750Z"), "2026-03-01T10:00:00Z");
    });

    it("never moves the expiry of an unchanged TTL, however much later the next up runs", () => {
      const outs = branchOutputs(neonBranch({ expires_at: "2026-03-01T11:00:00Z" }), { projectId: "proj-1", ttlSeconds: 3600 });
      assert.equal(branchUpdateBody(outs, { projectId: "proj-1", ttlSeconds: 3600 }, now + 10 * 86400_000), undefined);
      assert.equal(branchUpdateBody(outs, { projectId: "proj-1", ttlSeconds: 3600, protected: true }, now + 5000)?.branch.expires_at, undefined);
    });

    it("sets a new expiry (now + ttl) when the TTL value changes, or when switching from expiresAt to a TTL", () => {
      const outs = branchOutputs(neonBranch({ expires_at: "2026-03-01T11:00:00Z" }), { projectId: "proj-1", ttlSeconds: 3600 });
      assert.deepEqual(branchUpdateBody(outs, { projectId: "proj-1", ttlSeconds: 7200 }, now), { branch: { expires_at: "2026-03-01T12:00:00Z" } });
      const fixed = branchOutputs(neonBranch({ expires_at: "2026-03-04T00:00:00Z" }), { projectId: "proj-1", expiresAt: "2026-03-04T00:00:00Z" });
      assert.deepEqual(branchUpdateBody(fixed, { projectId: "proj-1", ttlSeconds: 60 }, now), { branch: { expires_at: "2026-03-01T10:01:00Z" } });
    });
  });

  describe("request bodies", () => {
    it("creates with Neon's field names and only what was declared", () => {
      assert.deepEqual(
        branchCreateBody(
          { projectId: "proj-1", parentId: "br-p", name: "dev", parentTimestamp: "2026-03-01T09:00:00Z", protected: true, initSource: "parent-data", ttlSeconds: 60 },
          now,
        ),
        {
          branch: {
            parent_id: "br-p",
            name: "dev",
            parent_timestamp: "2026-03-01T09:00:00Z",
            protected: true,
            init_source: "parent-data",
            expires_at: "2026-03-01T10:01:00Z",
          },
        },
      );
      assert.deepEqual(branchCreateBody({ projectId: "proj-1" }, now), { branch: {} });
      assert.deepEqual(branchCreateBody({ projectId: "proj-1", parentLsn: "0/1", expiresAt: null }, now), { branch: { parent_lsn: "0/1" } });
    });

    it("restores a snapshot to a new branch without finalizing, targeted at the current default branch", () => {
      assert.deepEqual(branchRestoreBody({ projectId: "proj-1", restoreFromSnapshotId: "snap-1", name: "from-snap", protected: true }, "br-main-2"), {
        name: "from-snap",
        finalize_restore: false,
        target_branch_id: "br-main-2",
      });
      assert.deepEqual(branchRestoreBody({ projectId: "proj-1", restoreFromSnapshotId: "snap-1" }, "br-main-2"), { finalize_restore: false, target_branch_id: "br-main-2" });
    });

    it("PATCHes only declared fields that changed, never server-owned values", () => {
      const outs = branchOutputs(neonBranch({ expires_at: "2026-03-04T00:00:00Z" }), { projectId: "proj-1", name: "preview-1", expiresAt: "2026-03-04T00:00:00Z" });
      assert.equal(branchUpdateBody(outs, { projectId: "proj-1", name: "preview-1", expiresAt: "2026-03-04T02:00:00+02:00" }, now), undefined);
      assert.deepEqual(branchUpdateBody(outs, { projectId: "proj-1", name: "renamed", protected: false, expiresAt: null }, now), {
        branch: { name: "renamed", expires_at: null },
      });
      assert.deepEqual(branchUpdateBody(outs, { projectId: "proj-1", protected: true }, now), { branch: { protected: true } });
    });
  });

  describe("outputs", () => {
    it("echo the declared inputs, add Neon's values and never contain undefined", () => {
      const outs = plainOutputs(
        branchOutputs(neonBranch({ restored_from: "snap-1", parent_id: undefined }), { projectId: "proj-1", restoreFromSnapshotId: "snap-1", ttlSeconds: 60, protected: false }),
      );
      assert.deepEqual(outs, {
        projectId: "proj-1",
        parentLsn: "0/1A2B3C4",
        parentTimestamp: "2026-03-01T09:59:00Z",
        restoreFromSnapshotId: "snap-1",
        initSource: "parent-data",
        name: "preview-1",
        protected: false,
        expiresAt: null,
        ttlSeconds: 60,
        branchId: "br-quiet-sun-123456",
        defaultBranch: false,
        currentState: "ready",
        createdAt: "2026-03-01T10:00:00Z",
        restoredFrom: "snap-1",
        __declared: ["projectId", "protected", "restoreFromSnapshotId", "ttlSeconds"],
      });
    });

    it("on read keep the declared creation-time fields (Neon re-parenting a branch is no reason to replace it) and the TTL", () => {
      const declared = { projectId: "proj-1", parentId: "br-main-000001", name: "preview-1", ttlSeconds: 3600, adoptId: "br-quiet-sun-123456" };
      const outs = branchOutputs(neonBranch({ expires_at: "2026-03-01T11:00:00Z" }), declared);
      const moved = neonBranch({ parent_id: "br-main_old-000009", name: "renamed-in-console", expires_at: "2026-03-01T11:00:00Z" });
      const read = branchReadOutputs(moved, outs);
      assert.equal(read.parentId, "br-main-000001");
      assert.equal(read.name, "renamed-in-console");
      assert.equal(read.ttlSeconds, 3600);
      assert.equal(read.adoptId, "br-quiet-sun-123456");
      assert.deepEqual(liveInputs(outs, read), { adoptId: "br-quiet-sun-123456", name: "renamed-in-console", parentId: "br-main-000001", projectId: "proj-1", ttlSeconds: 3600 });
      assert.equal(branchDiff(read, declared).changed.join(), "name", "only the rename is drift to correct");
    });
  });

  describe("delete refusals", () => {
    it("say which rule stopped the delete and what to do", () => {
      assert.match(branchDeleteRefusal(neonBranch({ protected: true }), [], "x"), /is protected: unprotect it first \(set `protected: false`/);
      assert.match(branchDeleteRefusal(neonBranch(), [{ id: "br-a" }, { id: "br-b" }], "x"), /delete child branches br-a, br-b first/);
      assert.match(branchDeleteRefusal(neonBranch({ default: true }), [], "x"), /default branch.*make another branch the default first.*adoptId/);
      const both = branchDeleteRefusal(neonBranch({ protected: true }), [{ id: "br-a" }], "x");
      assert.match(both, /child branches.*; and it is protected/);
      assert.equal(branchDeleteRefusal(neonBranch(), [], "some other reason"), 'Neon refused to delete branch br-quiet-sun-123456 ("preview-1"): some other reason');
    });
  });
});
