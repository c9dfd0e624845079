/**
 * The committed tenant stack files are valid tenant specs, as the preview of each would find them:
 * a broken stack file fails here (in seconds) before any pull request runs the engine on it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { tenantPlan } from "../../provider/tenant/plan";
import { parseTenantSpec, tenantSpecKeys } from "../../provider/tenant/spec";
import { packageRoot } from "../../runner/packageRoot";

const root = packageRoot();
const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { stackConfigDir: string; config: Record<string, { value: unknown }> };
const stackFiles = fs.readdirSync(path.join(root, project.stackConfigDir)).filter((f) => /^Pulumi\.[\w.-]+\.yaml$/.test(f));

describe("the committed tenant stack files", () => {
  it("include the dev stack and sample tenants of each tier", () => {
    const stacks = stackFiles.map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort();
    assert.deepEqual(stacks, ["acme", "dev", "globex"]);
  });

  for (const file of stackFiles) {
    const stack = file.slice("Pulumi.".length, -".yaml".length);
    it(`${file} is a valid tenant spec with the platform's organizations`, () => {
      const config = (parse(fs.readFileSync(path.join(root, project.stackConfigDir, file), "utf8")) as { config?: Record<string, unknown> }).config ?? {};
      assert.ok(!("encryptionsalt" in config), "no salt committed: the runner and the CLI take it from the state");
      const raw: Record<string, unknown> = { id: stack };
      for (const [key, value] of Object.entries(config)) {
        if (!key.startsWith("tenant:")) continue;
        assert.ok((tenantSpecKeys as readonly string[]).includes(key.slice("tenant:".length)), `${key} is not a tenant setting`);
        raw[key.slice("tenant:".length)] = value;
      }
      const spec = parseTenantSpec(raw, "tenant:");
      assert.ok(!("neon:apiKey" in config) && !("neon:apiHost" in config), "no API host or key in a committed stack file");
      tenantPlan(spec, project.config["platform:organizations"].value as never);
    });
  }
});
