import type { ApiContext } from "../internal/apiContext";
import type { RequestOptions } from "../options";
import type {
  NeonAuthAllowLocalhostRequest,
  NeonAuthDisableRequest,
  NeonAuthEnableRequest,
  NeonAuthOAuthProviderAddRequest,
  NeonAuthOAuthProviderId,
  NeonAuthOAuthProviderUpdateRequest,
  NeonAuthTrustedDomainAddRequest,
  NeonAuthTrustedDomainsDeleteRequest,
} from "../requests";
import { emptyResponseSchema } from "../schemas/common";
import {
  allowLocalhostSchema,
  type NeonAuthCreated,
  neonAuthCreatedSchema,
  type NeonAuthIntegration,
  neonAuthIntegrationSchema,
  type NeonAuthOAuthProvider,
  type NeonAuthTrustedDomain,
  oauthProviderSchema,
  oauthProvidersResponseSchema,
  trustedDomainsResponseSchema,
} from "../schemas/neonAuth";

const AUTH = "/projects/{project_id}/branches/{branch_id}/auth";

/** Branch-scoped Neon Auth (Beta in Neon). None of these calls return operations. */
export class NeonAuthApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** The integration on a branch; NeonNotFoundError when Neon Auth is not enabled there. */
  get(projectId: string, branchId: string, options?: RequestOptions): Promise<NeonAuthIntegration> {
    return this.#api.pipeline.send(
      { method: "GET", template: AUTH, params: { project_id: projectId, branch_id: branchId }, schema: neonAuthIntegrationSchema },
      options?.signal,
    );
  }

  /** Enables Neon Auth. The response is the only time Neon returns the client and server keys. */
  enable(projectId: string, branchId: string, body: NeonAuthEnableRequest, options?: RequestOptions): Promise<NeonAuthCreated> {
    return this.#api.pipeline.send(
      { method: "POST", template: AUTH, params: { project_id: projectId, branch_id: branchId }, body, schema: neonAuthCreatedSchema },
      options?.signal,
    );
  }

  /** `delete_data` also drops the `neon_auth` schema from the database. */
  async disable(projectId: string, branchId: string, body: NeonAuthDisableRequest = {}, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      { method: "DELETE", template: AUTH, params: { project_id: projectId, branch_id: branchId }, body, schema: emptyResponseSchema },
      options?.signal,
    );
  }

  listOAuthProviders(projectId: string, branchId: string, options?: RequestOptions): Promise<{ providers: NeonAuthOAuthProvider[] }> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: `${AUTH}/oauth_providers`,
        params: { project_id: projectId, branch_id: branchId },
        schema: oauthProvidersResponseSchema,
      },
      options?.signal,
    );
  }

  addOAuthProvider(
    projectId: string,
    branchId: string,
    body: NeonAuthOAuthProviderAddRequest,
    options?: RequestOptions,
  ): Promise<NeonAuthOAuthProvider> {
    return this.#api.pipeline.send(
      { method: "POST", template: `${AUTH}/oauth_providers`, params: { project_id: projectId, branch_id: branchId }, body, schema: oauthProviderSchema },
      options?.signal,
    );
  }

  updateOAuthProvider(
    projectId: string,
    branchId: string,
    providerId: NeonAuthOAuthProviderId,
    body: NeonAuthOAuthProviderUpdateRequest,
    options?: RequestOptions,
  ): Promise<NeonAuthOAuthProvider> {
    return this.#api.pipeline.send(
      {
        method: "PATCH",
        template: `${AUTH}/oauth_providers/{oauth_provider_id}`,
        params: { project_id: projectId, branch_id: branchId, oauth_provider_id: providerId },
        body,
        schema: oauthProviderSchema,
      },
      options?.signal,
    );
  }

  async deleteOAuthProvider(projectId: string, branchId: string, providerId: NeonAuthOAuthProviderId, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      {
        method: "DELETE",
        template: `${AUTH}/oauth_providers/{oauth_provider_id}`,
        params: { project_id: projectId, branch_id: branchId, oauth_provider_id: providerId },
        schema: emptyResponseSchema,
      },
      options?.signal,
    );
  }

  listTrustedDomains(projectId: string, branchId: string, options?: RequestOptions): Promise<{ domains: NeonAuthTrustedDomain[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: `${AUTH}/domains`, params: { project_id: projectId, branch_id: branchId }, schema: trustedDomainsResponseSchema },
      options?.signal,
    );
  }

  async addTrustedDomain(projectId: string, branchId: string, body: NeonAuthTrustedDomainAddRequest, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      { method: "POST", template: `${AUTH}/domains`, params: { project_id: projectId, branch_id: branchId }, body, schema: emptyResponseSchema },
      options?.signal,
    );
  }

  async deleteTrustedDomains(
    projectId: string,
    branchId: string,
    body: NeonAuthTrustedDomainsDeleteRequest,
    options?: RequestOptions,
  ): Promise<void> {
    await this.#api.pipeline.send(
      { method: "DELETE", template: `${AUTH}/domains`, params: { project_id: projectId, branch_id: branchId }, body, schema: emptyResponseSchema },
      options?.signal,
    );
  }

  getAllowLocalhost(projectId: string, branchId: string, options?: RequestOptions): Promise<{ allow_localhost: boolean }> {
    return this.#api.pipeline.send(
      { method: "GET", template: `${AUTH}/allow_localhost`, params: { project_id: projectId, branch_id: branchId }, schema: allowLocalhostSchema },
      options?.signal,
    );
  }

  setAllowLocalhost(projectId: string, branchId: string, allowLocalhost: boolean, options?: RequestOptions): Promise<{ allow_localhost: boolean }> {
    return this.#api.pipeline.send(
      {
        method: "PATCH",
        template: `${AUTH}/allow_localhost`,
        params: { project_id: projectId, branch_id: branchId },
        body: { allow_localhost: allowLocalhost } satisfies NeonAuthAllowLocalhostRequest,
        schema: allowLocalhostSchema,
      },
      options?.signal,
    );
  }
}
