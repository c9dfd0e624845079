/**
 * The tenant program: one tenant's Neon environment (a TenantEnvironment) from its stack config.
 * The spec is the `tenant:` keys of `stacks/Pulumi.<tenant>.yaml` (see the README's tenant model);
 * the organizations each tier lives in are `platform:organizations`, shared by every tenant in
 * `Pulumi.yaml`. Changing the tier moves the tenant; naming another `activeCheckpoint` rolls its
 * active branch back or forward; preview branches come and go with their list.
 *
 * Credentials: `pulumi config set --secret neon:apiKey napi_…` (or NEON_API_KEY in the environment).
 */
import { TenantEnvironment, organizationsFromConfig, tenantSpecFromConfig } from "neon-pulumi-dynamic";

export async function tenantProgram(): Promise<Record<string, unknown>> {
  const tenant = new TenantEnvironment("tenant", { spec: tenantSpecFromConfig(), organizations: organizationsFromConfig(), keyPrefix: "tenant:" });
  const { auth, dataApi } = tenant.spec;
  return {
    tenantId: tenant.spec.id,
    tier: tenant.spec.tier,
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    databaseUrl: tenant.databaseUrl, // secret
    pooledDatabaseUrl: tenant.pooledDatabaseUrl, // secret
    computeHost: tenant.computeHost,
    checkpointIds: tenant.checkpointIds,
    previewBranchUris: tenant.previewBranchUris, // secret
    // Only what the tenant has: an undefined output is a warning on every run.
    ...(auth.enabled ? { authJwksUrl: tenant.authJwksUrl, authPublishableKey: tenant.authPublishableKey, authSecretServerKey: tenant.authSecretServerKey } : {}),
    ...(dataApi.enabled ? { dataApiUrl: tenant.dataApiUrl } : {}),
  };
}
