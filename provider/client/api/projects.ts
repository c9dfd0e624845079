import type { ApiContext } from "../internal/apiContext";
import { paginate, positionCursor } from "../internal/pagination";
import type { MutationOptions, RequestOptions } from "../options";
import type { ConnectionUriQuery, ListProjectsQuery, ProjectCreateRequest, ProjectUpdateRequest } from "../requests";
import {
  type ConnectionUriResponse,
  connectionUriResponseSchema,
  type CreatedProject,
  createdProjectSchema,
  type ListProjectsResponse,
  listProjectsResponseSchema,
  type ProjectListItem,
  type ProjectOperations,
  projectOperationsSchema,
  type ProjectResponse,
  projectResponseSchema,
} from "../schemas/projects";

const DEFAULT_PAGE_SIZE = 100;

export class ProjectsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** One page of projects; see `iterate` for all of them. */
  list(query: ListProjectsQuery = {}, options?: RequestOptions): Promise<ListProjectsResponse> {
    return this.#api.pipeline.send({ method: "GET", template: "/projects", query: { ...query }, schema: listProjectsResponseSchema }, options?.signal);
  }

  /** Every project matching `query`, fetching pages of `limit` (default 100) as needed. */
  iterate(query: Omit<ListProjectsQuery, "cursor"> = {}, options?: RequestOptions): AsyncIterable<ProjectListItem> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return paginate({
      fetchPage: (cursor) => this.list({ ...query, limit, ...(cursor === undefined ? {} : { cursor }) }, options),
      itemsOf: (page) => page.projects,
      nextCursorOf: (page) => positionCursor(page, page.projects.length, limit),
    });
  }

  /**
   * Creates a project (with its default branch, role, database and compute). The response holds the
   * only copy of the owner's password in `connection_uris`. Not retried if its outcome is unknown:
   * see NeonAmbiguousWriteError.
   */
  async create(body: ProjectCreateRequest, options?: MutationOptions): Promise<CreatedProject> {
    return this.#api.mutate({ method: "POST", template: "/projects", body, schema: createdProjectSchema }, options);
  }

  get(projectId: string, options?: RequestOptions): Promise<ProjectResponse> {
    return this.#api.pipeline.send(
      { method: "GET", template: "/projects/{project_id}", params: { project_id: projectId }, schema: projectResponseSchema },
      options?.signal,
    );
  }

  async update(projectId: string, body: ProjectUpdateRequest, options?: MutationOptions): Promise<ProjectOperations> {
    return this.#api.mutate({ method: "PATCH", template: "/projects/{project_id}", params: { project_id: projectId }, body, schema: projectOperationsSchema }, options);
  }

  /** Deletes the project and everything in it. Neon answers 404 for a project already deleted. */
  delete(projectId: string, options?: RequestOptions): Promise<ProjectResponse> {
    return this.#api.pipeline.send(
      { method: "DELETE", template: "/projects/{project_id}", params: { project_id: projectId }, schema: projectResponseSchema },
      options?.signal,
    );
  }

  /** A connection URI for a role and database (it contains the password: keep it secret). */
  connectionUri(projectId: string, query: ConnectionUriQuery, options?: RequestOptions): Promise<ConnectionUriResponse> {
    return this.#api.pipeline.send(
      {
        method: "GET",
        template: "/projects/{project_id}/connection_uri",
        params: { project_id: projectId },
        query: { ...query },
        schema: connectionUriResponseSchema,
      },
      options?.signal,
    );
  }
}
