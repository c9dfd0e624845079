import type { ApiContext } from "../internal/apiContext";
import type { RequestOptions } from "../options";
import {
  type AuthDetails,
  authDetailsSchema,
  type CurrentUser,
  currentUserSchema,
  type Organization,
  organizationsResponseSchema,
} from "../schemas/identity";

/** Who the API key belongs to. */
export class IdentityApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** GET /auth: the account and the kind of key (personal or organization). A cheap check that a key works. */
  getAuth(options?: RequestOptions): Promise<AuthDetails> {
    return this.#api.pipeline.send({ method: "GET", template: "/auth", schema: authDetailsSchema }, options?.signal);
  }

  /** GET /users/me (personal keys only). */
  getCurrentUser(options?: RequestOptions): Promise<CurrentUser> {
    return this.#api.pipeline.send({ method: "GET", template: "/users/me", schema: currentUserSchema }, options?.signal);
  }

  /** GET /users/me/organizations. */
  listOrganizations(options?: RequestOptions): Promise<{ organizations: Organization[] }> {
    return this.#api.pipeline.send({ method: "GET", template: "/users/me/organizations", schema: organizationsResponseSchema }, options?.signal);
  }
}
