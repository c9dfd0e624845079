import type { ApiContext, DeleteResult } from "../internal/apiContext";
import type { MutationOptions, RequestOptions } from "../options";
import type { DatabaseCreateRequest, DatabaseUpdateRequest } from "../requests";
import {
  type Database,
  type DatabaseOperations,
  databaseOperationsSchema,
  databaseResponseSchema,
  databasesResponseSchema,
} from "../schemas/branches";

const DATABASES = "/projects/{project_id}/branches/{branch_id}/databases";
const DATABASE = `${DATABASES}/{database_name}`;

export class DatabasesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  list(projectId: string, branchId: string, options?: RequestOptions): Promise<{ databases: Database[] }> {
    return this.#api.pipeline.send(
      { method: "GET", template: DATABASES, params: { project_id: projectId, branch_id: branchId }, schema: databasesResponseSchema },
      options?.signal,
    );
  }

  get(projectId: string, branchId: string, databaseName: string, options?: RequestOptions): Promise<{ database: Database }> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: DATABASE,
        params: { project_id: projectId, branch_id: branchId, database_name: databaseName },
        schema: databaseResponseSchema,
      },
      options?.signal,
    );
  }

  async create(projectId: string, branchId: string, body: DatabaseCreateRequest, options?: MutationOptions): Promise<DatabaseOperations> {
    return this.#api.mutate({ method: "POST", template: DATABASES, params: { project_id: projectId, branch_id: branchId }, body, schema: databaseOperationsSchema }, options);
  }

  async update(
    projectId: string,
    branchId: string,
    databaseName: string,
    body: DatabaseUpdateRequest,
    options?: MutationOptions,
  ): Promise<DatabaseOperations> {
    return this.#api.mutate({
        method: "PATCH",
        template: DATABASE,
        params: { project_id: projectId, branch_id: branchId, database_name: databaseName },
        body,
        schema: databaseOperationsSchema,
      }, options);
  }

  async delete(projectId: string, branchId: string, databaseName: string, options?: MutationOptions): Promise<DeleteResult<DatabaseOperations>> {
    return this.#api.mutateDelete({
        method: "DELETE",
        template: DATABASE,
        params: { project_id: projectId, branch_id: branchId, database_name: databaseName },
        schema: databaseOperationsSchema,
      }, options);
  }
}
