/**
 * The TenantEnvironment component under the recording mocks: which resources a spec registers,
 * with which arguments, under which parent and with which protection; which outputs are secret;
 * and that a bad spec throws before anything is registered. The same component runs through the
 * real engine in test/engine/tenantStack.test.ts.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { TenantEnvironment, tenantEnvironmentType } from "../../provider/tenant/component";
import { TenantSpecError } from "../../provider/tenant/spec";
import { tiers } from "../../provider/tenant/tiers";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type RecordingMocks } from "../pulumi/pulumiMocks";

const organizations = { sponsored: "org-sponsored-1", paid: "org-paid-2" };
const fakeOutputs = (type: string): Record<string, unknown> => {
  const fake: Record<string, Record<string, unknown>> = {
    "pulumi-nodejs:dynamic/neon:NeonProject": {
      connectionUri: "postgresql://neondb_owner:npg_secret@ep-main/neondb",
      pooledConnectionUri: "postgresql://neondb_owner:npg_secret@ep-main-pooler/neondb",
      password: "npg_secret",
      defaultRoleName: "neondb_owner",
      defaultDatabaseName: "neondb",
      host: "ep-main.example",
    },
    "pulumi-nodejs:dynamic/neon:Endpoint": { host: "ep-preview.example" },
    "pulumi-nodejs:dynamic/neon:AuthIntegration": { jwksUrl: "https://auth/jwks", pubClientKey: "pck_x", secretServerKey: "ssk_x" },
    "pulumi-nodejs:dynamic/neon:DataApi": { url: "https://data-api" },
  };
  return fake[type] ?? {};
};

const paidTenant = {
  id: "acme",
  tier: "paid",
  auth: { enabled: true, oauthProviders: ["google"], trustedDomains: ["https://acme.example.com"] },
  dataApi: { enabled: true },
  checkpoints: ["baseline", "before-import"],
  activeCheckpoint: "before-import",
  previewBranches: [
    { name: "pr-17", ttl: "2d" },
    { name: "pr-18", from: "baseline" },
  ],
};

describe("the TenantEnvironment component under Pulumi mocks", function () {
  this.timeout(20_000);
  let mocks: RecordingMocks;

  beforeEach(async () => {
    mocks = await installRecordingMocks(fakeOutputs);
  });
  afterEach(() => {
    mocks.uninstall();
    assertNoUnhandledRejections();
  });

  describe("a paid tenant with everything", () => {
    let tenant: TenantEnvironment;
    beforeEach(async () => {
      tenant = new TenantEnvironment("acme", { spec: paidTenant, organizations });
      await settle(tenant.previewBranchUris);
      await settle(tenant.dataApiUrl);
    });

    it("registers the component and, as its children, the project, checkpoints, Neon Auth, Data API and preview branches with their computes", () => {
      const component = mocks.registration("acme");
      assert.equal(component.type, tenantEnvironmentType);
      assert.equal(component.custom, false);
      const children = mocks.registrations.filter((r) => r.custom);
      assert.deepEqual(children.map((r) => `${r.type.split(":").pop()} ${r.name}`).sort(), [
        "AuthIntegration auth",
        "Branch preview-pr-17",
        "Branch preview-pr-18",
        "DataApi data-api",
        "Endpoint preview-pr-17-compute",
        "Endpoint preview-pr-18-compute",
        "NeonProject project",
        "Snapshot checkpoint-baseline",
        "Snapshot checkpoint-before-import",
      ]);
      for (const child of children) assert.match(child.parent, new RegExp(`::${tenantEnvironmentType}::acme$`), `${child.name} is parented to the component`);
    });

    it("gives the project the paid tier's organization, limits and quota", () => {
      const project = mocks.registration("project").inputs;
      assert.equal(project.name, "acme");
      assert.equal(project.orgId, "org-paid-2");
      assert.equal(project.regionId, "aws-us-east-2");
      assert.equal(project.pgVersion, 17);
      assert.equal(project.historyRetentionSeconds, tiers.paid.historyRetentionSeconds);
      assert.deepEqual(project.defaultEndpointSettings, { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: tiers.paid.computeMaxCu, suspendTimeoutSeconds: 300 });
      assert.deepEqual(project.settings, { quota: { ...tiers.paid.quota } });
      assert.equal(tenant.organizationId, "org-paid-2");
    });

    it("puts the active branch on the checkpoint named active, and only that one", () => {
      assert.equal(mocks.registration("checkpoint-before-import").inputs.restoreDefaultBranch, true);
      assert.equal(mocks.registration("checkpoint-baseline").inputs.restoreDefaultBranch, false);
      assert.equal(mocks.registration("checkpoint-baseline").inputs.name, "baseline");
    });

    it("makes preview branches from the active branch or from a checkpoint, with the tier's compute and their TTL", () => {
      const fromActive = mocks.registration("preview-pr-17").inputs;
      assert.equal(fromActive.name, "preview-pr-17");
      assert.equal(fromActive.ttlSeconds, 2 * 86400);
      assert.equal(fromActive.restoreFromSnapshotId, undefined);
      const fromCheckpoint = mocks.registration("preview-pr-18").inputs;
      assert.equal(fromCheckpoint.restoreFromSnapshotId, "checkpoint-baseline-id");
      assert.equal(fromCheckpoint.ttlSeconds, 7 * 86400, "a week unless told otherwise");
      const compute = mocks.registration("preview-pr-18-compute").inputs;
      assert.equal(compute.branchId, "preview-pr-18-id");
      assert.equal(compute.autoscalingLimitMaxCu, tiers.paid.computeMaxCu);
    });

    it("protects the tenant as a whole, preview branches excepted", () => {
      assert.equal(mocks.registration("acme").protect, true);
      for (const name of ["project", "checkpoint-baseline", "checkpoint-before-import", "auth", "data-api"]) {
        assert.equal(mocks.registration(name).protect, true, `${name} inherits the protection`);
      }
      for (const name of ["preview-pr-17", "preview-pr-17-compute", "preview-pr-18", "preview-pr-18-compute"]) {
        assert.equal(mocks.registration(name).protect, false, `${name} is not protected`);
      }
    });

    it("wires Neon Auth before the Data API, and keeps URIs and keys secret", async () => {
      assert.ok(mocks.registration("data-api").dependencies.some((urn) => urn.endsWith("::auth")));
      assert.deepEqual(mocks.registration("auth").inputs.oauthProviders, [{ id: "google" }]);
      assert.equal(mocks.registration("data-api").inputs.authProvider, "neon_auth");
      assert.equal((await settle(tenant.databaseUrl)).secret, true);
      assert.equal((await settle(tenant.authSecretServerKey)).secret, true);
      const previews = await settle(tenant.previewBranchUris);
      assert.equal(previews.secret, true);
      assert.deepEqual(previews.value, {
        "pr-17": "postgresql://neondb_owner:npg_secret@ep-preview.example/neondb?sslmode=require",
        "pr-18": "postgresql://neondb_owner:npg_secret@ep-preview.example/neondb?sslmode=require",
      });
      assert.deepEqual((await settle(tenant.checkpointIds)).value, { baseline: "checkpoint-baseline-id", "before-import": "checkpoint-before-import-id" });
      assert.equal((await settle(tenant.dataApiUrl)).value, "https://data-api");
    });
  });

  it("a free tenant lives in the sponsored organization, is not protected, and has no Neon Auth or Data API unless asked", async () => {
    const tenant = new TenantEnvironment("globex", { spec: { id: "globex", tier: "free" }, organizations });
    await settle(tenant.projectId);
    assert.equal(mocks.registration("globex").protect, false);
    assert.equal(mocks.registration("project").protect, false);
    assert.equal(mocks.registration("project").inputs.orgId, "org-sponsored-1");
    assert.equal(mocks.registration("project").inputs.historyRetentionSeconds, 21600);
    assert.deepEqual(mocks.registrations.filter((r) => r.custom).map((r) => r.name), ["project"]);
    assert.equal((await settle(tenant.dataApiUrl)).value, undefined);
    assert.deepEqual((await settle(tenant.previewBranchUris)).value, {});
  });

  it("lets the caller's protect option win over the tier's", async () => {
    const tenant = new TenantEnvironment("initech", { spec: { id: "initech", tier: "paid" }, organizations }, { protect: false });
    await settle(tenant.projectId);
    assert.equal(mocks.registration("project").protect, false);
  });

  it("refuses a bad spec before registering anything, naming each key", () => {
    assert.throws(
      () => new TenantEnvironment("bad", { spec: { id: "bad", tier: "gold", activeCheckpoint: "x", previewBranches: [{ name: "a", ttl: "1y" }] }, organizations, keyPrefix: "tenant:" }),
      (err: Error) => err instanceof TenantSpecError && /tenant:tier: must be one of free, paid, got "gold"/.test(err.message) && /tenant:previewBranches\[0\]\.ttl/.test(err.message),
    );
    assert.deepEqual(mocks.registrations, []);
  });

  it("refuses a tier whose organization the platform did not name", () => {
    assert.throws(() => new TenantEnvironment("x", { spec: { id: "x", tier: "paid" }, organizations: { sponsored: "org-s-1" } as never }), /organizations\.paid: .* id \(org-…\) is required/);
    assert.deepEqual(mocks.registrations, []);
  });
});
