import assert from "node:assert/strict";
import type { Endpoint } from "../../provider/client/schemas/endpoints";
import { plainOutputs } from "../../provider/resources/common/plainOutputs";
import { unknownValue } from "../../provider/resources/common/unknown";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import {
  endpointCreateBody,
  endpointDiff,
  endpointOutputs,
  endpointUpdateBody,
  isAdopted,
  readWriteTakenMessage,
} from "../../provider/resources/endpoint/logic";

function neonEndpoint(over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: "ep-cool-dew-123456",
    project_id: "proj-1",
    branch_id: "br-main-000001",
    host: "ep-cool-dew-123456.us-east-2.aws.neon.tech",
    region_id: "aws-us-east-2",
    type: "read_write",
    current_state: "active",
    autoscaling_limit_min_cu: 0.25,
    autoscaling_limit_max_cu: 2,
    suspend_timeout_seconds: 0,
    disabled: false,
    pooler_enabled: false,
    pooler_mode: "transaction",
    settings: { pg_settings: { work_mem: "64MB" }, pgbouncer_settings: { max_client_conn: "500" } },
    provisioner: "k8s-neonvm",
    proxy_host: "us-east-2.aws.neon.tech",
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-01T10:00:00Z",
    ...over,
  };
}

describe("Endpoint policy", () => {
  describe("diff", () => {
    const declared = { projectId: "proj-1", autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, pgSettings: { work_mem: "64MB" } };
    const olds = endpointOutputs(neonEndpoint(), declared);

    it("reports no change for the same declared inputs, whatever Neon filled in besides", () => {
      assert.deepEqual(endpointDiff(olds, declared), { changes: false, replaces: [], changed: [] });
      assert.equal(endpointDiff(olds, { ...declared, autoscalingLimitMaxCu: 2.0 }).changes, false);
    });

    it("ignores fields the user no longer declares instead of replacing or resetting them", () => {
      assert.equal(endpointDiff(olds, { projectId: "proj-1" }).changes, false);
    });

    it("does not compare the branch unless it is declared: Neon moves computes when it restores a branch", () => {
      const moved = endpointOutputs(neonEndpoint({ branch_id: "br-restored-000002" }), undefined);
      assert.equal(endpointDiff(moved, declared).changes, false);
      assert.deepEqual(endpointDiff(moved, { ...declared, branchId: "br-restored-000002" }).changes, false);
    });

    for (const [field, value] of [["projectId", "proj-2"], ["branchId", "br-other-000003"], ["type", "read_only"]] as const) {
      it(`replaces the compute when ${field} changes`, () => {
        const d = endpointDiff(olds, { ...declared, [field]: value });
        assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, [field], undefined]);
      });
    }

    for (const [field, value] of [
      ["autoscalingLimitMinCu", 0.5],
      ["autoscalingLimitMaxCu", 4],
      ["suspendTimeoutSeconds", -1],
      ["poolerMode", "session"],
      ["pgSettings", { work_mem: "128MB" }],
      ["provisioner", "k8s-pod"],
      ["disabled", true],
    ] as const) {
      it(`updates in place (never touching the branch) when ${field} changes`, () => {
        const d = endpointDiff(olds, { ...declared, [field]: value });
        assert.deepEqual([d.changes, d.replaces, d.changed], [true, [], [field]]);
      });
    }

    it("compares Postgres settings as a whole map: order does not matter, a removed setting does", () => {
      const two = endpointOutputs(neonEndpoint({ settings: { pg_settings: { a: "1", b: "2" } } }), { projectId: "proj-1", pgSettings: { a: "1", b: "2" } });
      assert.equal(endpointDiff(two, { projectId: "proj-1", pgSettings: { b: "2", a: "1" } }).changes, false);
      assert.deepEqual(endpointDiff(two, { projectId: "proj-1", pgSettings: { a: "1" } }).changed, ["pgSettings"]);
      assert.deepEqual(endpointDiff(two, { projectId: "proj-1", pgSettings: {} }).changed, ["pgSettings"]);
    });

    it("treats an unknown (preview) value as a change, and as a replace for replace keys", () => {
      const d = endpointDiff(olds, { projectId: "proj-1", branchId: unknownValue, autoscalingLimitMaxCu: unknownValue });
      assert.deepEqual(d.replaces, ["branchId"]);
      assert.deepEqual(d.changed.sort(), ["autoscalingLimitMaxCu", "branchId"]);
    });

    it("never compares adoptId or adoptDefault (read at create only)", () => {
      assert.equal(endpointDiff({ ...olds, adoptDefault: true }, { ...declared, adoptId: "ep-other-1", adoptDefault: false }).changes, false);
    });
  });

  describe("check", () => {
    const check = async (news: Record<string, unknown>) => (await endpoint.check({}, news)).failures;
    const properties = async (news: Record<string, unknown>) => (await check(news)).map((f) => f.property).sort();

    it("requires projectId and names the field and the reason for bad values", async () => {
      const failures = await check({ type: "primary", autoscalingLimitMinCu: 0.1, suspendTimeoutSeconds: 604801, poolerMode: "session", provisioner: "docker", pgSettings: { work_mem: 64 } });
      assert.deepEqual(failures.map((f) => f.property).sort(), [
        "autoscalingLimitMinCu",
        "pgSettings.work_mem",
        "poolerMode",
        "projectId",
        "provisioner",
        "suspendTimeoutSeconds",
        "type",
      ]);
      assert.match(failures.find((f) => f.property === "autoscalingLimitMinCu")!.reason, /≥ 0.25/);
      assert.match(failures.find((f) => f.property === "type")!.reason, /"read_write", "read_only"/);
    });

    it("refuses min > max compute units", async () => {
      const failures = await check({ projectId: "p", autoscalingLimitMinCu: 4, autoscalingLimitMaxCu: 1 });
      assert.deepEqual(failures.map((f) => `${f.property}: ${f.reason}`), ["autoscalingLimitMinCu: must be ≤ autoscalingLimitMaxCu (4 > 1)"]);
      assert.deepEqual(await check({ projectId: "p", autoscalingLimitMinCu: 1, autoscalingLimitMaxCu: 1 }), []);
    });

    it("accepts -1 (never), 0 (Neon's default) and 60–604800 as suspend timeouts, nothing in between", async () => {
      for (const ok of [-1, 0, 60, 604800]) assert.deepEqual(await check({ projectId: "p", suspendTimeoutSeconds: ok }), [], String(ok));
      assert.deepEqual(await properties({ projectId: "p", suspendTimeoutSeconds: 30 }), ["suspendTimeoutSeconds"]);
      assert.deepEqual(await properties({ projectId: "p", suspendTimeoutSeconds: -2 }), ["suspendTimeoutSeconds"]);
    });

    it("rejects unknown properties", async () => {
      assert.deepEqual(await properties({ projectId: "p", autoscalingLimitMaxCU: 2, settings: {} }), ["autoscalingLimitMaxCU", "settings"]);
    });

    it("refuses adoptDefault with adoptId, a branch or a read-only type", async () => {
      assert.deepEqual(await properties({ projectId: "p", adoptDefault: true, adoptId: "ep-x", branchId: "br-x", type: "read_only" }), ["adoptDefault", "branchId", "type"]);
      assert.deepEqual(await check({ projectId: "p", adoptDefault: true, type: "read_write", autoscalingLimitMaxCu: 4 }), []);
      assert.deepEqual(await check({ projectId: "p", adoptDefault: false, branchId: "br-x" }), []);
    });

    it("lets Pulumi's unknown placeholder through in any field, also in the cross-field rules", async () => {
      assert.deepEqual(
        await check({ projectId: unknownValue, branchId: unknownValue, autoscalingLimitMinCu: unknownValue, autoscalingLimitMaxCu: 1, pgSettings: unknownValue, disabled: unknownValue }),
        [],
      );
      assert.deepEqual(await check({ projectId: "p", adoptDefault: true, branchId: unknownValue }), []);
      assert.deepEqual(await check({ projectId: "p", pgSettings: { work_mem: unknownValue } }), []);
    });
  });

  describe("request bodies", () => {
    it("creates with Neon's field names, read_write by default and only what was declared", () => {
      assert.deepEqual(endpointCreateBody({ projectId: "proj-1" }, "br-1"), { endpoint: { branch_id: "br-1", type: "read_write" } });
      assert.deepEqual(
        endpointCreateBody(
          { projectId: "proj-1", type: "read_only", autoscalingLimitMinCu: 0.5, autoscalingLimitMaxCu: 4, suspendTimeoutSeconds: -1, poolerMode: "transaction", pgSettings: { work_mem: "8MB" }, provisioner: "k8s-neonvm", disabled: false },
          "br-1",
        ),
        {
          endpoint: {
            branch_id: "br-1",
            type: "read_only",
            autoscaling_limit_min_cu: 0.5,
            autoscaling_limit_max_cu: 4,
            suspend_timeout_seconds: -1,
            pooler_mode: "transaction",
            settings: { pg_settings: { work_mem: "8MB" } },
            provisioner: "k8s-neonvm",
            disabled: false,
          },
        },
      );
    });

    it("PATCHes only declared fields that changed; the autoscaling limits travel together", () => {
      const olds = endpointOutputs(neonEndpoint(), { projectId: "proj-1", autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, disabled: false });
      assert.equal(endpointUpdateBody(olds, { projectId: "proj-1", autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, disabled: false }), undefined);
      assert.deepEqual(endpointUpdateBody(olds, { projectId: "proj-1", autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 8 }), {
        endpoint: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 8 },
      });
      assert.deepEqual(endpointUpdateBody(olds, { projectId: "proj-1", autoscalingLimitMaxCu: 8, suspendTimeoutSeconds: 0, disabled: true }), {
        endpoint: { autoscaling_limit_max_cu: 8, disabled: true },
      });
    });

    it("sends only the Postgres settings, never settings read back from Neon (PgBouncer, preload libraries)", () => {
      const olds = endpointOutputs(neonEndpoint(), { projectId: "proj-1", pgSettings: { work_mem: "64MB" } });
      assert.deepEqual(endpointUpdateBody(olds, { projectId: "proj-1", pgSettings: { work_mem: "64MB" } }), undefined);
      assert.deepEqual(endpointUpdateBody(olds, { projectId: "proj-1", pgSettings: { maintenance_work_mem: "1GB" } }), {
        endpoint: { settings: { pg_settings: { maintenance_work_mem: "1GB" } } },
      });
    });
  });

  describe("outputs", () => {
    it("echo the declared inputs, add Neon's values (the branch always live) and never contain undefined", () => {
      const outs = plainOutputs(endpointOutputs(neonEndpoint({ settings: undefined }), { projectId: "proj-1", branchId: "br-main-000001", adoptDefault: true, autoscalingLimitMaxCu: 2 }));
      assert.deepEqual(outs, {
        projectId: "proj-1",
        type: "read_write",
        autoscalingLimitMinCu: 0.25,
        autoscalingLimitMaxCu: 2,
        suspendTimeoutSeconds: 0,
        poolerMode: "transaction",
        pgSettings: {},
        provisioner: "k8s-neonvm",
        disabled: false,
        adoptDefault: true,
        branchId: "br-main-000001",
        endpointId: "ep-cool-dew-123456",
        host: "ep-cool-dew-123456.us-east-2.aws.neon.tech",
        poolerHost: "ep-cool-dew-123456-pooler.us-east-2.aws.neon.tech",
        proxyHost: "us-east-2.aws.neon.tech",
        currentState: "active",
        createdAt: "2026-03-01T10:00:00Z",
        __declared: ["adoptDefault", "autoscalingLimitMaxCu", "branchId", "projectId"],
      });
      assert.equal(endpointOutputs(neonEndpoint({ branch_id: "br-new" }), { projectId: "proj-1", branchId: "br-old" }).branchId, "br-new");
    });

    it("mark adopted computes, which are released on delete", () => {
      assert.equal(isAdopted({ adoptId: "ep-x" }), true);
      assert.equal(isAdopted({ adoptDefault: true }), true);
      assert.equal(isAdopted({ adoptDefault: false }), false);
      assert.equal(isAdopted({}), false);
    });
  });

  it("explains the one-read-write-compute rule with the compute that holds the place", () => {
    assert.match(readWriteTakenMessage("br-1", { id: "ep-rw" }), /branch br-1 already has a read-write compute \(ep-rw\).*adoptId: "ep-rw".*adoptDefault: true.*type: "read_only"/);
  });
});
