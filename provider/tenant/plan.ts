/**
 * What a tenant spec and its tier mean in resources: the arguments of the project, its checkpoints,
 * Neon Auth, the Data API and each preview branch with its compute. Pure, so the mapping is tested
 * without Pulumi; TenantEnvironment only registers what this says.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PreviewBranchSpec, TenantSpec } from "./spec";
import { fromActiveBranch } from "./spec";
import { tiers, type TenantOrganizations, type TierDefinition } from "./tiers";

export interface TenantPlan {
  readonly tier: TierDefinition;
  readonly organizationId: string;
  readonly project: {
    name: string;
    orgId: string;
    regionId: string;
    pgVersion: number;
    historyRetentionSeconds: number;
    defaultEndpointSettings: { autoscalingLimitMinCu: number; autoscalingLimitMaxCu: number; suspendTimeoutSeconds: number };
    settings: { quota: TierDefinition["quota"] };
  };
  readonly checkpoints: readonly { resourceName: string; checkpoint: string; name: string; restoreDefaultBranch: boolean }[];
  readonly auth?: { trustedDomains: string[]; oauthProviders: { id: TenantSpec["auth"]["oauthProviders"][number] }[]; allowLocalhost: boolean };
  readonly dataApi?: { authProvider: TenantSpec["dataApi"]["authMode"]; jwksUrl?: string };
  readonly previewBranches: readonly PreviewBranchPlan[];
}

export interface PreviewBranchPlan {
  readonly resourceName: string;
  readonly spec: PreviewBranchSpec;
  /** The Neon branch's name. */
  readonly branchName: string;
  /** The checkpoint it starts from; undefined: the active branch as it is now. */
  readonly fromCheckpoint?: string;
  readonly compute: { autoscalingLimitMinCu: number; autoscalingLimitMaxCu: number; suspendTimeoutSeconds: number };
}

/** A RunError (reported without a stack trace): the platform's organizations are config to fix. */
export class TenantOrganizationsError extends pulumi.RunError {}

export function tenantPlan(spec: TenantSpec, organizations: TenantOrganizations): TenantPlan {
  const tier = tiers[spec.tier];
  const organizationId = organizations?.[tier.organization];
  if (typeof organizationId !== "string" || !/^org-[\w-]+$/.test(organizationId)) {
    throw new TenantOrganizationsError(
      `organizations.${tier.organization}: the ${spec.tier} tier's tenants live in the ${tier.organization} organization, ` +
        `so its id (org-…) is required, got ${JSON.stringify(organizationId)}`,
    );
  }
  const compute = { autoscalingLimitMinCu: tier.computeMinCu, autoscalingLimitMaxCu: tier.computeMaxCu, suspendTimeoutSeconds: tier.suspendTimeoutSeconds };
  return {
    tier,
    organizationId,
    project: {
      name: spec.id,
      orgId: organizationId,
      regionId: spec.region,
      pgVersion: spec.postgresVersion,
      historyRetentionSeconds: tier.historyRetentionSeconds,
      defaultEndpointSettings: compute,
      settings: { quota: tier.quota },
    },
    checkpoints: spec.checkpoints.map((checkpoint) => ({
      resourceName: `checkpoint-${checkpoint}`,
      checkpoint,
      name: checkpoint,
      restoreDefaultBranch: checkpoint === spec.activeCheckpoint,
    })),
    ...(spec.auth.enabled
      ? {
          auth: {
            trustedDomains: [...spec.auth.trustedDomains],
            oauthProviders: spec.auth.oauthProviders.map((id) => ({ id })),
            allowLocalhost: spec.auth.allowLocalhost,
          },
        }
      : {}),
    ...(spec.dataApi.enabled
      ? { dataApi: { authProvider: spec.dataApi.authMode, ...(spec.dataApi.jwksUrl !== undefined ? { jwksUrl: spec.dataApi.jwksUrl } : {}) } }
      : {}),
    previewBranches: spec.previewBranches.map((branch) => ({
      resourceName: `preview-${branch.name}`,
      spec: branch,
      branchName: `preview-${branch.name}`,
      ...(branch.from !== fromActiveBranch ? { fromCheckpoint: branch.from } : {}),
      compute,
    })),
  };
}

/** A preview branch's URI is written as the project's: one function. */
export { connectionUri } from "../resources/project/logic";
