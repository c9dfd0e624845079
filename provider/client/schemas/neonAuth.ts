import { z } from "zod";

export const neonAuthIntegrationSchema = z.object({
  auth_provider: z.string(),
  auth_provider_project_id: z.string(),
  branch_id: z.string(),
  db_name: z.string(),
  created_at: z.string().optional(),
  owned_by: z.string().optional(),
  transfer_status: z.string().optional(),
  jwks_url: z.string(),
  base_url: z.string().optional(),
  name: z.string().optional(),
});
export type NeonAuthIntegration = z.infer<typeof neonAuthIntegrationSchema>;

/** Only the enable call returns the keys, once; the resources keep them as secrets. */
export const neonAuthCreatedSchema = z.object({
  auth_provider: z.string(),
  auth_provider_project_id: z.string(),
  pub_client_key: z.string(),
  secret_server_key: z.string(),
  jwks_url: z.string(),
  schema_name: z.string().optional(),
  table_name: z.string().optional(),
  base_url: z.string().optional(),
});
export type NeonAuthCreated = z.infer<typeof neonAuthCreatedSchema>;

export const oauthProviderSchema = z.object({
  id: z.string(),
  type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});
export type NeonAuthOAuthProvider = z.infer<typeof oauthProviderSchema>;
export const oauthProvidersResponseSchema = z.object({ providers: z.array(oauthProviderSchema) });

export const trustedDomainSchema = z.object({ domain: z.string(), auth_provider: z.string() });
export type NeonAuthTrustedDomain = z.infer<typeof trustedDomainSchema>;
export const trustedDomainsResponseSchema = z.object({ domains: z.array(trustedDomainSchema) });

export const allowLocalhostSchema = z.object({ allow_localhost: z.boolean() });
