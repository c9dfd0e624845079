import { z } from "zod";
import { maybe } from "./common";

export const neonAuthIntegrationSchema = z.object({
  auth_provider: z.string(),
  auth_provider_project_id: z.string(),
  branch_id: z.string(),
  db_name: z.string(),
  created_at: maybe(z.string()),
  owned_by: maybe(z.string()),
  transfer_status: maybe(z.string()),
  jwks_url: z.string(),
  base_url: maybe(z.string()),
  name: maybe(z.string()),
});
export type NeonAuthIntegration = z.infer<typeof neonAuthIntegrationSchema>;

/** Only the enable call returns the keys, once; the resources keep them as secrets. */
export const neonAuthCreatedSchema = z.object({
  auth_provider: z.string(),
  auth_provider_project_id: z.string(),
  pub_client_key: z.string(),
  secret_server_key: z.string(),
  jwks_url: z.string(),
  schema_name: maybe(z.string()),
  table_name: maybe(z.string()),
  base_url: maybe(z.string()),
});
export type NeonAuthCreated = z.infer<typeof neonAuthCreatedSchema>;

export const oauthProviderSchema = z.object({
  id: z.string(),
  type: z.string(),
  client_id: maybe(z.string()),
  client_secret: maybe(z.string()),
});
export type NeonAuthOAuthProvider = z.infer<typeof oauthProviderSchema>;
export const oauthProvidersResponseSchema = z.object({ providers: z.array(oauthProviderSchema) });

export const trustedDomainSchema = z.object({ domain: z.string(), auth_provider: z.string() });
export type NeonAuthTrustedDomain = z.infer<typeof trustedDomainSchema>;
export const trustedDomainsResponseSchema = z.object({ domains: z.array(trustedDomainSchema) });

export const allowLocalhostSchema = z.object({ allow_localhost: z.boolean() });
