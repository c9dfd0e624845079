/**
 * The example program (examples/tenant) under the recording mocks: it runs, registers the six
 * resources with their readable type tokens and the dependencies it declares, protects the project,
 * and its secret exports come back secret.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type RecordingMocks } from "./pulumiMocks";

describe("the tenant example program under Pulumi mocks", function () {
  this.timeout(20_000);
  let mocks: RecordingMocks;
  let program: Record<string, pulumi.Output<unknown>>;

  before(async () => {
    mocks = await installRecordingMocks((type) => {
      const fake: Record<string, Record<string, unknown>> = {
        "pulumi-nodejs:dynamic/neon:NeonProject": { connectionUri: "postgresql://u:npg_x@h/db", pooledConnectionUri: "postgresql://u:npg_x@h-pooler/db" },
        "pulumi-nodejs:dynamic/neon:AuthIntegration": { jwksUrl: "https://auth/jwks", secretServerKey: "ssk_x" },
        "pulumi-nodejs:dynamic/neon:DataApi": { url: "https://data-api" },
      };
      return fake[type] ?? {};
    });
    program = require("../../examples/tenant/index");
  });
  afterEach(() => assertNoUnhandledRejections());
  after(() => mocks.uninstall());

  it("registers the six resources with readable type tokens", async () => {
    await settle(program.dataApiUrl);
    const types = mocks.registrations.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(types, [
      "pulumi-nodejs:dynamic/neon:AuthIntegration auth",
      "pulumi-nodejs:dynamic/neon:Branch preview",
      "pulumi-nodejs:dynamic/neon:DataApi data-api",
      "pulumi-nodejs:dynamic/neon:Endpoint compute",
      "pulumi-nodejs:dynamic/neon:NeonProject project",
      "pulumi-nodejs:dynamic/neon:Snapshot checkpoint",
    ]);
  });

  it("protects the project, wires every resource to it, and keeps the secrets secret", async () => {
    assert.equal(mocks.registration("project").protect, true);
    for (const name of ["compute", "auth", "data-api", "checkpoint", "preview"]) {
      // The project's id (the mocks name it "<name>-id"): known even while an update is previewed.
      assert.equal(mocks.registration(name).inputs.projectId, "project-id", name);
    }
    assert.deepEqual(mocks.registration("compute").inputs.adoptDefault, true);
    const authUrn = mocks.registrations.find((r) => r.name === "auth")!;
    assert.ok(mocks.registration("data-api").dependencies.some((urn) => urn.endsWith("::auth")), "the Data API waits for Neon Auth");
    assert.ok(authUrn.dependencies.some((urn) => urn.endsWith("::project")));
    assert.equal((await settle(program.databaseUrl)).secret, true);
    assert.equal((await settle(program.authSecretServerKey)).secret, true);
    assert.equal((await settle(program.dataApiUrl)).secret, false);
  });
});
