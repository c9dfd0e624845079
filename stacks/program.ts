/**
 * One tenant's Neon environment, declared from its stack config: a project in the organization its
 * plan belongs to, the default compute's size, Neon Auth and the Data API on the active branch, a
 * checkpoint, and preview branches that expire. Config (namespace `tenant`, all optional):
 *
 * | key | what | changing it |
 * |---|---|---|
 * | `name` | the Neon project's name (default: the stack name) | an update |
 * | `orgId` | the organization (default: the API key's) | moves the project: an update |
 * | `region` | Neon region (default `aws-us-east-2`) | **replaces the project (a new, empty database)** |
 * | `computeMaxCu` | the default compute's autoscaling maximum (default 4) | an update |
 * | `activeSnapshotId` | restore the active branch from this checkpoint | an update (same connection string) |
 * | `previewBranches` | names of preview branches, e.g. `["pr-17"]` (each expires after a week) | adds or removes branches |
 * | `protect` | protect the project from deletion (default true) | state only |
 *
 * Credentials: `pulumi config set --secret neon:apiKey napi_…` (or NEON_API_KEY in the environment).
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration, Branch, DataApi, Endpoint, NeonProject, Snapshot } from "neon-pulumi-dynamic";

const previewBranchTtlSeconds = 7 * 24 * 3600;

export async function tenantProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("tenant");
  const name = config.get("name") ?? pulumi.getStack();
  const previewBranchNames = config.getObject<string[]>("previewBranches") ?? [];

  const project = new NeonProject(
    "project",
    {
      name,
      orgId: config.get("orgId"),
      regionId: config.get("region"),
      historyRetentionSeconds: 21600,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, suspendTimeoutSeconds: 300 },
      activeSnapshotId: config.get("activeSnapshotId"),
    },
    // A tenant's database is never deleted by accident.
    { protect: config.getBoolean("protect") ?? true },
  );

  // The default compute, adopted so its size can be managed (it follows restores of the active branch).
  const compute = new Endpoint("compute", {
    projectId: project.projectId,
    adoptDefault: true,
    autoscalingLimitMaxCu: config.getNumber("computeMaxCu") ?? 4,
  });

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

  const previewBranches = previewBranchNames.map(
    (branchName) => new Branch(`preview-${branchName}`, { projectId: project.projectId, name: `${name}-${branchName}`, ttlSeconds: previewBranchTtlSeconds }),
  );

  return {
    projectId: project.projectId,
    databaseUrl: project.connectionUri, // secret
    pooledDatabaseUrl: project.pooledConnectionUri, // secret
    computeHost: compute.host,
    authJwksUrl: auth.jwksUrl,
    authSecretServerKey: auth.secretServerKey, // secret
    dataApiUrl: dataApi.url,
    checkpointId: checkpoint.snapshotId,
    previewBranchIds: Object.fromEntries(previewBranchNames.map((branchName, i) => [branchName, previewBranches[i].branchId])),
  };
}
