/**
 * Package root: the six Pulumi resources, and the Neon API client they are built on.
 *
 * The client's response types `Branch`, `Endpoint`, `Snapshot` and `DataApi` share their names
 * with resource classes; at the root they are exported as `NeonApiBranch`, `NeonApiEndpoint`,
 * `NeonApiSnapshot` and `NeonApiDataApi` (under their own names from `neon-pulumi-dynamic/client`).
 */
export { NeonProject } from "./resources/project/resource";
export type { DefaultEndpointSettingsArgs, MaintenanceWindowArgs, NeonProjectArgs, ProjectQuotaArgs, ProjectSettingsArgs } from "./resources/project/args";
export { Branch } from "./resources/branch/resource";
export type { BranchArgs } from "./resources/branch/args";
export { Endpoint } from "./resources/endpoint/resource";
export type { EndpointArgs } from "./resources/endpoint/args";
export { Snapshot } from "./resources/snapshot/resource";
export type { SnapshotArgs } from "./resources/snapshot/args";
export { AuthIntegration } from "./resources/authIntegration/resource";
export type { AuthIntegrationArgs, OAuthProviderArgs } from "./resources/authIntegration/args";
export { DataApi } from "./resources/dataApi/resource";
export type { DataApiArgs, DataApiSettingsArgs } from "./resources/dataApi/args";

export { TenantEnvironment, tenantEnvironmentType, type TenantEnvironmentArgs } from "./tenant/component";
export { parseTenantSpec, parseTtl, TenantSpecError, tenantSpecKeys, type TenantSpec, type PreviewBranchSpec } from "./tenant/spec";
export { tiers, tierNames, type TierDefinition, type TierName, type OrganizationRole, type TenantOrganizations } from "./tenant/tiers";
export { tenantPlan, TenantOrganizationsError, type TenantPlan } from "./tenant/plan";
export { tenantSpecFromConfig, organizationsFromConfig } from "./tenant/config";

export * from "./client";
export type { Branch as NeonApiBranch, Endpoint as NeonApiEndpoint, Snapshot as NeonApiSnapshot, DataApi as NeonApiDataApi } from "./client";
