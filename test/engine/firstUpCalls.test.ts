/**
 * A tenant's first `up` through the real Pulumi engine, at the provider's default polling and the
 * local Neon API's default 300 ms operations: the engine creates the resources side by side (one
 * dynamic-provider process for all), so this is where our own requests could collide (a 423 of our
 * own making) or each wait poll on its own. It must stay within `callBudgets.tenantUp`, the figure
 * the per-resource test (test/resources/tenantCalls.test.ts) justifies call by call.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import type { Engine } from "../../runner/engine";
import { callBudgets } from "../support/callBudgets";
import { changedResources, describeRequests, openTestStack, repoRoot, requireEngine, startNeonTarget, type NeonTarget, type TestStack } from "../support/engineHarness";

describe("a tenant's first up through the real Pulumi engine", function () {
  this.timeout(180_000);
  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget(300, "default");
    stack = await openTestStack({ engine, target, projectDir: path.join(repoRoot, "test/engine/programs/tenant-first-up"), config: {} });
  });
  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it(`creates the six resources in at most ${callBudgets.tenantUp} Neon API calls, none refused for a busy project`, async function () {
    if (target.kind !== "local") this.skip(); // the real Neon API has no request log to count
    const up = await stack.run((o) => stack.runner.up(o));
    assert.deepEqual(changedResources(up.steps), {
      project: ["create"],
      compute: ["create"],
      auth: ["create"],
      "data-api": ["create"],
      checkpoint: ["create"],
      preview: ["create"],
    });
    const requests = up.requests!;
    assert.deepEqual(requests.filter((r) => r.status >= 400), [], describeRequests(requests));
    assert.ok(requests.length <= callBudgets.tenantUp, `${requests.length} calls (budget ${callBudgets.tenantUp}):\n${describeRequests(requests)}`);
  });

  it("then destroys them all", async function () {
    if (target.kind !== "local") this.skip();
    await stack.run((o) => stack.runner.destroy(o));
    const { projects } = await target.client.projects.list();
    assert.deepEqual(projects.filter((p) => p.name === stack.runner.stackName), []);
  });
});
