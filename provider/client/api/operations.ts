import type { ApiContext } from "../internal/apiContext";
import { paginate, positionCursor } from "../internal/pagination";
import type { RequestOptions } from "../options";
import type { ListOperationsQuery } from "../requests";
import { type ListOperationsResponse, listOperationsResponseSchema, type Operation, operationResponseSchema } from "../schemas/common";

const DEFAULT_PAGE_SIZE = 100;

/** Reading operations; waiting for them is `NeonClient.waitForOperations`. */
export class OperationsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  get(projectId: string, operationId: string, options?: RequestOptions): Promise<{ operation: Operation }> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: "/projects/{project_id}/operations/{operation_id}",
        params: { project_id: projectId, operation_id: operationId },
        schema: operationResponseSchema,
      },
      options?.signal,
    );
  }

  list(projectId: string, query: ListOperationsQuery = {}, options?: RequestOptions): Promise<ListOperationsResponse> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: "/projects/{project_id}/operations",
        params: { project_id: projectId },
        query: { ...query },
        schema: listOperationsResponseSchema,
      },
      options?.signal,
    );
  }

  iterate(projectId: string, query: Omit<ListOperationsQuery, "cursor"> = {}, options?: RequestOptions): AsyncIterable<Operation> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return paginate({
      fetchPage: (cursor) => this.list(projectId, { limit, ...(cursor === undefined ? {} : { cursor }) }, options),
      itemsOf: (page) => page.operations,
      nextCursorOf: (page) => positionCursor(page, page.operations.length, limit),
    });
  }
}
