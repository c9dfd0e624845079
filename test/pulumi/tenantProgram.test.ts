/**
 * The tenant program (stacks/program.ts) under the recording mocks: it builds one TenantEnvironment
 * from the stack's `tenant:` config and the project's `platform:organizations`, exports the outputs
 * a platform needs (secrets secret), and refuses bad config, an unknown `tenant:` key included,
 * before registering anything. The same function runs through the real engine in
 * test/engine/tenantStack.test.ts.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { tenantProgram } from "../../stacks/program";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type RecordingMocks } from "./pulumiMocks";

const organizations = JSON.stringify({ sponsored: "org-sponsored-1", paid: "org-paid-2" });

describe("the tenant program under Pulumi mocks", function () {
  this.timeout(20_000);
  let mocks: RecordingMocks;

  beforeEach(async () => {
    mocks = await installRecordingMocks((type) =>
      type.endsWith(":NeonProject") ? { connectionUri: "postgresql://u:npg_x@h/db", pooledConnectionUri: "postgresql://u:npg_x@h-pooler/db" } : {},
    );
  });
  afterEach(() => {
    pulumi.runtime.setAllConfig({});
    mocks.uninstall();
    assertNoUnhandledRejections();
  });

  it("builds the tenant from its stack config, defaulting its id to the stack name, and exports its outputs", async () => {
    pulumi.runtime.setAllConfig({
      "platform:organizations": organizations,
      "tenant:tier": "paid",
      "tenant:checkpoints": JSON.stringify(["baseline"]),
      "tenant:previewBranches": JSON.stringify([{ name: "pr-17", ttl: "1d" }]),
    });
    const outputs = (await tenantProgram()) as Record<string, unknown>;
    assert.equal(outputs.tenantId, "test", "the stack name");
    assert.equal(outputs.tier, "paid");
    assert.equal(outputs.organizationId, "org-paid-2");
    assert.equal((await settle(outputs.databaseUrl as pulumi.Output<string>)).secret, true);
    assert.equal((await settle(outputs.previewBranchUris as pulumi.Output<unknown>)).secret, true);
    assert.equal(mocks.registration("tenant").type, "neon:tenant:TenantEnvironment");
    assert.equal(mocks.registration("project").inputs.name, "test");
    assert.equal(mocks.registration("preview-pr-17").inputs.ttlSeconds, 86400);
    // Neon Auth and the Data API are off: their outputs are left out rather than undefined (a warning on every run).
    assert.deepEqual(Object.keys(outputs).sort(), [
      "checkpointIds", "computeHost", "databaseUrl", "organizationId", "pooledDatabaseUrl", "previewBranchUris", "projectId", "tenantId", "tier",
    ]);
  });

  it("refuses a tenant: key that is not a setting, and bad values, before registering anything", async () => {
    pulumi.runtime.setAllConfig({ "platform:organizations": organizations, "tenant:teir": "paid" });
    await assert.rejects(tenantProgram(), /tenant:teir is not a setting \(the tenant settings are tenant:id, tenant:tier,/);
    pulumi.runtime.setAllConfig({ "platform:organizations": organizations, "tenant:tier": "gold", "tenant:checkpoints": JSON.stringify(["a", "a"]) });
    await assert.rejects(tenantProgram(), /tenant:tier: must be one of free, paid, got "gold"/);
    pulumi.runtime.setAllConfig({ "platform:organizations": organizations, "tenant:tier": "free", "tenant:checkpoints": JSON.stringify(["a", "a"]), "tenant:activeCheckpoint": "b" });
    await assert.rejects(tenantProgram(), (err: Error) => /tenant:checkpoints\[1\]: names the checkpoint "a" twice/.test(err.message) && /tenant:activeCheckpoint: must name one of the checkpoints \(a\), got "b"/.test(err.message));
    assert.deepEqual(mocks.registrations, []);
  });

  it("says which platform setting is missing", async () => {
    pulumi.runtime.setAllConfig({ "tenant:tier": "free" });
    await assert.rejects(tenantProgram(), /platform:organizations/);
  });
});
