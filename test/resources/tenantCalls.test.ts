/**
 * What a tenant's first `up` costs in Neon API calls, resource by resource (the budget of issue 7,
 * `callBudgets.tenantUp`), and that nothing was saved by guessing: each create's outputs are what
 * a read right after reports. The provider runs at its default polling against the local Neon API
 * at its default 300 ms operations, on a manual clock that the provider's own waits move forward,
 * so operations take their full time without the test waiting for them. The same budget is
 * asserted through the real engine in test/engine/tenantStack.test.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManualClock, type NeonLocal } from "../../emulator";
import * as auth from "../../provider/resources/authIntegration/lifecycle";
import * as branch from "../../provider/resources/branch/lifecycle";
import { configure } from "../../provider/resources/common/providerConfig";
import { resetProviderConfiguration, setProviderClientOverrides } from "../support/clientOverrides";
import * as dataApi from "../../provider/resources/dataApi/lifecycle";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { callBudgets, tenantUpCalls } from "../support/callBudgets";
import { LinkedClock } from "../support/linkedClock";
import { startTestNeon } from "../support/neonLocal";
import { checkAndCreate } from "../support/providerContext";

interface Lifecycle {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: unknown; failures: unknown[] }>;
  create(inputs: never): Promise<{ id: string; outs: unknown }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
}

describe("the calls a tenant's first up makes, resource by resource", () => {
  let neon: NeonLocal;

  before(async () => {
    const clock = new ManualClock();
    neon = await startTestNeon({ clock, operationDelayMs: 300 });
    const config: Record<string, string> = { "neon:apiKey": neon.apiKey, "neon:apiHost": neon.url };
    await configure({ config: { get: (key: string) => config[key] } });
    // Default polling; only the clock (and quiet logs) differ from production.
    setProviderClientOverrides({ clock: new LinkedClock(clock), logger: false });
  });
  after(async () => {
    await resetProviderConfiguration();
    await neon.close();
  });

  it(`stays within ${callBudgets.tenantUp} calls, each one needed, with outputs a read right after confirms`, async () => {
    const calls: Record<string, string[]> = {};
    const created: [string, Lifecycle, { id: string; outs: unknown }][] = [];
    async function create(name: keyof typeof tenantUpCalls, lifecycle: Lifecycle, inputs: Record<string, unknown>) {
      const before = neon.requestLog.length;
      const result = await checkAndCreate(lifecycle, inputs);
      calls[name] = neon.requestLog.slice(before).map((e) => `${e.method} ${e.route}`);
      created.push([name, lifecycle, result]);
      return result;
    }

    const tenant = await create("project", project, { name: "tenant-42" });
    const projectId = tenant.id;
    await create("adoptedCompute", endpoint, { projectId, adoptDefault: true });
    await create("auth", auth, { projectId, trustedDomains: ["https://app.example.com"] });
    await create("dataApi", dataApi, { projectId });
    await create("checkpoint", snapshot, { projectId, name: "baseline" });
    await create("previewBranch", branch, { projectId, name: "preview-1" });

    assert.deepEqual(calls, tenantUpCalls);
    assert.ok(Object.values(calls).flat().length <= callBudgets.tenantUp);

    for (const [name, lifecycle, { id, outs }] of created) {
      const read = await lifecycle.read(id, outs as Record<string, unknown>);
      assert.deepEqual(read.props, outs, `${name}: a refresh right after the create would report a change`);
    }
  });

  it("is the budget docs/speed.md justifies, call by call", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../docs/speed.md"), "utf8");
    const table = doc.slice(doc.indexOf("| Resource | Call |"), doc.indexOf("The list lives once"));
    const documented = [...table.matchAll(/^\|[^|]*\| `(GET|POST|PATCH|DELETE) ([^`]+)` \|/gm)].map((m) => m[1]!);
    const budgeted = Object.values(tenantUpCalls).flat().map((call) => call.split(" ")[0]!);
    assert.deepEqual(documented, budgeted, "the table lists the budgeted calls, in order");
    assert.match(doc, new RegExp(`## The budget: ${callBudgets.tenantUp} calls for a tenant`));
  });
});
