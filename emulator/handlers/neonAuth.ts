/**
 * Neon Auth, branch-scoped (the current API; the project-scoped legacy routes are past their
 * sunset and not served). The publishable and secret keys exist only in the create response: a
 * later GET never returns them, as in Neon. OAuth client secrets are likewise never listed back.
 */
import { z } from "zod";
import { apiErrors } from "../errors";
import { newAuthKey, newAuthProviderProjectId } from "../ids";
import type { AuthIntegrationRecord, AuthOAuthProvider, BranchRecord } from "../store";
import { parseRequest } from "../validation";
import type { World } from "../world";
import type { NeonSchema } from "../../spec/types";
import { asSpecified } from "../specShape";
import { route, type RouteDefinition } from "./types";

const authProvider = z.enum(["mock", "stack", "stack_v2", "better_auth"]);
const oauthProviderId = z.enum(["google", "github", "microsoft", "vercel"]);
const uri = z.string().refine((s) => URL.canParse(s), "must be a URI");

export const enableBody = z.object({ auth_provider: authProvider, database_name: z.string().min(1).optional() });
export const disableBody = z.object({ delete_data: z.boolean().optional() });
export const addOAuthBody = z.object({
  id: oauthProviderId,
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  microsoft_tenant_id: z.string().optional(),
});
export const updateOAuthBody = addOAuthBody.omit({ id: true });
export const addDomainBody = z.object({ domain: uri, auth_provider: authProvider });
export const deleteDomainsBody = z.object({ auth_provider: authProvider, domains: z.array(z.object({ domain: uri })) });
export const allowLocalhostBody = z.object({ allow_localhost: z.boolean() });

const base = "/projects/{project_id}/branches/{branch_id}/auth";

function locate(world: World, params: Record<string, string>): { branch: BranchRecord } {
  const record = world.project(params.project_id);
  return { branch: world.branch(record, params.branch_id) };
}

function integration(branch: BranchRecord): AuthIntegrationRecord {
  if (!branch.auth) throw apiErrors.notFound(`Neon Auth integration on branch ${branch.branch.id}`);
  return branch.auth;
}

/** What GET returns for a provider: never the client secret. */
function renderProvider(p: AuthOAuthProvider): NeonSchema<"NeonAuthOauthProvider"> {
  return asSpecified("NeonAuthOauthProvider", { id: p.id, type: p.type, ...(p.client_id ? { client_id: p.client_id } : {}) });
}

function renderIntegration(a: AuthIntegrationRecord): NeonSchema<"NeonAuthIntegration"> {
  return asSpecified("NeonAuthIntegration", {
    auth_provider: a.auth_provider,
    auth_provider_project_id: a.auth_provider_project_id,
    branch_id: a.branch_id,
    db_name: a.db_name,
    created_at: a.created_at,
    owned_by: a.owned_by,
    jwks_url: a.jwks_url,
    base_url: a.base_url,
    ...(a.name ? { name: a.name } : {}),
  });
}

