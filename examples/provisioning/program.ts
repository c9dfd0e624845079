/**
 * One user's database: a TenantEnvironment built from the stack's `tenant:` config, which the
 * platform's backend writes (provision.ts) instead of a person editing a stack file.
 */
import { TenantEnvironment, organizationsFromConfig, tenantSpecFromConfig } from "neon-pulumi-dynamic";

export async function userDatabaseProgram(): Promise<Record<string, unknown>> {
  const user = new TenantEnvironment("user", { spec: tenantSpecFromConfig(), organizations: organizationsFromConfig(), keyPrefix: "tenant:" });
  return {
    projectId: user.projectId,
    tier: user.spec.tier,
    databaseUrl: user.databaseUrl, // secret
    ...(user.spec.dataApi.enabled ? { dataApiUrl: user.dataApiUrl } : {}),
  };
}
