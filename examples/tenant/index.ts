/**
 * One tenant's Neon environment, declared: a project in the organization its plan belongs to, the
 * default compute's size, Neon Auth and the Data API on the active branch, a checkpoint, and a
 * preview branch that expires. Config (all optional):
 *
 *   pulumi config set tenant:name acme
 *   pulumi config set tenant:orgId org-…               # change it to move the tenant (an update)
 *   pulumi config set tenant:activeSnapshotId snap-…   # roll the active branch back to a checkpoint
 *   pulumi config set --secret neon:apiKey napi_…
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration, Branch, DataApi, Endpoint, NeonProject, Snapshot } from "neon-pulumi-dynamic";

const config = new pulumi.Config("tenant");
const name = config.get("name") ?? pulumi.getStack();

const project = new NeonProject(
  "project",
  {
    name,
    orgId: config.get("orgId"),
    historyRetentionSeconds: 21600,
    defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, suspendTimeoutSeconds: 300 },
    activeSnapshotId: config.get("activeSnapshotId"),
  },
  // A tenant's database is never deleted by accident.
  { protect: true },
);

// The default compute, adopted so its size can be managed (it follows restores of the active branch).
const compute = new Endpoint("compute", { projectId: project.projectId, adoptDefault: true, autoscalingLimitMaxCu: 4 });

// Neon Auth and the Data API on the active branch: no branchId, so restores do not touch them.
const auth = new AuthIntegration("auth", {
  projectId: project.projectId,
  trustedDomains: [`https://${name}.example.com`],
  allowLocalhost: false,
});
const dataApi = new DataApi(
  "data-api",
  { projectId: project.projectId, authProvider: "neon_auth", settings: { dbSchemas: ["public"], dbMaxRows: 1000 } },
  { dependsOn: [auth] },
);

const checkpoint = new Snapshot("checkpoint", { projectId: project.projectId, name: `${name}-baseline` });

const preview = new Branch("preview", { projectId: project.projectId, name: `${name}-preview`, ttlSeconds: 7 * 24 * 3600 });

export const projectId = project.projectId;
export const databaseUrl = project.connectionUri; // secret
export const pooledDatabaseUrl = project.pooledConnectionUri; // secret
export const computeHost = compute.host;
export const authJwksUrl = auth.jwksUrl;
export const authSecretServerKey = auth.secretServerKey; // secret
export const dataApiUrl = dataApi.url;
export const checkpointId = checkpoint.snapshotId;
export const previewBranchId = preview.branchId;
