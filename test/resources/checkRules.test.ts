/**
 * Every rule of every resource's `check` that reads several fields, over mutated inputs: each rule
 * is broken on purpose, then every other field (at any depth) is in turn made unknown, as a preview
 * sends values not known yet. The rule must still be reported, naming its field: a rule silently
 * skipped during a preview passes the preview and fails the update.
 */
import assert from "node:assert/strict";
import * as authIntegration from "../../provider/resources/authIntegration/lifecycle";
import * as branch from "../../provider/resources/branch/lifecycle";
import * as dataApi from "../../provider/resources/dataApi/lifecycle";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { unknownValue } from "../../provider/resources/common/unknown";

type Inputs = Record<string, unknown>;
type Check = (olds: Inputs, news: Inputs) => Promise<{ failures: { property: string; reason: string }[] }>;

interface BrokenRule {
  resource: string;
  check: Check;
  /** Inputs that break exactly this rule. */
  inputs: Inputs;
  /** The property the failure must name. */
  property: string;
  /** The fields the rule reads (never made unknown: with one of them unknown it cannot be judged). */
  reads: string[];
}

const rules: BrokenRule[] = [
  {
    resource: "NeonProject",
    check: project.check as Check,
    inputs: { name: "p", regionId: "aws-us-east-2", historyRetentionSeconds: 3600, defaultEndpointSettings: { autoscalingLimitMinCu: 2, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 }, settings: { allowedIps: ["10.0.0.0/8"] } },
    property: "defaultEndpointSettings.autoscalingLimitMinCu",
    reads: ["defaultEndpointSettings.autoscalingLimitMinCu", "defaultEndpointSettings.autoscalingLimitMaxCu"],
  },
  {
    resource: "DataApi",
    check: dataApi.check as Check,
    inputs: { projectId: "proj-1", databaseName: "neondb", authProvider: "external", jwtAudience: "app", settings: { dbMaxRows: 10, dbSchemas: ["public"] } },
    property: "jwksUrl",
    reads: ["authProvider", "jwksUrl"],
  },
  {
    resource: "Snapshot",
    check: snapshot.check as Check,
    inputs: { projectId: "proj-1", name: "n", lsn: "0/1", timestamp: "2026-01-01T00:00:00Z", expiresAt: "2026-02-01T00:00:00Z", restoreDefaultBranch: false },
    property: "timestamp",
    reads: ["lsn", "timestamp"],
  },
  {
    resource: "AuthIntegration (client id without secret)",
    check: authIntegration.check as Check,
    inputs: { projectId: "proj-1", allowLocalhost: true, oauthProviders: [{ id: "google", clientId: "client-1" }], trustedDomains: ["https://a.example.com"] },
    property: "oauthProviders.0.clientSecret",
    reads: ["oauthProviders.0.clientId", "oauthProviders.0.clientSecret", "oauthProviders.0.id"],
  },
  {
    resource: "AuthIntegration (a domain twice)",
    check: authIntegration.check as Check,
    inputs: { projectId: "proj-1", allowLocalhost: false, trustedDomains: ["https://a.example.com", "https://a.example.com", "https://b.example.com"] },
    property: "trustedDomains",
    reads: ["trustedDomains.0", "trustedDomains.1"],
  },
  {
    resource: "Endpoint",
    check: endpoint.check as Check,
    inputs: { projectId: "proj-1", branchId: "br-1", type: "read_write", autoscalingLimitMinCu: 2, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 },
    property: "autoscalingLimitMinCu",
    reads: ["autoscalingLimitMinCu", "autoscalingLimitMaxCu"],
  },
  {
    resource: "Branch",
    check: branch.check as Check,
    inputs: { projectId: "proj-1", parentId: "br-1", name: "dev", parentLsn: "0/1", parentTimestamp: "2026-01-01T00:00:00Z", protected: false },
    property: "parentTimestamp",
    reads: ["parentLsn", "parentTimestamp"],
  },
];

/** Every path to a value in the inputs: objects and arrays are walked, their leaves and the containers themselves listed. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [...(prefix.length > 0 ? [prefix] : []), ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function withUnknownAt(inputs: Inputs, path: string[]): Inputs {
  const copy = structuredClone(inputs);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = unknownValue;
  return copy;
}

describe("check's rules over several fields, with values not known yet", () => {
  for (const rule of rules) {
    describe(rule.resource, () => {
      it(`reports ${rule.property} when every field is known`, async () => {
        const { failures } = await rule.check({}, rule.inputs);
        const failure = failures.find((f) => f.property === rule.property);
        assert.ok(failure, `no failure for ${rule.property}: ${JSON.stringify(failures)}`);
        assert.ok(failure.reason.length > 10);
      });

      const mutable = paths(rule.inputs).filter((p) => !rule.reads.some((r) => r === p.join(".") || r.startsWith(`${p.join(".")}.`)));
      it(`still reports ${rule.property} when any one of the other ${mutable.length} values is unknown`, async () => {
        for (const path of mutable) {
          const { failures } = await rule.check({}, withUnknownAt(rule.inputs, path));
          assert.ok(
            failures.some((f) => f.property === rule.property),
            `with ${path.join(".")} unknown, the rule over ${rule.reads.join(", ")} was skipped: ${JSON.stringify(failures)}`,
          );
        }
      });

      it("accepts the same inputs once the rule holds, whatever is unknown", async () => {
        const { failures } = await rule.check({}, withUnknownAt(rule.inputs, rule.property.split(".")));
        assert.deepEqual(failures.filter((f) => f.property === rule.property), [], "an unknown value of the rule's own field is no failure yet");
      });
    });
  }
});
