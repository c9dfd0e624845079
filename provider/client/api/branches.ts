import type { ApiContext, DeleteResult } from "../internal/apiContext";
import { nextCursor, paginate } from "../internal/pagination";
import type { MutationOptions, RequestOptions } from "../options";
import type { BranchCreateRequest, BranchDeleteQuery, BranchUpdateRequest, ListBranchesQuery } from "../requests";
import {
  type Branch,
  type BranchOperations,
  branchOperationsSchema,
  type BranchResponse,
  branchResponseSchema,
  type CreatedBranch,
  createdBranchSchema,
  type ListBranchesResponse,
  listBranchesResponseSchema,
} from "../schemas/branches";
import { endpointsResponseSchema } from "../schemas/endpoints";
import type { Endpoint } from "../schemas/endpoints";

const DEFAULT_PAGE_SIZE = 100;
const BRANCH = "/projects/{project_id}/branches/{branch_id}";

export class BranchesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** One page, or every branch when `limit` is not set (Neon then returns them all at once). */
  list(projectId: string, query: ListBranchesQuery = {}, options?: RequestOptions): Promise<ListBranchesResponse> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: "/projects/{project_id}/branches",
        params: { project_id: projectId },
        query: { ...query },
        schema: listBranchesResponseSchema,
      },
      options?.signal,
    );
  }

  /** Every branch, following `pagination.next` with pages of `limit` (default 100). */
  iterate(projectId: string, query: Omit<ListBranchesQuery, "cursor"> = {}, options?: RequestOptions): AsyncIterable<Branch> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return paginate({
      fetchPage: (cursor) => this.list(projectId, { ...query, limit, ...(cursor === undefined ? {} : { cursor }) }, options),
      itemsOf: (page) => page.branches,
      nextCursorOf: nextCursor,
    });
  }

  /**
   * Creates a branch, with a compute only if `body.endpoints` lists one. The response carries the
   * branch's roles and databases and, with a compute, connection URIs with passwords.
   */
  async create(projectId: string, body: BranchCreateRequest = {}, options?: MutationOptions): Promise<CreatedBranch> {
    return this.#api.mutate({ method: "POST", template: "/projects/{project_id}/branches", params: { project_id: projectId }, body, schema: createdBranchSchema }, options);
  }

  get(projectId: string, branchId: string, options?: RequestOptions): Promise<BranchResponse> {
    return this.#api.pipeline.send(
      { method: "GET", template: BRANCH, params: { project_id: projectId, branch_id: branchId }, schema: branchResponseSchema },
      options?.signal,
    );
  }

  async update(projectId: string, branchId: string, body: BranchUpdateRequest, options?: MutationOptions): Promise<BranchOperations> {
    return this.#api.mutate({ method: "PATCH", template: BRANCH, params: { project_id: projectId, branch_id: branchId }, body, schema: branchOperationsSchema }, options);
  }

  /** Deletes a branch (not the default one, not one with children). */
  async delete(
    projectId: string,
    branchId: string,
    query: BranchDeleteQuery = {},
    options?: MutationOptions,
  ): Promise<DeleteResult<BranchOperations>> {
    return this.#api.mutateDelete({
        method: "DELETE",
        template: BRANCH,
        params: { project_id: projectId, branch_id: branchId },
        query: { ...query },
        schema: branchOperationsSchema,
      }, options);
  }

  async setDefault(projectId: string, branchId: string, options?: MutationOptions): Promise<BranchOperations> {
    return this.#api.mutate({
        method: "POST",
        template: `${BRANCH}/set_as_default`,
        params: { project_id: projectId, branch_id: branchId },
        schema: branchOperationsSchema,
      }, options);
  }

  listEndpoints(projectId: string, branchId: string, options?: RequestOptions): Promise<{ endpoints: Endpoint[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: `${BRANCH}/endpoints`, params: { project_id: projectId, branch_id: branchId }, schema: endpointsResponseSchema },
      options?.signal,
    );
  }
}
