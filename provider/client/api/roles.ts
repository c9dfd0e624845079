import type { ApiContext, DeleteResult } from "../internal/apiContext";
import type { MutationOptions, RequestOptions } from "../options";
import type { RoleCreateRequest } from "../requests";
import {
  type Role,
  type RoleOperations,
  roleOperationsSchema,
  rolePasswordResponseSchema,
  roleResponseSchema,
  rolesResponseSchema,
} from "../schemas/branches";

const ROLES = "/projects/{project_id}/branches/{branch_id}/roles";
const ROLE = `${ROLES}/{role_name}`;

/** Postgres roles of a branch. Responses that carry a password: create, resetPassword, revealPassword. */
export class RolesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  list(projectId: string, branchId: string, options?: RequestOptions): Promise<{ roles: Role[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: ROLES, params: { project_id: projectId, branch_id: branchId }, schema: rolesResponseSchema },
      options?.signal,
    );
  }

  get(projectId: string, branchId: string, roleName: string, options?: RequestOptions): Promise<{ role: Role }> {
    return this.#api.pipeline.send(
      { method: "GET", template: ROLE, params: { project_id: projectId, branch_id: branchId, role_name: roleName }, schema: roleResponseSchema },
      options?.signal,
    );
  }

  async create(projectId: string, branchId: string, body: RoleCreateRequest, options?: MutationOptions): Promise<RoleOperations> {
    return this.#api.mutate({ method: "POST", template: ROLES, params: { project_id: projectId, branch_id: branchId }, body, schema: roleOperationsSchema }, options);
  }

  async delete(projectId: string, branchId: string, roleName: string, options?: MutationOptions): Promise<DeleteResult<RoleOperations>> {
    return this.#api.mutateDelete({ method: "DELETE", template: ROLE, params: { project_id: projectId, branch_id: branchId, role_name: roleName }, schema: roleOperationsSchema }, options);
  }

  /** Neon answers 412 when the project does not store passwords. */
  revealPassword(projectId: string, branchId: string, roleName: string, options?: RequestOptions): Promise<{ password: string }> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: `${ROLE}/reveal_password`,
        params: { project_id: projectId, branch_id: branchId, role_name: roleName },
        schema: rolePasswordResponseSchema,
      },
      options?.signal,
    );
  }

  async resetPassword(projectId: string, branchId: string, roleName: string, options?: MutationOptions): Promise<RoleOperations> {
    return this.#api.mutate({
        method: "POST",
        template: `${ROLE}/reset_password`,
        params: { project_id: projectId, branch_id: branchId, role_name: roleName },
        schema: roleOperationsSchema,
      }, options);
  }
}
