import type { ApiContext } from "../internal/apiContext";
import type { RequestOptions } from "../options";
import type { ProjectTransferRequest } from "../requests";
import { emptyResponseSchema } from "../schemas/common";
import { type Organization, organizationSchema } from "../schemas/identity";

export class OrganizationsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  get(orgId: string, options?: RequestOptions): Promise<Organization> {
    return this.#api.pipeline.send(
      { method: "GET", template: "/organizations/{org_id}", params: { org_id: orgId }, schema: organizationSchema },
      options?.signal,
    );
  }

  /**
   * Moves up to 400 projects to another organization. Neon refuses with 406 when the destination's
   * plan limits are not met and 422 for projects with GitHub/Vercel integrations; the error message
   * lists which.
   */
  async transferProjects(sourceOrgId: string, body: ProjectTransferRequest, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      {
        method: "POST",
        template: "/organizations/{source_org_id}/projects/transfer",
        params: { source_org_id: sourceOrgId },
        body,
        schema: emptyResponseSchema,
      },
      options?.signal,
    );
  }
}
