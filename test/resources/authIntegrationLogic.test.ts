import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { NeonAuthIntegration } from "../../provider/client/schemas/neonAuth";
import { authIntegrationInputsSchema } from "../../provider/resources/authIntegration/args";
import {
  adoptionMismatches,
  alreadyEnabledMessage,
  authEnableBody,
  authIntegrationDiff,
  authIntegrationOutputNames,
  authIntegrationOutputs,
  authIntegrationSecretOutputs,
  carriedFromCreate,
  carriedFromOutputs,
  liveProvider,
  oauthProviderPlan,
  trustedDomainPlan,
  type AuthView,
} from "../../provider/resources/authIntegration/logic";
import { secretWhenHoldingClientSecrets } from "../../provider/resources/authIntegration/resource";
import { checkInputs } from "../../provider/resources/common/check";
import { plainOutputs } from "../../provider/resources/common/plainOutputs";
import { unknownValue } from "../../provider/resources/common/unknown";

const integration: NeonAuthIntegration = {
  auth_provider: "better_auth",
  auth_provider_project_id: "5b1c0c7e-0000-4000-8000-000000000001",
  branch_id: "br-main-1",
  db_name: "neondb",
  created_at: "2026-03-01T10:00:00Z",
  owned_by: "neon",
  jwks_url: "https://x.neonauth.example/neondb/auth/.well-known/jwks.json",
  base_url: "https://x.neonauth.example/neondb/auth",
};

const view = (over: Partial<AuthView> = {}): AuthView => ({
  integration,
  oauthProviders: [{ id: "google" }, { id: "github", clientId: "gh-client" }],
  trustedDomains: ["https://app.example.com"],
  allowLocalhost: false,
  ...over,
});

const keys = { pubClientKey: "pck_RECOGNISABLE_PUB", secretServerKey: "ssk_RECOGNISABLE_SECRET" };
const githubSecret = "gh-secret-RECOGNISABLE";

