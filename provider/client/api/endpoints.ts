import type { ApiContext, DeleteResult } from "../internal/apiContext";
import type { MutationOptions, RequestOptions } from "../options";
import type { EndpointCreateRequest, EndpointUpdateRequest } from "../requests";
import {
  type Endpoint,
  type EndpointOperations,
  endpointOperationsSchema,
  endpointResponseSchema,
  endpointsResponseSchema,
} from "../schemas/endpoints";

const ENDPOINTS = "/projects/{project_id}/endpoints";
const ENDPOINT = `${ENDPOINTS}/{endpoint_id}`;

/** Computes. A branch has at most one read_write endpoint. */
export class EndpointsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  list(projectId: string, options?: RequestOptions): Promise<{ endpoints: Endpoint[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: ENDPOINTS, params: { project_id: projectId }, schema: endpointsResponseSchema },
      options?.signal,
    );
  }

  get(projectId: string, endpointId: string, options?: RequestOptions): Promise<{ endpoint: Endpoint }> {
    return this.#api.pipeline.send(
      { method: "GET", template: ENDPOINT, params: { project_id: projectId, endpoint_id: endpointId }, schema: endpointResponseSchema },
      options?.signal,
    );
  }

  async create(projectId: string, body: EndpointCreateRequest, options?: MutationOptions): Promise<EndpointOperations> {
    return this.#api.mutate({ method: "POST", template: ENDPOINTS, params: { project_id: projectId }, body, schema: endpointOperationsSchema }, options);
  }

  async update(projectId: string, endpointId: string, body: EndpointUpdateRequest, options?: MutationOptions): Promise<EndpointOperations> {
    return this.#api.mutate({ method: "PATCH", template: ENDPOINT, params: { project_id: projectId, endpoint_id: endpointId }, body, schema: endpointOperationsSchema }, options);
  }

  async delete(projectId: string, endpointId: string, options?: MutationOptions): Promise<DeleteResult<EndpointOperations>> {
    return this.#api.mutateDelete({ method: "DELETE", template: ENDPOINT, params: { project_id: projectId, endpoint_id: endpointId }, schema: endpointOperationsSchema }, options);
  }

  start(projectId: string, endpointId: string, options?: MutationOptions): Promise<EndpointOperations> {
    return this.#action(projectId, endpointId, "start", options);
  }

  suspend(projectId: string, endpointId: string, options?: MutationOptions): Promise<EndpointOperations> {
    return this.#action(projectId, endpointId, "suspend", options);
  }

  restart(projectId: string, endpointId: string, options?: MutationOptions): Promise<EndpointOperations> {
    return this.#action(projectId, endpointId, "restart", options);
  }

  async #action(
    projectId: string,
    endpointId: string,
    action: "start" | "suspend" | "restart",
    options: MutationOptions | undefined,
  ): Promise<EndpointOperations> {
    return this.#api.mutate({
        method: "POST",
        template: `${ENDPOINT}/${action}`,
        params: { project_id: projectId, endpoint_id: endpointId },
        schema: endpointOperationsSchema,
      }, options);
  }
}
