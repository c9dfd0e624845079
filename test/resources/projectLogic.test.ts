import assert from "node:assert/strict";
import { checkInputs } from "../../provider/resources/common/check";
import { unknownValue } from "../../provider/resources/common/unknown";
import { neonProjectInputsSchema } from "../../provider/resources/project/args";
import {
  patchBeforeTransfer,
  connectionUri,
  poolerHost,
  projectCreateBody,
  projectDiff,
  projectTransitionFailures,
  projectUpdateBody,
} from "../../provider/resources/project/logic";

describe("NeonProject policy", () => {
  it("lowers the history retention before a move and raises it after one, so the destination plan allows it on arrival", () => {
    assert.equal(patchBeforeTransfer({ historyRetentionSeconds: 604800 }, { historyRetentionSeconds: 21600 }), true);
    assert.equal(patchBeforeTransfer({ historyRetentionSeconds: 21600 }, { historyRetentionSeconds: 604800 }), false);
    assert.equal(patchBeforeTransfer({ historyRetentionSeconds: 21600 }, { historyRetentionSeconds: 21600 }), false);
    assert.equal(patchBeforeTransfer({}, { historyRetentionSeconds: 21600 }), false);
    assert.equal(patchBeforeTransfer({ historyRetentionSeconds: 21600 }, {}), false);
  });

  describe("diff", () => {
    const olds = {
      name: "tenant-a",
      regionId: "aws-us-east-2",
      pgVersion: 17,
      orgId: "org-a",
      historyRetentionSeconds: 21600,
      settings: { allowedIps: ["10.0.0.1", "10.0.0.2"], enableLogicalReplication: false, quota: { activeTimeSeconds: 100 } },
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2 },
      updatedAt: "2026-01-01T00:00:00Z",
    };

    it("reports no change for the same declared inputs, whatever Neon filled in besides", () => {
      const d = projectDiff(olds, { name: "tenant-a", settings: { allowedIps: ["10.0.0.2", "10.0.0.1"] } });
      assert.deepEqual(d, { changes: false, replaces: [], changed: [] });
    });

    it("ignores fields the user no longer declares instead of replacing or resetting them", () => {
      assert.equal(projectDiff(olds, {}).changes, false);
    });

    it("replaces only for region and Postgres version", () => {
      const d = projectDiff(olds, { regionId: "aws-eu-central-1", pgVersion: 16, name: "b", orgId: "org-b" });
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces.sort(), ["pgVersion", "regionId"]);
      assert.deepEqual(d.changed.sort(), ["name", "orgId", "pgVersion", "regionId"]);
    });

    it("moves organizations and enables logical replication in place", () => {
      const d = projectDiff(olds, { orgId: "org-b", settings: { enableLogicalReplication: true } });
      assert.deepEqual(d.replaces, []);
      assert.deepEqual(d.changed.sort(), ["orgId", "settings"]);
    });

    it("treats an unknown (preview) value as a change, and as a replace for replace keys", () => {
      const d = projectDiff(olds, { regionId: unknownValue, name: unknownValue });
      assert.deepEqual(d.replaces, ["regionId"]);
      assert.deepEqual(d.changed.sort(), ["name", "regionId"]);
    });

    it("compares compute units as numbers", () => {
      assert.equal(projectDiff(olds, { defaultEndpointSettings: { autoscalingLimitMaxCu: 2.0 } }).changes, false);
      assert.equal(projectDiff(olds, { defaultEndpointSettings: { autoscalingLimitMaxCu: 4 } }).changes, true);
    });
  });

  describe("check", () => {
    const check = (news: Record<string, unknown>) => checkInputs(neonProjectInputsSchema(), news);

    it("names the field and the reason for bad values", () => {
      const { failures } = check({ pgVersion: 13, historyRetentionSeconds: -1, regionId: 5 });
      assert.deepEqual(
        failures.map((f) => f.property).sort(),
        ["historyRetentionSeconds", "pgVersion", "regionId"],
      );
      assert.match(failures.find((f) => f.property === "pgVersion")!.reason, /≥ 14/);
    });

    it("rejects unknown properties, nested ones too", () => {
      const { failures } = check({ nmae: "x", settings: { allowedIPs: [] } });
      assert.deepEqual(failures.map((f) => f.property).sort(), ["nmae", "settings.allowedIPs"]);
    });

    it("rejects min > max compute units", () => {
      const { failures } = check({ defaultEndpointSettings: { autoscalingLimitMinCu: 4, autoscalingLimitMaxCu: 1 } });
      assert.equal(failures[0].property, "defaultEndpointSettings.autoscalingLimitMinCu");
    });

    it("lets Pulumi's unknown placeholder through in any field type", () => {
      const { failures } = check({ pgVersion: unknownValue, settings: { allowedIps: unknownValue }, name: unknownValue });
      assert.deepEqual(failures, []);
    });

    it("refuses a role rename and turning logical replication off, with the reason", () => {
      const failures = projectTransitionFailures(
        { defaultRoleName: "owner", settings: { enableLogicalReplication: true } },
        { defaultRoleName: "admin", settings: { enableLogicalReplication: false } },
      );
      assert.deepEqual(failures.map((f) => f.property), ["defaultRoleName", "settings.enableLogicalReplication"]);
      assert.match(failures[0].reason, /cannot rename roles/);
    });
  });

  describe("request bodies", () => {
    it("creates with Neon's field names and only what was declared", () => {
      const body = projectCreateBody({
        name: "t",
        regionId: "aws-eu-central-1",
        pgVersion: 16,
        settings: { allowedIps: ["1.2.3.4"], maintenanceWindow: { weekdays: [1], startTime: "01:00", endTime: "02:00" } },
        defaultEndpointSettings: { autoscalingLimitMaxCu: 4 },
        defaultDatabaseName: "app",
      });
      assert.deepEqual(body, {
        project: {
          name: "t",
          region_id: "aws-eu-central-1",
          pg_version: 16,
          settings: { allowed_ips: { ips: ["1.2.3.4"] }, maintenance_window: { weekdays: [1], start_time: "01:00", end_time: "02:00" } },
          default_endpoint_settings: { autoscaling_limit_max_cu: 4 },
          branch: { database_name: "app" },
        },
      });
    });

    it("PATCHes only declared fields that changed, never server-owned values", () => {
      const olds = { name: "a", historyRetentionSeconds: 100, settings: { allowedIps: ["1.1.1.1"], blockPublicConnections: false, maintenanceWindow: { weekdays: [1], startTime: "00:00", endTime: "01:00" } } };
      assert.equal(projectUpdateBody(olds, { name: "a", settings: { allowedIps: ["1.1.1.1"] } }), undefined);
      assert.deepEqual(projectUpdateBody(olds, { name: "b", historyRetentionSeconds: 100, settings: { blockPublicConnections: true } }), {
        project: { name: "b", settings: { block_public_connections: true } },
      });
    });
  });

  it("derives pooler hosts and connection URIs the way Neon does", () => {
    assert.equal(poolerHost("ep-a-b-1.us-east-2.aws.neon.tech"), "ep-a-b-1-pooler.us-east-2.aws.neon.tech");
    assert.equal(connectionUri("r", "p@ss", "h", "db"), "postgresql://r:p%40ss@h/db?sslmode=require");
  });
});