describe("AuthIntegration policy", () => {
  const declared = {
    projectId: "proj-1",
    oauthProviders: [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: githubSecret }],
    trustedDomains: ["https://app.example.com"],
    allowLocalhost: false,
  };
  const olds = authIntegrationOutputs(view(), "proj-1", keys, declared);

  describe("diff", () => {
    it("reports no change for the same declared inputs, in any order", () => {
      const d = authIntegrationDiff(olds, { ...declared, oauthProviders: [...declared.oauthProviders].reverse() });
      assert.deepEqual(d, { changes: false, replaces: [], changed: [] });
    });

    it("never compares an undeclared branchId or databaseName (the default branch may have been restored)", () => {
      assert.equal(authIntegrationDiff({ ...olds, branchId: "br-restored-2", databaseName: "other" }, declared).changes, false);
    });

    it("replaces for project, declared branch, database and auth provider, each on its own", () => {
      for (const [field, value] of [
        ["projectId", "proj-2"],
        ["branchId", "br-other-2"],
        ["databaseName", "app"],
        ["authProvider", "stack"],
      ] as const) {
        const d = authIntegrationDiff(olds, { ...declared, [field]: value });
        assert.deepEqual([d.changes, d.replaces], [true, [field]], field);
      }
    });

    it("updates OAuth providers, trusted domains, allow-localhost and deleteDataOnDestroy in place", () => {
      const cases: Record<string, unknown>[] = [
        { oauthProviders: [{ id: "google" }] },
        { oauthProviders: [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: "rotated" }] },
        { trustedDomains: ["https://other.example.com"] },
        { allowLocalhost: true },
        { deleteDataOnDestroy: true },
      ];
      for (const change of cases) {
        const d = authIntegrationDiff(olds, { ...declared, ...change });
        assert.deepEqual([d.changes, d.replaces, d.changed], [true, [], Object.keys(change)], JSON.stringify(change));
      }
    });

    it("ignores the order of trusted domains", () => {
      const two = authIntegrationOutputs(view({ trustedDomains: ["https://a.example.com", "https://b.example.com"] }), "proj-1", keys, undefined);
      assert.equal(authIntegrationDiff(two, { projectId: "proj-1", trustedDomains: ["https://b.example.com", "https://a.example.com"] }).changes, false);
    });
  });

  describe("check", () => {
    const check = (news: Record<string, unknown>) => checkInputs(authIntegrationInputsSchema(), news);

    it("names the field and the reason for bad values", () => {
      const { failures } = check({
        projectId: "proj-1",
        authProvider: "auth0",
        oauthProviders: [{ id: "gitlab" }, { id: "github", clientId: "x" }],
        trustedDomains: ["not a url"],
      });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["authProvider", "oauthProviders.0.id", "oauthProviders.1.clientSecret", "trustedDomains.0"]);
      assert.match(failures.find((f) => f.property === "oauthProviders.1.clientSecret")!.reason, /give both/);
    });

    it("refuses duplicates, which would never match Neon's lists", () => {
      const { failures } = check({ projectId: "proj-1", oauthProviders: [{ id: "google" }, { id: "google" }], trustedDomains: ["https://a.example.com", "https://a.example.com"] });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["oauthProviders", "trustedDomains"]);
    });

    it("rejects unknown properties, nested ones too", () => {
      const { failures } = check({ projectId: "proj-1", domains: [], oauthProviders: [{ id: "google", secret: "x" }] });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["domains", "oauthProviders.0.secret"]);
    });

    it("lets Pulumi's unknown placeholder through in any field type", () => {
      const { failures } = check({
        projectId: unknownValue,
        allowLocalhost: unknownValue,
        trustedDomains: [unknownValue],
        oauthProviders: [{ id: "github", clientId: unknownValue }],
      });
      assert.deepEqual(failures, []);
    });
  });

  it("enables with better_auth by default and the database only when declared", () => {
    assert.deepEqual(authEnableBody({}), { auth_provider: "better_auth" });
    assert.deepEqual(authEnableBody({ authProvider: "stack", databaseName: "app" }), { auth_provider: "stack", database_name: "app" });
  });

  describe("OAuth provider plan", () => {
    const known = [{ id: "github" as const, clientId: "gh-client", clientSecret: githubSecret }];

    it("does nothing when Neon already matches", () => {
      assert.deepEqual(oauthProviderPlan(view().oauthProviders!, known, declared.oauthProviders as never), { remove: [], add: [], update: [] });
    });

    it("adds missing providers, removes undeclared ones, and PATCHes only the secret when only it changed", () => {
      const plan = oauthProviderPlan(view().oauthProviders!, known, [
        { id: "github", clientId: "gh-client", clientSecret: "rotated" },
        { id: "vercel", clientId: "v-id", clientSecret: "v-secret" },
      ]);
      assert.deepEqual(plan, {
        remove: ["google"],
        add: [{ id: "vercel", client_id: "v-id", client_secret: "v-secret" }],
        update: [{ id: "github", body: { client_secret: "rotated" } }],
      });
    });

    it("sets both credentials when a shared provider gets its own app, and re-adds it to go back to the shared app", () => {
      const toOwn = oauthProviderPlan(view().oauthProviders!, known, [{ id: "google", clientId: "g-id", clientSecret: "g-secret" }, declared.oauthProviders[1] as never]);
      assert.deepEqual(toOwn.update, [{ id: "google", body: { client_id: "g-id", client_secret: "g-secret" } }]);
      const toShared = oauthProviderPlan(view().oauthProviders!, known, [{ id: "google" }, { id: "github" }]);
      assert.deepEqual(toShared, { remove: ["github"], add: [{ id: "github" }], update: [] });
    });

    it("sends the secret again when the client id was changed outside Pulumi (the secret we knew no longer applies)", () => {
      const plan = oauthProviderPlan([{ id: "github", clientId: "changed-elsewhere" }], known, [{ id: "github", clientId: "gh-client", clientSecret: githubSecret }]);
      assert.deepEqual(plan.update, [{ id: "github", body: { client_id: "gh-client", client_secret: githubSecret } }]);
    });
  });

  it("plans trusted domains as additions and removals", () => {
    assert.deepEqual(trustedDomainPlan(["https://a.example.com", "https://b.example.com"], ["https://b.example.com", "https://c.example.com"]), {
      add: ["https://c.example.com"],
      remove: ["https://a.example.com"],
    });
  });

  describe("outputs and secrets", () => {
    it("never takes a client secret from Neon's provider list", () => {
      assert.deepEqual(liveProvider({ id: "github", type: "standard", client_id: "gh-client", client_secret: "from-neon" }), { id: "github", clientId: "gh-client" });
    });

    it("carries the one-time keys and the declared client secrets over a read", () => {
      const created = carriedFromCreate({ ...integration, pub_client_key: keys.pubClientKey, secret_server_key: keys.secretServerKey, schema_name: "neon_auth", table_name: "users_sync" });
      const afterCreate = authIntegrationOutputs(view(), "proj-1", created, declared);
      const afterRead = authIntegrationOutputs(view(), "proj-1", carriedFromOutputs(afterCreate), undefined);
      assert.equal(afterRead.pubClientKey, keys.pubClientKey);
      assert.equal(afterRead.secretServerKey, keys.secretServerKey);
      assert.equal(afterRead.schemaName, "neon_auth");
      assert.deepEqual(afterRead.oauthProviders, [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: githubSecret }]);
      assert.equal(authIntegrationDiff(afterRead, declared).changes, false);
    });

    it("holds keys and client secrets only in outputs listed as secret", () => {
      const outs = plainOutputs(authIntegrationOutputs(view(), "proj-1", { ...keys, knownProviders: declared.oauthProviders as never }, declared));
      for (const [name, value] of Object.entries(outs)) {
        if ((authIntegrationSecretOutputs as readonly string[]).includes(name)) continue;
        const text = JSON.stringify(value);
        for (const secret of [keys.pubClientKey, keys.secretServerKey, githubSecret]) assert.ok(!text.includes(secret), `${name} holds a secret`);
      }
      assert.equal(JSON.stringify(outs.oauthProviders).includes(githubSecret), true, "the secret output holds it, so a rotation can be detected");
      for (const k of Object.keys(outs)) if (k !== "__declared") assert.ok((authIntegrationOutputNames as readonly string[]).includes(k), k);
    });

    it("reports the live branch and database when they were not declared, and deleteDataOnDestroy false by default", () => {
      const outs = authIntegrationOutputs(view(), "proj-1", {}, { projectId: "proj-1" });
      assert.deepEqual([outs.branchId, outs.databaseName, outs.authProvider, outs.deleteDataOnDestroy], ["br-main-1", "neondb", "better_auth", false]);
      assert.deepEqual(outs.__declared, ["projectId"]);
    });
  });

  it("explains what to do when Neon Auth is already enabled, and what adoption cannot match", () => {
    assert.match(alreadyEnabledMessage(integration, "proj-1", "br-main-1"), /already enabled on branch br-main-1 of project proj-1 \(better_auth, database neondb, since .*\)\. Set adoptExisting: true/);
    assert.deepEqual(adoptionMismatches(integration, { projectId: "p", databaseName: "app", authProvider: "better_auth" }).map((p) => p.split(":")[0]), ["databaseName"]);
  });

  it("makes the OAuth provider input secret when it holds a client secret, and only then", async () => {
    const withSecret = secretWhenHoldingClientSecrets([{ id: "github", clientId: "a", clientSecret: "b" }])!;
    const shared = secretWhenHoldingClientSecrets([{ id: "google" }])!;
    assert.equal(await pulumi.isSecret(withSecret), true);
    assert.equal(await pulumi.isSecret(shared), false);
    assert.equal(secretWhenHoldingClientSecrets(undefined), undefined);
  });
});
