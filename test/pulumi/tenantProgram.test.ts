/**
 * The tenant program (stacks/program.ts) under the recording mocks: it registers the resources its
 * config asks for with their readable type tokens and the dependencies it declares, protects the
 * project unless told not to, and its secret outputs come back secret. The same function runs
 * through the real engine in test/engine/tenantStack.test.ts.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { tenantProgram } from "../../stacks/program";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type RecordingMocks } from "./pulumiMocks";

describe("the tenant program under Pulumi mocks", function () {
  this.timeout(20_000);
  let mocks: RecordingMocks;
  let outputs: Record<string, pulumi.Output<unknown>>;

  before(async () => {
    mocks = await installRecordingMocks((type) => {
      const fake: Record<string, Record<string, unknown>> = {
        "pulumi-nodejs:dynamic/neon:NeonProject": { connectionUri: "postgresql://u:npg_x@h/db", pooledConnectionUri: "postgresql://u:npg_x@h-pooler/db" },
        "pulumi-nodejs:dynamic/neon:AuthIntegration": { jwksUrl: "https://auth/jwks", secretServerKey: "ssk_x" },
        "pulumi-nodejs:dynamic/neon:DataApi": { url: "https://data-api" },
      };
      return fake[type] ?? {};
    });
    pulumi.runtime.setAllConfig({ "tenant:name": "acme", "tenant:previewBranches": JSON.stringify(["pr-17"]), "tenant:computeMaxCu": "8" });
    outputs = (await tenantProgram()) as Record<string, pulumi.Output<unknown>>;
  });
  afterEach(() => assertNoUnhandledRejections());
  after(() => {
    pulumi.runtime.setAllConfig({});
    mocks.uninstall();
  });

  it("registers the six resources with readable type tokens, one branch per preview branch", async () => {
    await settle(outputs.dataApiUrl);
    const types = mocks.registrations.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(types, [
      "pulumi-nodejs:dynamic/neon:AuthIntegration auth",
      "pulumi-nodejs:dynamic/neon:Branch preview-pr-17",
      "pulumi-nodejs:dynamic/neon:DataApi data-api",
      "pulumi-nodejs:dynamic/neon:Endpoint compute",
      "pulumi-nodejs:dynamic/neon:NeonProject project",
      "pulumi-nodejs:dynamic/neon:Snapshot checkpoint",
    ]);
    assert.equal(mocks.registration("preview-pr-17").inputs.name, "acme-pr-17");
    assert.equal(mocks.registration("compute").inputs.autoscalingLimitMaxCu, 8);
  });

  it("protects the project, wires every resource to it, and keeps the secrets secret", async () => {
    assert.equal(mocks.registration("project").protect, true);
    for (const name of ["compute", "auth", "data-api", "checkpoint", "preview-pr-17"]) {
      // The project's id (the mocks name it "<name>-id"): known even while an update is previewed.
      assert.equal(mocks.registration(name).inputs.projectId, "project-id", name);
    }
    assert.deepEqual(mocks.registration("compute").inputs.adoptDefault, true);
    const auth = mocks.registrations.find((r) => r.name === "auth")!;
    assert.ok(mocks.registration("data-api").dependencies.some((urn) => urn.endsWith("::auth")), "the Data API waits for Neon Auth");
    assert.ok(auth.dependencies.some((urn) => urn.endsWith("::project")));
    assert.equal((await settle(outputs.databaseUrl)).secret, true);
    assert.equal((await settle(outputs.authSecretServerKey)).secret, true);
    assert.equal((await settle(outputs.dataApiUrl)).secret, false);
  });
});
