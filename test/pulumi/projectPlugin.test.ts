/**
 * NeonProject through Pulumi's real dynamic-provider plugin process, against the local Neon API:
 * the serialized `__provider` (installed form), the gRPC protocol mapping and the provider code
 * together, as the engine drives them during `pulumi up`, `refresh` and `destroy`.
 *
 * One plugin process serves the whole file, as one serves a whole deployment. The tests of the
 * main lifecycle share one project and run in order.
 */
import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { call } from "../support/neonLocal";
import { dynamicUrn, serializeProvider, unknownValue, type Consumer, type PluginProcess } from "../support/pulumiPlugin";
import { assertNoSecretPrinted, pluginError, projectCredentialOutputs, startPluginFixture, type PluginFixture } from "./pluginFixture";

const sponsoredOrg = "org-agent-sponsored-10000001";
const paidOrg = "org-agent-paid-10000002";

describe("NeonProject through the dynamic-provider plugin", function () {
  this.timeout(20_000);

  let fx: PluginFixture;
  let neon: NeonLocal;
  let consumer: Consumer;
  let plugin: PluginProcess;
  let providerText: string;
  const urn = dynamicUrn("NeonProject", "app");
  /** Every secret the provider handled, and every error message the engine would show, for the "never printed" check. */
  const secrets = new Set<string>();
  const errorMessages: string[] = [];

  const requestsSince = (mark: number) => neon.requestLog.slice(mark);

  before(async () => {
    fx = await startPluginFixture(["project"], { operationDelayMs: 20 });
    ({ neon, consumer, plugin } = fx);
    providerText = fx.providers.project;
    secrets.add(neon.apiKey);
  });

  after(async () => {
    await fx?.close();
  });

  describe("configure", () => {
    // First in the file on purpose: these must be the plugin's first provider calls.
    it("uses the configured key for every one of several concurrent first calls (refresh of three projects)", async () => {
      // The plugin caches a provider before awaiting its configure, so calls racing the first one
      // would run unconfigured unless configure takes effect synchronously.
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await call(neon, "POST", "/projects", { project: { name: `race-${i}` } });
        assert.equal(res.status, 201);
        ids.push(res.body.project.id);
      }
      const mark = neon.requestLog.length;
      const reads = await Promise.all(
        ids.map((id) => plugin.read(id, dynamicUrn("NeonProject", id), { __provider: providerText, defaultRoleName: "neondb_owner" })),
      );
      assert.deepEqual(reads.map((r) => r.id), ids);
      const sent = requestsSince(mark);
      assert.ok(sent.length >= 9, `three GETs per project, got ${sent.length}`);
      assert.deepEqual(sent.filter((r) => r.status === 401), []);
      await Promise.all(ids.map((id) => plugin.delete(id, dynamicUrn("NeonProject", id), { __provider: providerText })));
    });
  });

  describe("check", () => {
    it("accepts valid inputs and returns them with __provider", async () => {
      const news = { name: "app", pgVersion: 17, orgId: sponsoredOrg, __provider: providerText };
      const result = await plugin.check(urn, {}, news);
      assert.deepEqual(result.failures, []);
      assert.deepEqual(result.inputs, news);
    });

    it("names the field of a bad pgVersion and of an unknown property", async () => {
      const result = await plugin.check(urn, {}, { name: "app", pgVersion: 13, colour: "blue", __provider: providerText });
      const byProperty = new Map(result.failures.map((f) => [f.property, f.reason]));
      assert.deepEqual([...byProperty.keys()].sort(), ["colour", "pgVersion"]);
      assert.match(byProperty.get("pgVersion")!, /14/);
      assert.match(byProperty.get("colour")!, /not a known property/);
    });

    it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
      const result = await plugin.check(urn, {}, { name: unknownValue, pgVersion: unknownValue, __provider: providerText });
      assert.deepEqual(result.failures, []);
    });
  });

  describe("create → diff → update → read → delete", () => {
    let id: string;
    let inputs: Record<string, unknown>;
    let outputs: Record<string, unknown>;

    it("creates the project and returns its id, the declared inputs and the connection secrets", async () => {
      inputs = (await plugin.check(urn, {}, { name: "app", pgVersion: 17, orgId: sponsoredOrg, __provider: providerText })).inputs;
      const created = await plugin.create(urn, inputs);
      id = created.id;
      outputs = created.properties;
      assert.match(id, /^[a-z0-9-]+$/);
      assert.equal(outputs.projectId, id);
      assert.equal(outputs.name, "app");
      assert.equal(outputs.pgVersion, 17);
      assert.equal(outputs.orgId, sponsoredOrg);
      assert.equal(outputs.__provider, providerText);
      assert.equal(typeof outputs.password, "string");
      assert.match(String(outputs.connectionUri), /^postgresql:\/\/[^:]+:[^@]+@[^/]+\/[^?]+\?sslmode=require$/);
      assert.ok(String(outputs.connectionUri).includes(encodeURIComponent(String(outputs.password))));
      for (const key of projectCredentialOutputs) secrets.add(String(outputs[key]));
      assert.equal(neon.state().projects[id]?.project.name, "app");
    });

    it("diff: identical inputs are no change", async () => {
      const d = await plugin.diff(id, urn, outputs, inputs);
      assert.deepEqual(d, { changes: "none", replaces: [], deleteBeforeReplace: false });
    });

    it("diff: a new name is an update, not a replacement", async () => {
      const d = await plugin.diff(id, urn, outputs, { ...inputs, name: "app-renamed" });
      assert.deepEqual(d, { changes: "some", replaces: [], deleteBeforeReplace: false });
    });

    it("diff: a new region replaces the project, naming regionId", async () => {
      const d = await plugin.diff(id, urn, outputs, { ...inputs, regionId: "aws-eu-central-1" });
      assert.deepEqual(d, { changes: "some", replaces: ["regionId"], deleteBeforeReplace: false });
    });

    it("diff: a new organization is an update (a move), not a replacement", async () => {
      const d = await plugin.diff(id, urn, outputs, { ...inputs, orgId: paidOrg });
      assert.deepEqual(d, { changes: "some", replaces: [], deleteBeforeReplace: false });
    });

    it("update renames the project and moves it to the other organization, keeping id and connection string", async () => {
      const news = (await plugin.check(urn, inputs, { ...inputs, name: "app-renamed", orgId: paidOrg })).inputs;
      const updated = await plugin.update(id, urn, outputs, news);
      assert.equal(updated.properties.name, "app-renamed");
      assert.equal(updated.properties.orgId, paidOrg);
      assert.equal(updated.properties.projectId, id);
      assert.equal(updated.properties.connectionUri, outputs.connectionUri);
      assert.equal(updated.properties.__provider, providerText);
      const live = neon.state().projects[id]!.project;
      assert.equal(live.name, "app-renamed");
      assert.equal(live.org_id, paidOrg);
      inputs = news;
      outputs = updated.properties;
      assert.equal((await plugin.diff(id, urn, outputs, inputs)).changes, "none");
    });

    it("read returns the live project and inputs for the declared fields", async () => {
      // Drift made outside Pulumi: refresh must bring it into the outputs and the inputs.
      assert.equal((await call(neon, "PATCH", `/projects/${id}`, { project: { name: "renamed-in-console" } })).status, 200);
      const r = await plugin.read(id, urn, outputs, inputs);
      assert.equal(r.id, id);
      assert.equal(r.properties.name, "renamed-in-console");
      assert.equal(r.properties.orgId, paidOrg);
      assert.equal(r.properties.password, outputs.password, "the password is kept from state (Neon never returns it on GET)");
      assert.equal(r.properties.__provider, providerText);
      assert.deepEqual(r.inputs, { name: "renamed-in-console", orgId: paidOrg, pgVersion: 17, __provider: providerText });
    });

    it("delete removes the project, and deleting it again succeeds", async () => {
      await plugin.delete(id, urn, outputs);
      assert.equal(neon.state().projects[id], undefined);
      await plugin.delete(id, urn, outputs);
    });

    it("read of a project deleted behind Pulumi's back returns an empty id (gone from state)", async () => {
      const res = await call(neon, "POST", "/projects", { project: { name: "deleted-outside" } });
      const otherId: string = res.body.project.id;
      assert.equal((await call(neon, "DELETE", `/projects/${otherId}`)).status, 200);
      const r = await plugin.read(otherId, dynamicUrn("NeonProject", "deleted-outside"), { __provider: providerText, name: "deleted-outside" });
      assert.equal(r.id, "");
    });
  });

  describe("a __provider serialized by value (a program inside this repository)", () => {
    it("runs in the plugin too, configured on its own first call", async () => {
      const byValue = (await serializeProvider("by-value", "project", consumer)).text;
      assert.notEqual(byValue, providerText);
      const checked = await plugin.check(urn, {}, { name: "by-value", __provider: byValue });
      assert.deepEqual(checked.failures, []);
      const mark = neon.requestLog.length;
      const gone = await plugin.read("no-such-project-123", urn, { __provider: byValue, name: "by-value" });
      assert.equal(gone.id, "");
      assert.deepEqual(requestsSince(mark).map((r) => r.status), [404]);
    });
  });

  describe("partial create", () => {
    it("reports a create whose operations fail as ErrorResourceInitFailed carrying the project id, so Pulumi records it", async () => {
      const news = (await plugin.check(urn, {}, { name: "half-created", __provider: providerText })).inputs;
      neon.faults.failNextOperations(undefined, { status: "failed" });
      const err = await pluginError(plugin.create(dynamicUrn("NeonProject", "half-created"), news));
      errorMessages.push(err.details, ...(err.initFailure?.reasons ?? []));
      assert.ok(err.initFailure, `no ErrorResourceInitFailed in ${err.message}`);
      const projectId = err.initFailure.id;
      assert.equal(neon.state().projects[projectId]?.project.name, "half-created", "the project exists in Neon");
      assert.equal(err.initFailure.properties.projectId, projectId);
      assert.equal(err.initFailure.reasons.length, 1);
      assert.match(err.details, new RegExp(`${projectId} was created, but finishing it failed`));
      for (const key of projectCredentialOutputs) {
        if (typeof err.initFailure.properties[key] === "string") secrets.add(String(err.initFailure.properties[key]));
      }
      // The engine stores these properties as the resource's outputs. The next `up` updates a
      // resource with init errors, which completes it:
      const completed = await plugin.update(projectId, dynamicUrn("NeonProject", "half-created"), err.initFailure.properties, news);
      assert.equal(completed.properties.projectId, projectId);
      assert.equal(completed.properties.name, "half-created");
      // and `destroy` (or `refresh`) right after the failure runs the `__provider` found in those
      // outputs: the recorded project must be deletable from them.
      assert.equal(err.initFailure.properties.__provider, providerText);
      await plugin.delete(projectId, dynamicUrn("NeonProject", "half-created"), err.initFailure.properties);
      assert.equal(neon.state().projects[projectId], undefined);
    });
  });

  // Last: it checks everything the plugin printed during the tests above.
  describe("diagnostics", () => {
    it("never prints the API key, a password or a connection string, nor puts one in an error", () => {
      assert.ok(secrets.size >= 4, "the secrets of the lifecycle were collected");
      assertNoSecretPrinted(plugin, secrets, errorMessages);
    });
  });
});
