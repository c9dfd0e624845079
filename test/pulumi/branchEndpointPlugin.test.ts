/**
 * Branch and Endpoint through Pulumi's real dynamic-provider plugin process, against the local Neon
 * API: the installed `__provider`, the gRPC protocol mapping and the provider code together, as the
 * engine drives them during `pulumi up`, `refresh` and `destroy` (see projectPlugin.test.ts for the
 * model and ../shared/notes/pulumi-dynamic-providers.md §2.2 for what each RPC does).
 *
 * One plugin process serves the whole file; the NeonProject both resources live in is created
 * through it too, as in a stack. The tests of each lifecycle share one resource and run in order.
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

describe("Branch and Endpoint through the dynamic-provider plugin", function () {
  this.timeout(20_000);

  let fx: PluginFixture;
  let projectId: string;
  let defaultBranchId: string;
  /** Every secret the stack handled, and every error message the engine would show, for the "never printed" check. */
  const secrets = new Set<string>();
  const errorMessages: string[] = [];

  before(async () => {
    ({ fx, projectId, defaultBranchId } = await startPluginFixtureWithProject(["project", "branch", "endpoint"], "branches-and-computes", secrets));
  });

  afterEach(() => fx?.neon.faults.clear());

  after(async () => {
    await fx?.close();
  });

  const liveBranch = (id: string) => fx.neon.state().projects[projectId].branches[id]?.branch;
  const liveEndpoint = (id: string) => fx.neon.state().projects[projectId].endpoints[id];

  describe("Branch", () => {
    const urn = dynamicUrn("Branch", "dev");
    const branchNews = (extra: Props = {}): Props => ({ projectId, name: "dev", protected: false, __provider: fx.providers.branch, ...extra });

    describe("check", () => {
      it("accepts valid inputs and returns them with __provider", async () => {
        const result = await fx.plugin.check(urn, {}, branchNews());
        assert.deepEqual(result.failures, []);
        assert.deepEqual(result.inputs, branchNews());
      });

      it("names the field of an invalid project id, an out-of-range TTL and an unknown property", async () => {
        const result = await fx.plugin.check(urn, {}, branchNews({ projectId: "Not A Project!", ttlSeconds: 0, colour: "blue" }));
        const byProperty = new Map(result.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual([...byProperty.keys()].sort(), ["colour", "projectId", "ttlSeconds"]);
        assert.match(byProperty.get("projectId")!, /Neon project id/);
        assert.match(byProperty.get("ttlSeconds")!, /≥ 1/);
        assert.match(byProperty.get("colour")!, /not a known property/);
      });

      it("names the field of inputs that cannot be combined", async () => {
        const result = await fx.plugin.check(urn, {}, branchNews({ parentLsn: "0/1F2A3B8", parentTimestamp: "2026-01-01T00:00:00Z" }));
        assert.deepEqual(result.failures.map((f) => f.property), ["parentTimestamp"]);
        assert.match(result.failures[0].reason, /parentLsn/);
      });

      it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
        const result = await fx.plugin.check(urn, {}, branchNews({ projectId: unknownValue, protected: unknownValue, ttlSeconds: unknownValue }));
        assert.deepEqual(result.failures, []);
      });
    });

    describe("create → diff → update → read → delete", () => {
      let id: string;
      let inputs: Props;
      let outputs: Props;

      it("creates the branch from the default branch and returns its id and outputs", async () => {
        ({ id, inputs, outputs } = await checkAndCreate(fx.plugin, urn, branchNews()));
        assert.match(id, /^br-[a-z0-9-]+$/);
        assert.equal(outputs.branchId, id);
        assert.equal(outputs.projectId, projectId);
        assert.equal(outputs.name, "dev");
        assert.equal(outputs.protected, false);
        assert.equal(outputs.parentId, defaultBranchId);
        assert.equal(outputs.defaultBranch, false);
        assert.equal(outputs.currentState, "ready");
        assert.equal(outputs.__provider, fx.providers.branch);
        assert.equal(liveBranch(id)?.name, "dev");
      });

      it("diff: identical inputs are no change", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, inputs), { changes: "none", replaces: [], deleteBeforeReplace: false });
      });

      it("diff: a new name or protection is an update, not a replacement", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, name: "dev-2", protected: true }), {
          changes: "some",
          replaces: [],
          deleteBeforeReplace: false,
        });
      });

      it("diff: a new init source replaces the branch, naming initSource, deleting the old one first (names are unique)", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, initSource: "schema-only" }), {
          changes: "some",
          replaces: ["initSource"],
          deleteBeforeReplace: true,
        });
      });

      it("update renames and protects the branch in place", async () => {
        const news = (await fx.plugin.check(urn, inputs, { ...inputs, name: "dev-renamed", protected: true })).inputs;
        const updated = await fx.plugin.update(id, urn, outputs, news);
        assert.equal(updated.properties.branchId, id);
        assert.equal(updated.properties.name, "dev-renamed");
        assert.equal(updated.properties.protected, true);
        assert.equal(updated.properties.__provider, fx.providers.branch);
        assert.equal(liveBranch(id)?.name, "dev-renamed");
        assert.equal(liveBranch(id)?.protected, true);
        inputs = news;
        outputs = updated.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "none");
      });

      it("delete of the protected branch fails, saying it is protected and how to unprotect it", async () => {
        const err = await pluginError(fx.plugin.delete(id, urn, outputs));
        errorMessages.push(err.details);
        assert.match(err.details, new RegExp(`branch ${id} \\("dev-renamed"\\)`));
        assert.match(err.details, /it is protected: unprotect it first \(set `protected: false` and run `pulumi up`\), then delete it/);
        assert.ok(liveBranch(id), "the branch is still there");
      });

      it("read returns the live branch and inputs for the declared fields", async () => {
        await outsideChange(fx.neon, "PATCH", `/projects/${projectId}/branches/${id}`, { branch: { name: "renamed-in-console" } });
        const r = await fx.plugin.read(id, urn, outputs, inputs);
        assert.equal(r.id, id);
        assert.equal(r.properties.name, "renamed-in-console");
        assert.equal(r.properties.parentId, defaultBranchId);
        assert.equal(r.properties.__provider, fx.providers.branch);
        assert.deepEqual(r.inputs, { projectId, name: "renamed-in-console", protected: true, __provider: fx.providers.branch });
        outputs = r.properties;
      });

      it("after unprotecting it, delete removes the branch, and deleting it again succeeds", async () => {
        const news = (await fx.plugin.check(urn, inputs, { ...inputs, name: "dev-renamed", protected: false })).inputs;
        const diff = await fx.plugin.diff(id, urn, outputs, news);
        assert.deepEqual([diff.changes, diff.replaces], ["some", []]);
        outputs = (await fx.plugin.update(id, urn, outputs, news)).properties;
        assert.equal(liveBranch(id)?.protected, false);
        assert.equal(liveBranch(id)?.name, "dev-renamed", "the drift was corrected");
        await fx.plugin.delete(id, urn, outputs);
        assert.equal(liveBranch(id), undefined);
        await fx.plugin.delete(id, urn, outputs);
      });

      it("read of a branch deleted behind Pulumi's back returns an empty id (gone from state)", async () => {
        const other = await checkAndCreate(fx.plugin, dynamicUrn("Branch", "deleted-outside"), branchNews({ name: "deleted-outside" }));
        await outsideChange(fx.neon, "DELETE", `/projects/${projectId}/branches/${other.id}`);
        const r = await fx.plugin.read(other.id, dynamicUrn("Branch", "deleted-outside"), other.outputs, other.inputs);
        assert.equal(r.id, "");
      });
    });

    describe("partial create", () => {
      it("reports a branch whose operations fail as ErrorResourceInitFailed with its id, and the recorded properties can delete it", async () => {
        const branchUrn = dynamicUrn("Branch", "half-created");
        const news = (await fx.plugin.check(branchUrn, {}, branchNews({ name: "half-created" }))).inputs;
        fx.neon.faults.failNextOperations(projectId, { status: "failed" });
        const err = await pluginError(fx.plugin.create(branchUrn, news));
        errorMessages.push(err.details, ...(err.initFailure?.reasons ?? []));
        assert.ok(err.initFailure, `no ErrorResourceInitFailed in ${err.message}`);
        const branchId = err.initFailure.id;
        assert.match(branchId, /^br-/);
        assert.equal(liveBranch(branchId)?.name, "half-created", "the branch exists in Neon");
        assert.equal(err.initFailure.properties.branchId, branchId);
        assert.equal(err.initFailure.properties.projectId, projectId);
        assert.match(err.details, new RegExp(`Neon branch ${branchId} was created, but finishing it failed`));
        // `destroy` right after the failure runs the `__provider` found in the recorded outputs.
        assert.equal(err.initFailure.properties.__provider, fx.providers.branch);
        await fx.plugin.delete(branchId, branchUrn, err.initFailure.properties);
        assert.equal(liveBranch(branchId), undefined);
      });
    });
  });

  describe("Endpoint", () => {
    const urn = dynamicUrn("Endpoint", "replica");
    const endpointNews = (extra: Props = {}): Props => ({
      projectId,
      type: "read_only",
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 1,
      __provider: fx.providers.endpoint,
      ...extra,
    });

    describe("check", () => {
      it("accepts valid inputs and returns them with __provider", async () => {
        const result = await fx.plugin.check(urn, {}, endpointNews());
        assert.deepEqual(result.failures, []);
        assert.deepEqual(result.inputs, endpointNews());
      });

      it("names the field of a bad type, a minimum above the maximum, a bad suspend timeout and an unknown property", async () => {
        const bad = await fx.plugin.check(urn, {}, endpointNews({ type: "primary", size: "large" }));
        const badByProperty = new Map(bad.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual([...badByProperty.keys()].sort(), ["size", "type"]);
        assert.match(badByProperty.get("type")!, /read_write/);
        assert.match(badByProperty.get("size")!, /not a known property/);

        const combined = await fx.plugin.check(urn, {}, endpointNews({ autoscalingLimitMinCu: 4, suspendTimeoutSeconds: 30 }));
        const byProperty = new Map(combined.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual([...byProperty.keys()].sort(), ["autoscalingLimitMinCu", "suspendTimeoutSeconds"]);
        assert.match(byProperty.get("autoscalingLimitMinCu")!, /autoscalingLimitMaxCu/);
        assert.match(byProperty.get("suspendTimeoutSeconds")!, /60/);
      });

      it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
        const result = await fx.plugin.check(urn, {}, endpointNews({ projectId: unknownValue, autoscalingLimitMaxCu: unknownValue, pgSettings: unknownValue }));
        assert.deepEqual(result.failures, []);
      });
    });

    describe("create → diff → update → read → delete", () => {
      let id: string;
      let inputs: Props;
      let outputs: Props;

      it("creates a read replica on the default branch and returns its id, hosts and settings", async () => {
        ({ id, inputs, outputs } = await checkAndCreate(fx.plugin, urn, endpointNews()));
        assert.match(id, /^ep-[a-z0-9-]+$/);
        assert.equal(outputs.endpointId, id);
        assert.equal(outputs.branchId, defaultBranchId);
        assert.equal(outputs.type, "read_only");
        assert.equal(outputs.autoscalingLimitMaxCu, 1);
        assert.match(String(outputs.host), new RegExp(`^${id}\\.`));
        assert.match(String(outputs.poolerHost), new RegExp(`^${id}-pooler\\.`));
        assert.equal(outputs.__provider, fx.providers.endpoint);
        assert.equal(liveEndpoint(id)?.type, "read_only");
      });

      it("diff: identical inputs are no change", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, inputs), { changes: "none", replaces: [], deleteBeforeReplace: false });
      });

      it("diff: new autoscaling limits and Postgres settings are an update, not a replacement", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, autoscalingLimitMaxCu: 2, pgSettings: { work_mem: "8MB" } }), {
          changes: "some",
          replaces: [],
          deleteBeforeReplace: false,
        });
      });

      it("diff: a new type replaces the compute, naming type, creating the new one first", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, type: "read_write" }), {
          changes: "some",
          replaces: ["type"],
          deleteBeforeReplace: false,
        });
      });

      it("update resizes the compute and sets its Postgres settings in place", async () => {
        const news = (await fx.plugin.check(urn, inputs, { ...inputs, autoscalingLimitMaxCu: 2, pgSettings: { work_mem: "8MB" } })).inputs;
        const updated = await fx.plugin.update(id, urn, outputs, news);
        assert.equal(updated.properties.endpointId, id);
        assert.equal(updated.properties.autoscalingLimitMaxCu, 2);
        assert.deepEqual(updated.properties.pgSettings, { work_mem: "8MB" });
        assert.equal(updated.properties.host, outputs.host, "same compute, same host");
        const live = liveEndpoint(id)!;
        assert.equal(live.autoscaling_limit_max_cu, 2);
        assert.deepEqual((live.settings as { pg_settings?: unknown }).pg_settings, { work_mem: "8MB" });
        inputs = news;
        outputs = updated.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "none");
      });

      it("read returns the live compute and inputs for the declared fields", async () => {
        await outsideChange(fx.neon, "PATCH", `/projects/${projectId}/endpoints/${id}`, { endpoint: { autoscaling_limit_max_cu: 3 } });
        const r = await fx.plugin.read(id, urn, outputs, inputs);
        assert.equal(r.id, id);
        assert.equal(r.properties.autoscalingLimitMaxCu, 3);
        assert.equal(r.properties.host, outputs.host);
        assert.equal(r.properties.__provider, fx.providers.endpoint);
        assert.deepEqual(r.inputs, {
          projectId,
          type: "read_only",
          autoscalingLimitMinCu: 0.25,
          autoscalingLimitMaxCu: 3,
          pgSettings: { work_mem: "8MB" },
          __provider: fx.providers.endpoint,
        });
        outputs = r.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "some", "the next up puts the declared size back");
      });

      it("delete removes the compute, and deleting it again succeeds", async () => {
        await fx.plugin.delete(id, urn, outputs);
        assert.equal(liveEndpoint(id), undefined);
        await fx.plugin.delete(id, urn, outputs);
      });

      it("read of a compute deleted behind Pulumi's back returns an empty id (gone from state)", async () => {
        const otherUrn = dynamicUrn("Endpoint", "deleted-outside");
        const other = await checkAndCreate(fx.plugin, otherUrn, endpointNews());
        await outsideChange(fx.neon, "DELETE", `/projects/${projectId}/endpoints/${other.id}`);
        const r = await fx.plugin.read(other.id, otherUrn, other.outputs, other.inputs);
        assert.equal(r.id, "");
      });
    });

    describe("partial create", () => {
      it("reports a compute whose operations fail as ErrorResourceInitFailed with its id, and the recorded properties can delete it", async () => {
        const endpointUrn = dynamicUrn("Endpoint", "half-created");
        const news = (await fx.plugin.check(endpointUrn, {}, endpointNews())).inputs;
        fx.neon.faults.failNextOperations(projectId, { status: "failed" });
        const err = await pluginError(fx.plugin.create(endpointUrn, news));
        errorMessages.push(err.details, ...(err.initFailure?.reasons ?? []));
        assert.ok(err.initFailure, `no ErrorResourceInitFailed in ${err.message}`);
        const endpointId = err.initFailure.id;
        assert.match(endpointId, /^ep-/);
        assert.ok(liveEndpoint(endpointId), "the compute exists in Neon");
        assert.equal(err.initFailure.properties.endpointId, endpointId);
        assert.equal(err.initFailure.properties.projectId, projectId);
        assert.match(err.details, new RegExp(`Neon compute endpoint ${endpointId} was created, but finishing it failed`));
        assert.equal(err.initFailure.properties.__provider, fx.providers.endpoint);
        await fx.plugin.delete(endpointId, endpointUrn, err.initFailure.properties);
        assert.equal(liveEndpoint(endpointId), undefined);
      });
    });
  });

  // Last: it checks everything the plugin printed during the tests above.
  describe("diagnostics", () => {
    it("never prints the API key, a password or a connection string, nor puts one in an error", () => {
      assert.ok(errorMessages.length >= 3, "the refusal and the partial creates were collected");
      assert.ok(secrets.size >= 4);
      assertNoSecretPrinted(fx.plugin, secrets, errorMessages);
    });
  });
});