export const neonAuthRoutes: RouteDefinition[] = [
  route("createNeonAuth")({
    method: "POST",
    path: base,
    handle({ world, params, body }) {
      const { branch } = locate(world, params);
      const req = parseRequest(enableBody, body, "");
      if (branch.auth) throw apiErrors.conflict(`Neon Auth is already enabled on branch ${branch.branch.id}`);
      const dbName = req.database_name ?? Object.keys(branch.databases)[0];
      if (!dbName || !branch.databases[dbName]) throw apiErrors.invalidField("database_name", `database ${dbName ?? "(none)"} not found on branch`);
      const projectId = newAuthProviderProjectId();
      const record = world.project(params.project_id);
      const authHost = `${projectId}.neonauth.${world.proxyHost(record.project.region_id)}`;
      const auth: AuthIntegrationRecord = {
        auth_provider: req.auth_provider,
        auth_provider_project_id: projectId,
        branch_id: branch.branch.id,
        db_name: dbName,
        created_at: world.nowIso(),
        owned_by: "neon",
        jwks_url: `https://${authHost}/${dbName}/auth/.well-known/jwks.json`,
        base_url: `https://${authHost}/${dbName}/auth`,
        oauth_providers: [],
        domains: [],
        allow_localhost: false,
      };
      branch.auth = auth;
      return {
        status: 201,
        body: {
          auth_provider: auth.auth_provider,
          auth_provider_project_id: auth.auth_provider_project_id,
          pub_client_key: newAuthKey("pck"),
          secret_server_key: newAuthKey("ssk"),
          jwks_url: auth.jwks_url,
          schema_name: "neon_auth",
          table_name: "users_sync",
          base_url: auth.base_url,
        },
      };
    },
  }),
  route("getNeonAuth")({
    method: "GET",
    path: base,
    handle({ world, params }) {
      return { status: 200, body: renderIntegration(integration(locate(world, params).branch)) };
    },
  }),
  route("disableNeonAuth")({
    method: "DELETE",
    path: base,
    handle({ world, params, body }) {
      const { branch } = locate(world, params);
      parseRequest(disableBody, body ?? {}, "");
      integration(branch);
      delete branch.auth;
      return { status: 200 };
    },
  }),
  route("listBranchNeonAuthOauthProviders")({
    method: "GET",
    path: `${base}/oauth_providers`,
    handle({ world, params }) {
      return { status: 200, body: { providers: integration(locate(world, params).branch).oauth_providers.map(renderProvider) } };
    },
  }),
  route("addBranchNeonAuthOauthProvider")({
    method: "POST",
    path: `${base}/oauth_providers`,
    handle({ world, params, body }) {
      const auth = integration(locate(world, params).branch);
      const req = parseRequest(addOAuthBody, body, "");
      if (auth.oauth_providers.some((p) => p.id === req.id)) throw apiErrors.conflict(`OAuth provider ${req.id} is already configured`);
      if ((req.client_id === undefined) !== (req.client_secret === undefined)) {
        throw apiErrors.oauthCredentialsApart(req.client_id === undefined ? "client_id" : "client_secret");
      }
      // Without own credentials the provider uses Neon's shared OAuth app.
      const provider: AuthOAuthProvider = {
        id: req.id,
        type: req.client_id ? "standard" : "shared",
        ...(req.client_id ? { client_id: req.client_id, client_secret: req.client_secret } : {}),
        ...(req.microsoft_tenant_id ? { microsoft_tenant_id: req.microsoft_tenant_id } : {}),
      };
      auth.oauth_providers.push(provider);
      return { status: 200, body: renderProvider(provider) };
    },
  }),
  route("updateBranchNeonAuthOauthProvider")({
    method: "PATCH",
    path: `${base}/oauth_providers/{oauth_provider_id}`,
    handle({ world, params, body }) {
      const auth = integration(locate(world, params).branch);
      const provider = auth.oauth_providers.find((p) => p.id === params.oauth_provider_id);
      if (!provider) throw apiErrors.notFound("OAuth provider", params.oauth_provider_id);
      const req = parseRequest(updateOAuthBody, body, "");
      // Own credentials come in pairs, as on add: a shared provider cannot get a client_id alone.
      const clientId = req.client_id ?? provider.client_id;
      const clientSecret = req.client_secret ?? provider.client_secret;
      if ((clientId === undefined) !== (clientSecret === undefined)) {
        throw apiErrors.oauthCredentialsApart(clientId === undefined ? "client_id" : "client_secret");
      }
      if (req.client_id !== undefined) provider.client_id = req.client_id;
      if (req.client_secret !== undefined) provider.client_secret = req.client_secret;
      if (req.microsoft_tenant_id !== undefined) provider.microsoft_tenant_id = req.microsoft_tenant_id;
      provider.type = provider.client_id ? "standard" : "shared";
      return { status: 200, body: renderProvider(provider) };
    },
  }),
  route("deleteBranchNeonAuthOauthProvider")({
    method: "DELETE",
    path: `${base}/oauth_providers/{oauth_provider_id}`,
    handle({ world, params }) {
      const auth = integration(locate(world, params).branch);
      const at = auth.oauth_providers.findIndex((p) => p.id === params.oauth_provider_id);
      if (at < 0) throw apiErrors.notFound("OAuth provider", params.oauth_provider_id);
      auth.oauth_providers.splice(at, 1);
      return { status: 200 };
    },
  }),
  route("listBranchNeonAuthTrustedDomains")({
    method: "GET",
    path: `${base}/domains`,
    handle({ world, params }) {
      return { status: 200, body: { domains: integration(locate(world, params).branch).domains.map((d) => asSpecified("NeonAuthRedirectURIWhitelistDomain", d)) } };
    },
  }),
  route("addBranchNeonAuthTrustedDomain")({
    method: "POST",
    path: `${base}/domains`,
    handle({ world, params, body }) {
      const auth = integration(locate(world, params).branch);
      const req = parseRequest(addDomainBody, body, "");
      if (!auth.domains.some((d) => d.domain === req.domain)) auth.domains.push({ domain: req.domain, auth_provider: req.auth_provider });
      return { status: 201 };
    },
  }),
  route("deleteBranchNeonAuthTrustedDomain")({
    method: "DELETE",
    path: `${base}/domains`,
    handle({ world, params, body }) {
      const auth = integration(locate(world, params).branch);
      const req = parseRequest(deleteDomainsBody, body, "");
      const remove = new Set(req.domains.map((d) => d.domain));
      auth.domains = auth.domains.filter((d) => !remove.has(d.domain));
      return { status: 200 };
    },
  }),
  route("getNeonAuthAllowLocalhost")({
    method: "GET",
    path: `${base}/allow_localhost`,
    handle({ world, params }) {
      return { status: 200, body: { allow_localhost: integration(locate(world, params).branch).allow_localhost } };
    },
  }),
  route("updateNeonAuthAllowLocalhost")({
    method: "PATCH",
    path: `${base}/allow_localhost`,
    handle({ world, params, body }) {
      const auth = integration(locate(world, params).branch);
      auth.allow_localhost = parseRequest(allowLocalhostBody, body, "").allow_localhost;
      return { status: 200, body: { allow_localhost: auth.allow_localhost } };
    },
  }),
];
