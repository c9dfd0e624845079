/**
 * AuthIntegration (Neon Auth) and DataApi through Pulumi's real dynamic-provider plugin process,
 * against the local Neon API (see projectPlugin.test.ts for the model). Both are branch-scoped and
 * unique per branch (and database): their replacements delete first. One plugin process serves the
 * whole file; the project they live on is created through it too. The tests of each lifecycle share
 * one resource and run in order.
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

const githubClientSecret = "gh_oauth_client_secret_RECOGNISABLE_4411";
const jwks = "https://idp.example.com/.well-known/jwks.json";

describe("AuthIntegration and DataApi through the dynamic-provider plugin", function () {
  this.timeout(20_000);

  let fx: PluginFixture;
  let projectId: string;
  let defaultBranchId: string;
  /** Every secret the stack handled, for the "never printed" check. */
  const secrets = new Set<string>([githubClientSecret]);
  const errorMessages: string[] = [];

  before(async () => {
    ({ fx, projectId, defaultBranchId } = await startPluginFixtureWithProject(["project", "authIntegration", "dataApi"], "auth-and-data-api", secrets));
  });

  afterEach(() => fx?.neon.faults.clear());

  after(async () => {
    await fx?.close();
  });

  const defaultBranch = () => fx.neon.state().projects[projectId].branches[defaultBranchId];

  describe("AuthIntegration", () => {
    const urn = dynamicUrn("AuthIntegration", "auth");
    const authNews = (extra: Props = {}): Props => ({
      projectId,
      oauthProviders: [{ id: "github", clientId: "gh-client", clientSecret: githubClientSecret }],
      trustedDomains: ["https://app.example.com"],
      allowLocalhost: true,
      __provider: fx.providers.authIntegration,
      ...extra,
    });

    describe("check", () => {
      it("accepts valid inputs and returns them with __provider", async () => {
        const result = await fx.plugin.check(urn, {}, authNews());
        assert.deepEqual(result.failures, []);
        assert.deepEqual(result.inputs, authNews());
      });

      it("names the field of a client id without its secret, a bad domain, a bad auth provider and an unknown property", async () => {
        const result = await fx.plugin.check(
          urn,
          {},
          authNews({ oauthProviders: [{ id: "github", clientId: "gh-client" }], trustedDomains: ["not a url"], authProvider: "okta", colour: "blue" }),
        );
        const byProperty = new Map(result.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual([...byProperty.keys()].sort(), ["authProvider", "colour", "oauthProviders.0.clientSecret", "trustedDomains.0"]);
        assert.match(byProperty.get("oauthProviders.0.clientSecret")!, /go together/);
        assert.match(byProperty.get("trustedDomains.0")!, /must be a URL/);
        assert.match(byProperty.get("authProvider")!, /better_auth/);
        assert.match(byProperty.get("colour")!, /not a known property/);
      });

      it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
        const result = await fx.plugin.check(
          urn,
          {},
          authNews({ projectId: unknownValue, oauthProviders: [{ id: "github", clientId: unknownValue, clientSecret: unknownValue }], trustedDomains: unknownValue }),
        );
        assert.deepEqual(result.failures, []);
      });
    });

    describe("create → diff → update → read → delete", () => {
      let id: string;
      let inputs: Props;
      let outputs: Props;
      let keys: { pubClientKey: unknown; secretServerKey: unknown };

      it("enables Neon Auth on the default branch and returns the one-time keys", async () => {
        ({ id, inputs, outputs } = await checkAndCreate(fx.plugin, urn, authNews()));
        assert.equal(id, `${projectId}/default`);
        assert.match(String(outputs.pubClientKey), /^pck_[0-9a-f]+$/);
        assert.match(String(outputs.secretServerKey), /^ssk_[0-9a-f]+$/);
        keys = { pubClientKey: outputs.pubClientKey, secretServerKey: outputs.secretServerKey };
        secrets.add(String(outputs.pubClientKey)).add(String(outputs.secretServerKey));
        assert.equal(outputs.branchId, defaultBranchId);
        assert.equal(outputs.databaseName, "neondb");
        assert.deepEqual(outputs.oauthProviders, inputs.oauthProviders);
        assert.equal(outputs.__provider, fx.providers.authIntegration);
        const live = defaultBranch().auth!;
        assert.equal(outputs.jwksUrl, live.jwks_url);
        assert.equal(live.allow_localhost, true);
        assert.deepEqual(live.oauth_providers.map((p) => [p.id, p.type, p.client_secret]), [["github", "standard", githubClientSecret]]);
      });

      it("diff: identical inputs are no change", async () => {
        const d = await fx.plugin.diff(id, urn, outputs, inputs);
        assert.deepEqual([d.changes, d.replaces], ["none", []]);
      });

      it("diff: new trusted domains and allow-localhost are an update, not a replacement", async () => {
        const d = await fx.plugin.diff(id, urn, outputs, { ...inputs, trustedDomains: ["https://app.example.com", "https://admin.example.com"], allowLocalhost: false });
        assert.deepEqual([d.changes, d.replaces], ["some", []]);
      });

      it("diff: a new auth provider replaces the integration, naming authProvider, disabling the old one first (one per branch)", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, authProvider: "stack" }), {
          changes: "some",
          replaces: ["authProvider"],
          deleteBeforeReplace: true,
        });
      });

      it("update adds a trusted domain and turns allow-localhost off in place, keeping the keys", async () => {
        const domains = ["https://app.example.com", "https://admin.example.com"];
        const news = (await fx.plugin.check(urn, inputs, { ...inputs, trustedDomains: domains, allowLocalhost: false })).inputs;
        const updated = await fx.plugin.update(id, urn, outputs, news);
        assert.deepEqual([...(updated.properties.trustedDomains as string[])].sort(), [...domains].sort());
        assert.equal(updated.properties.allowLocalhost, false);
        assert.deepEqual({ pubClientKey: updated.properties.pubClientKey, secretServerKey: updated.properties.secretServerKey }, keys);
        assert.equal(updated.properties.__provider, fx.providers.authIntegration);
        const live = defaultBranch().auth!;
        assert.equal(live.allow_localhost, false);
        assert.deepEqual(live.domains.map((d) => d.domain).sort(), [...domains].sort());
        inputs = news;
        outputs = updated.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "none");
      });

      it("read returns the live integration and inputs, and the one-time keys survive it", async () => {
        await outsideChange(fx.neon, "PATCH", `/projects/${projectId}/branches/${defaultBranchId}/auth/allow_localhost`, { allow_localhost: true });
        const r = await fx.plugin.read(id, urn, outputs, inputs);
        assert.equal(r.id, id);
        assert.equal(r.properties.allowLocalhost, true);
        assert.deepEqual({ pubClientKey: r.properties.pubClientKey, secretServerKey: r.properties.secretServerKey }, keys, "Neon's GET has no keys: carried from state");
        assert.deepEqual(r.properties.oauthProviders, inputs.oauthProviders, "Neon never returns the client secret: carried from state");
        assert.equal(r.properties.__provider, fx.providers.authIntegration);
        assert.ok(r.inputs);
        assert.equal(r.inputs.allowLocalhost, true);
        assert.deepEqual(r.inputs.oauthProviders, inputs.oauthProviders);
        assert.deepEqual([...(r.inputs.trustedDomains as string[])].sort(), [...(inputs.trustedDomains as string[])].sort());
        assert.deepEqual(Object.keys(r.inputs).sort(), ["__provider", "allowLocalhost", "oauthProviders", "projectId", "trustedDomains"]);
        outputs = r.properties;
      });

      it("delete disables Neon Auth, and deleting it again succeeds", async () => {
        await fx.plugin.delete(id, urn, outputs);
        assert.equal(defaultBranch().auth, undefined);
        await fx.plugin.delete(id, urn, outputs);
      });

      it("read of an integration disabled behind Pulumi's back returns an empty id (gone from state)", async () => {
        const other = await checkAndCreate(fx.plugin, urn, authNews({ oauthProviders: [{ id: "google" }] }));
        assert.notEqual(other.outputs.secretServerKey, keys.secretServerKey, "enabled again: new keys");
        secrets.add(String(other.outputs.pubClientKey)).add(String(other.outputs.secretServerKey));
        await outsideChange(fx.neon, "DELETE", `/projects/${projectId}/branches/${defaultBranchId}/auth`, {});
        const r = await fx.plugin.read(other.id, urn, other.outputs, other.inputs);
        assert.equal(r.id, "");
      });
    });

    describe("partial create", () => {
      it("reports an integration whose OAuth setup fails as ErrorResourceInitFailed carrying the one-time keys, which the next up and destroy keep using", async () => {
        const news = (await fx.plugin.check(urn, {}, authNews())).inputs;
        // Enabling succeeds (the keys are issued), then adding the OAuth provider fails.
        fx.neon.faults.add({ match: { operationId: "addBranchNeonAuthOauthProvider" }, action: { kind: "status", status: 500 }, times: 1 });
        const err = await pluginError(fx.plugin.create(urn, news));
        errorMessages.push(err.details, ...(err.initFailure?.reasons ?? []));
        assert.ok(err.initFailure, `no ErrorResourceInitFailed in ${err.message}`);
        assert.equal(err.initFailure.id, `${projectId}/default`);
        const recorded = err.initFailure.properties;
        assert.match(String(recorded.pubClientKey), /^pck_/);
        assert.match(String(recorded.secretServerKey), /^ssk_/);
        secrets.add(String(recorded.pubClientKey)).add(String(recorded.secretServerKey));
        assert.equal(recorded.__provider, fx.providers.authIntegration);
        assert.ok(defaultBranch().auth, "Neon Auth is enabled");
        assert.match(err.details, new RegExp(`Neon Auth integration ${projectId}/default was created, but finishing it failed`));

        // The next `up` updates a resource with init errors, which completes it with the same keys.
        const completed = await fx.plugin.update(err.initFailure.id, urn, recorded, news);
        assert.equal(completed.properties.pubClientKey, recorded.pubClientKey);
        assert.equal(completed.properties.secretServerKey, recorded.secretServerKey);
        assert.deepEqual(completed.properties.oauthProviders, news.oauthProviders);
        assert.deepEqual(defaultBranch().auth!.oauth_providers.map((p) => p.id), ["github"]);
        await fx.plugin.delete(err.initFailure.id, urn, completed.properties);
        assert.equal(defaultBranch().auth, undefined);
      });
    });
  });

  describe("DataApi", () => {
    const urn = dynamicUrn("DataApi", "api");
    const dataApiNews = (extra: Props = {}): Props => ({
      projectId,
      authProvider: "external",
      jwksUrl: jwks,
      settings: { dbSchemas: ["public"], dbMaxRows: 100 },
      __provider: fx.providers.dataApi,
      ...extra,
    });
    const liveDataApi = () => defaultBranch().dataApis.neondb;

    describe("check", () => {
      it("accepts valid inputs and returns them with __provider", async () => {
        const result = await fx.plugin.check(urn, {}, dataApiNews());
        assert.deepEqual(result.failures, []);
        assert.deepEqual(result.inputs, dataApiNews());
      });

      it("names the field of a bad setting, an unknown setting and an unknown property", async () => {
        const result = await fx.plugin.check(urn, {}, dataApiNews({ settings: { dbMaxRows: 0, colour: "blue" }, size: "large" }));
        const byProperty = new Map(result.failures.map((f) => [f.property, f.reason]));
        assert.deepEqual([...byProperty.keys()].sort(), ["settings.colour", "settings.dbMaxRows", "size"]);
        assert.match(byProperty.get("settings.dbMaxRows")!, /≥ 1/);
        assert.match(byProperty.get("settings.colour")!, /not a known property/);
      });

      it("names jwksUrl when external auth has none", async () => {
        const { jwksUrl: _omitted, ...news } = dataApiNews();
        const result = await fx.plugin.check(urn, {}, news);
        assert.deepEqual(result.failures.map((f) => f.property), ["jwksUrl"]);
        assert.match(result.failures[0].reason, /external/);
      });

      it("tolerates Pulumi's unknown placeholder in any field during preview", async () => {
        const result = await fx.plugin.check(urn, {}, dataApiNews({ projectId: unknownValue, jwksUrl: unknownValue, settings: { dbMaxRows: unknownValue } }));
        assert.deepEqual(result.failures, []);
      });
    });

    describe("create → diff → update → read → delete", () => {
      let id: string;
      let inputs: Props;
      let outputs: Props;

      it("enables the Data API for neondb on the default branch and returns its URL", async () => {
        ({ id, inputs, outputs } = await checkAndCreate(fx.plugin, urn, dataApiNews()));
        assert.equal(id, `${projectId}/default/neondb`);
        const live = liveDataApi()!;
        assert.equal(outputs.url, live.url);
        assert.equal(outputs.status, "ready");
        assert.equal(outputs.branchId, defaultBranchId);
        assert.equal(outputs.databaseName, "neondb");
        assert.deepEqual([outputs.authProvider, outputs.jwksUrl], ["external", jwks]);
        assert.deepEqual(outputs.settings, { dbSchemas: ["public"], dbMaxRows: 100 });
        assert.equal(outputs.__provider, fx.providers.dataApi);
        assert.equal(live.settings.db_max_rows, 100);
      });

      it("diff: identical inputs are no change", async () => {
        const d = await fx.plugin.diff(id, urn, outputs, inputs);
        assert.deepEqual([d.changes, d.replaces], ["none", []]);
      });

      it("diff: new settings are an update, not a replacement", async () => {
        const d = await fx.plugin.diff(id, urn, outputs, { ...inputs, settings: { dbSchemas: ["public"], dbMaxRows: 50 } });
        assert.deepEqual([d.changes, d.replaces], ["some", []]);
      });

      it("diff: a new JWKS URL replaces the Data API, naming jwksUrl, deleting the old one first (one per database)", async () => {
        assert.deepEqual(await fx.plugin.diff(id, urn, outputs, { ...inputs, jwksUrl: "https://other.example.com/jwks.json" }), {
          changes: "some",
          replaces: ["jwksUrl"],
          deleteBeforeReplace: true,
        });
      });

      it("update changes the settings in place, keeping the URL", async () => {
        const settings = { dbSchemas: ["public"], dbMaxRows: 50, openapiMode: "ignore-privileges" };
        const news = (await fx.plugin.check(urn, inputs, { ...inputs, settings })).inputs;
        const updated = await fx.plugin.update(id, urn, outputs, news);
        assert.equal(updated.properties.url, outputs.url);
        assert.equal(updated.properties.jwksUrl, jwks);
        assert.deepEqual(updated.properties.settings, settings);
        assert.equal(updated.properties.__provider, fx.providers.dataApi);
        assert.equal(liveDataApi()!.settings.db_max_rows, 50);
        assert.equal(liveDataApi()!.settings.openapi_mode, "ignore-privileges");
        inputs = news;
        outputs = updated.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "none");
      });

      it("read returns the live Data API and inputs, carrying the auth options Neon cannot return", async () => {
        await outsideChange(fx.neon, "PATCH", `/projects/${projectId}/branches/${defaultBranchId}/data-api/neondb`, { settings: { db_max_rows: 7 } });
        const r = await fx.plugin.read(id, urn, outputs, inputs);
        assert.equal(r.id, id);
        assert.equal(r.properties.url, outputs.url);
        assert.equal(r.properties.jwksUrl, jwks);
        assert.equal((r.properties.settings as Props).dbMaxRows, 7);
        assert.equal(r.properties.__provider, fx.providers.dataApi);
        assert.deepEqual(r.inputs, {
          projectId,
          authProvider: "external",
          jwksUrl: jwks,
          settings: { dbSchemas: ["public"], dbMaxRows: 7, openapiMode: "ignore-privileges" },
          __provider: fx.providers.dataApi,
        });
        outputs = r.properties;
        assert.equal((await fx.plugin.diff(id, urn, outputs, inputs)).changes, "some", "the next up puts the declared setting back");
      });

      it("delete removes the Data API, and deleting it again succeeds", async () => {
        await fx.plugin.delete(id, urn, outputs);
        assert.equal(liveDataApi(), undefined);
        await fx.plugin.delete(id, urn, outputs);
      });

      it("read of a Data API deleted behind Pulumi's back returns an empty id (gone from state)", async () => {
        const other = await checkAndCreate(fx.plugin, urn, dataApiNews());
        await outsideChange(fx.neon, "DELETE", `/projects/${projectId}/branches/${defaultBranchId}/data-api/neondb`);
        const r = await fx.plugin.read(other.id, urn, other.outputs, other.inputs);
        assert.equal(r.id, "");
      });
    });
  });

  // Last: it checks everything the plugin printed during the tests above.
  describe("diagnostics", () => {
    it("never prints the API key, a password, a connection string, a Neon Auth key or an OAuth client secret", () => {
      assert.ok(secrets.size >= 10, "the secrets of both lifecycles were collected");
      assert.ok(errorMessages.length >= 2, "the partial create's error was collected");
      assertNoSecretPrinted(fx.plugin, secrets, errorMessages);
    });
  });
});
