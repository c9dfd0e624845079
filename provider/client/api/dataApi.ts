import type { ApiContext } from "../internal/apiContext";
import type { RequestOptions } from "../options";
import type { DataApiCreateRequest, DataApiUpdateRequest } from "../requests";
import { emptyResponseSchema } from "../schemas/common";
import { type DataApi, type DataApiCreated, dataApiCreatedSchema, dataApiSchema } from "../schemas/dataApi";

const DATA_API = "/projects/{project_id}/branches/{branch_id}/data-api/{database_name}";

/** The Data API of one database on one branch. */
export class DataApiApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  create(projectId: string, branchId: string, databaseName: string, body: DataApiCreateRequest = {}, options?: RequestOptions): Promise<DataApiCreated> {
    return this.#api.pipeline.send(
      { method: "POST", template: DATA_API, params: this.#params(projectId, branchId, databaseName), body, schema: dataApiCreatedSchema },
      options?.signal,
    );
  }

  /** Neon returns only url, status and settings: auth options set at creation cannot be read back. */
  get(projectId: string, branchId: string, databaseName: string, options?: RequestOptions): Promise<DataApi> {
    return this.#api.pipeline.send(
      { method: "GET", template: DATA_API, params: this.#params(projectId, branchId, databaseName), schema: dataApiSchema },
      options?.signal,
    );
  }

  /** Also refreshes the schema cache, even with no settings. */
  async update(projectId: string, branchId: string, databaseName: string, body: DataApiUpdateRequest = {}, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      { method: "PATCH", template: DATA_API, params: this.#params(projectId, branchId, databaseName), body, schema: emptyResponseSchema },
      options?.signal,
    );
  }

  async delete(projectId: string, branchId: string, databaseName: string, options?: RequestOptions): Promise<void> {
    await this.#api.pipeline.send(
      { method: "DELETE", template: DATA_API, params: this.#params(projectId, branchId, databaseName), schema: emptyResponseSchema },
      options?.signal,
    );
  }

  #params(projectId: string, branchId: string, databaseName: string): Record<string, string> {
    return { project_id: projectId, branch_id: branchId, database_name: databaseName };
  }
}
