/**
 * Snapshot through Pulumi's real dynamic-provider plugin process, against the local Neon API (see
 * projectPlugin.test.ts for the model). One plugin process serves the whole file; the project whose
 * default branch is snapshotted is created through it too. The lifecycle tests share one snapshot
 * and run in order.
 */
import assert from "node:assert/strict";
import { dynamicUrn, unknownValue } from "../support/pulumiPlugin";
import {
  assertNoSecretPrinted,
  checkAndCreate,
  outsideChange,
  pluginError,
  startPluginFixtureWithProject,
  type PluginFixture,
} from "./pluginFixture";

type Props = Record<string, unknown>;

/** An instant `days` from now, to the second (Neon's precision for snapshot expiries). */
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("Snapshot through the dynamic-provider plugin", function () {
  this.timeout(20_000);

  let fx: PluginFixture;
  let projectId: string;
  let defaultBranchId: string;
  const secrets = new Set<string>();
  const errorMessages: string[] = [];
  const urn = dynamicUrn("Snapshot", "checkpoint");
  const expiresAt = daysFromNow(1);
  const snapshotNews = (extra: Props = {}): Props => ({ projectId, name: "checkpoint-1", expiresAt, __provider: fx.providers.snapshot, ...extra });
  const liveSnapshot = (id: string) => fx.neon.state().projects[projectId].snapshots[id];

  before(async () => {
    ({ fx, projectId, defaultBranchId } = await startPluginFixtureWithProject(["project", "snapshot"], "snapshots", secrets));
  });

  afterEach(() => fx?.neon.faults.clear());

  after(async () => {
    await fx?.close();
  });

  describe("check", () => {
    it("accepts valid inputs and returns them with __provider", async () => {
      const result = await fx.plugin.check(urn, {}, snapshotNews());
      assert.deepEqual(result.failures, []);
      assert.deepEqual(result.inputs, snapshotNews());
    });

    it("names the field of a bad LSN, a bad expiry and an unknown property", async () => {
      const result = await fx.plugin.check(urn, {}, snapshotNews({ lsn: "not-an-lsn", expiresAt: "tomorrow", colour: "blue" }));
      const byProperty = new Map(result.failures.map((f) => [f.property, f.reason]));
      assert.deepEqual([...byProperty.keys()].sort(), ["colour", "expiresAt", "lsn"]);
      assert.match(byProperty.get("lsn")!, /LSN such as/);
      assert.match(byProperty.get("expiresAt")!, /ISO 8601/);
      assert.match(byProperty.get("colour")!, /not a known property/);
    });

    it("names timestamp when both an LSN and a timestamp are given", async () => {
      const result = await fx.plugin.check(urn, {}, snapshotNews({ lsn: "0/1A2B3C4", timestamp: "2026-01-01T00:00:00Z" }));
      assert.deepEqual(result.failures.map((f) => f.property), ["timestamp"]);
      assert.match(result.failures[0].reason, /exclude each other/);
    });

    it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
      const result = await fx.plugin.check(urn, {}, snapshotNews({ projectId: unknownValue, lsn: unknownValue, timestamp: unknownValue }));
      assert.deepEqual(result.failures, []);
    });
  });

  describe("create → diff → update → read → delete", () => {
    let id: string;
    let inputs: Props;
    let outputs: Props;

    it("snapshots the default branch and returns the snapshot's id, LSN and source branch", async () => {
      ({ id, inputs, outputs } = await checkAndCreate(fx.plugin, urn, snapshotNews()));
      assert.match(id, /^snap-[a-z0-9-]+$/);
      const live = liveSnapshot(id);
      assert.equal(live?.name, "checkpoint-1");
      assert.equal(outputs.snapshotId, id);
      assert.equal(outputs.name, "checkpoint-1");
      assert.equal(outputs.expiresAt, expiresAt);
      assert.equal(outputs.branchId, defaultBranchId);
      assert.equal(outputs.sourceBranchId, defaultBranchId);
      assert.equal(outputs.lsn, live.lsn);
      assert.equal(outputs.__provider, fx.providers.snapshot);
    });

    it("diff: identical inputs are no change", async () => {
      assert.deepEqual(await fx.plugin.diff(id, urn, outputs, inputs), { changes: "none", replaces: [], deleteBeforeReplace: false });
    });

    it("diff: the same expiry written with milliseconds is no change", async () => {
      const withMs = expiresAt.replace(/Z$/, ".000Z");
      assert.equal((await fx.plugin.diff(id, urn, outputs, { ...inputs, expiresAt: withMs })).changes, "none");
    });

    it("diff: a new name or expiry is an update, not a replacement", async () => {
      assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, name: "checkpoint-renamed", expiresAt: daysFromNow(2) }), {
        changes: "some",
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("diff: a new LSN is a different snapshot, naming lsn, taken before the old one is deleted", async () => {
      assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, lsn: "0/1" }), {
        changes: "some",
        replaces: ["lsn"],
        deleteBeforeReplace: false,
      });
    });

    it("update renames the snapshot and moves its expiry in place", async () => {
      const later = daysFromNow(2);
      const news = (await fx.plugin.check(urn, inputs, { ...inputs, name: "checkpoint-renamed", expiresAt: later })).inputs;
      const updated = await fx.plugin.update(id, urn, outputs, news);
      assert.equal(updated.properties.snapshotId, id);
      assert.equal(updated.properties.name, "checkpoint-renamed");
      assert.equal(updated.properties.expiresAt, later);
      assert.equal(updated.properties.lsn, outputs.lsn, "the same snapshot");
      assert.equal(updated.properties.__provider, fx.providers.snapshot);
      assert.equal(liveSnapshot(id)?.name, "checkpoint-renamed");
      assert.equal(Date.parse(String(liveSnapshot(id)?.expires_at)), Date.parse(later));
      inputs = news;
      outputs = updated.properties;
      assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "none");
    });

    it("read returns the live snapshot and inputs for the declared fields", async () => {
      await outsideChange(fx.neon, "PATCH", `/projects/${projectId}/snapshots/${id}`, { snapshot: { name: "renamed-in-console" } });
      const r = await fx.plugin.read(id, urn, outputs, inputs);
      assert.equal(r.id, id);
      assert.equal(r.properties.name, "renamed-in-console");
      assert.equal(r.properties.lsn, outputs.lsn);
      assert.equal(r.properties.__provider, fx.providers.snapshot);
      assert.deepEqual(r.inputs, { projectId, name: "renamed-in-console", expiresAt: inputs.expiresAt, __provider: fx.providers.snapshot });
      outputs = r.properties;
    });

    it("delete removes the snapshot, and deleting it again succeeds", async () => {
      await fx.plugin.delete(id, urn, outputs);
      assert.equal(liveSnapshot(id), undefined);
      await fx.plugin.delete(id, urn, outputs);
    });

    it("read of a snapshot deleted behind Pulumi's back returns an empty id (gone from state)", async () => {
      const otherUrn = dynamicUrn("Snapshot", "deleted-outside");
      const other = await checkAndCreate(fx.plugin, otherUrn, snapshotNews({ name: "deleted-outside" }));
      await outsideChange(fx.neon, "DELETE", `/projects/${projectId}/snapshots/${other.id}`);
      const r = await fx.plugin.read(other.id, otherUrn, other.outputs, other.inputs);
      assert.equal(r.id, "");
    });
  });

  describe("failures", () => {
    it("refuses a child branch before asking Neon, saying to snapshot its root branch", async () => {
      const child = await outsideChange<{ branch: { id: string } }>(fx.neon, "POST", `/projects/${projectId}/branches`, { branch: { name: "child" } });
      const childId = child.body.branch.id;
      const childUrn = dynamicUrn("Snapshot", "of-child");
      const news = (await fx.plugin.check(childUrn, {}, snapshotNews({ name: "of-child", branchId: childId }))).inputs;
      const mark = fx.neon.requestLog.length;
      const err = await pluginError(fx.plugin.create(childUrn, news));
      errorMessages.push(err.details);
      assert.equal(err.initFailure, undefined, "nothing was created");
      assert.match(err.details, new RegExp(`branchId: branch ${childId} \\("child"\\) is a child of ${defaultBranchId}`));
      assert.match(err.details, /Snapshot its root branch instead/);
      assert.deepEqual(fx.neon.requestLog.slice(mark).filter((r) => r.method !== "GET"), [], "no snapshot was asked for");
    });

    it("reports a snapshot whose operations fail as ErrorResourceInitFailed with its id, and the recorded properties can delete it", async () => {
      const halfUrn = dynamicUrn("Snapshot", "half-created");
      const news = (await fx.plugin.check(halfUrn, {}, snapshotNews({ name: "half-created" }))).inputs;
      fx.neon.faults.failNextOperations(projectId, { status: "failed" });
      const err = await pluginError(fx.plugin.create(halfUrn, news));
      errorMessages.push(err.details, ...(err.initFailure?.reasons ?? []));
      assert.ok(err.initFailure, `no ErrorResourceInitFailed in ${err.message}`);
      const snapshotId = err.initFailure.id;
      assert.equal(liveSnapshot(snapshotId)?.name, "half-created", "the snapshot exists in Neon");
      assert.equal(err.initFailure.properties.snapshotId, snapshotId);
      assert.equal(err.initFailure.properties.__provider, fx.providers.snapshot);
      await fx.plugin.delete(snapshotId, halfUrn, err.initFailure.properties);
      assert.equal(liveSnapshot(snapshotId), undefined);
    });
  });

  // Last: it checks everything the plugin printed during the tests above.
  describe("diagnostics", () => {
    it("never prints the API key, a password or a connection string, nor puts one in an error", () => {
      assert.ok(errorMessages.length >= 2);
      assertNoSecretPrinted(fx.plugin, secrets, errorMessages);
    });
  });
});
