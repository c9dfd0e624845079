import { BranchesApi } from "./api/branches";
import { DataApiApi } from "./api/dataApi";
import { DatabasesApi } from "./api/databases";
import { EndpointsApi } from "./api/endpoints";
import { IdentityApi } from "./api/identity";
import { NeonAuthApi } from "./api/neonAuth";
import { OperationsApi } from "./api/operations";
import { OrganizationsApi } from "./api/organizations";
import { ProjectsApi } from "./api/projects";
import { RolesApi } from "./api/roles";
import { SnapshotsApi } from "./api/snapshots";
import type { ApiContext, DeleteResult } from "./internal/apiContext";
import { resolveClientSettings, whole } from "./internal/config";
import type { OperationTracker, OperationWaitDeps, OperationWaitPolicy } from "./internal/operationWaiter";
import { RequestPipeline, type RouteCall } from "./internal/requestPipeline";
import type { MutationOptions, NeonClientOptions, WaitOptions } from "./options";
import type { Operation } from "./schemas/common";

/**
 * A client for Neon's API v2. Creating one is cheap (no sockets, no timers): create it where it is
 * used, e.g. inside each Pulumi provider method, rather than capturing one in a closure.
 *
 * ```ts
 * const neon = new NeonClient(); // NEON_API_KEY, NEON_API_HOST
 * const { project } = await neon.projects.create({ project: { name: "tenant-42" } });
 * ```
 */
export class NeonClient {
  readonly projects: ProjectsApi;
  readonly branches: BranchesApi;
  readonly roles: RolesApi;
  readonly databases: DatabasesApi;
  readonly endpoints: EndpointsApi;
  readonly snapshots: SnapshotsApi;
  readonly operations: OperationsApi;
  readonly neonAuth: NeonAuthApi;
  readonly dataApi: DataApiApi;
  readonly organizations: OrganizationsApi;
  readonly identity: IdentityApi;
  /** The resolved base URL, e.g. `https://console.neon.tech/api/v2`. */
  readonly baseUrl: string;

  readonly #pipeline: RequestPipeline;
  readonly #operationWait: OperationWaitPolicy;
  readonly #operations: OperationTracker;
  readonly #waitAfterMutations: boolean;

  /** Throws NeonConfigurationError (before any request) when there is no API key or an option is invalid. */
  constructor(options: NeonClientOptions = {}) {
    const settings = resolveClientSettings(options, process.env);
    this.baseUrl = settings.pipeline.baseUrl;
    this.#pipeline = new RequestPipeline(settings.pipeline, settings.apiKey);
    this.#operationWait = settings.operationWait;
    this.#operations = settings.operationTracker;
    this.#waitAfterMutations = settings.waitAfterMutations;

    const context: ApiContext = {
      pipeline: this.#pipeline,
      mutate: (call, callOptions) => this.#mutate(call, callOptions),
      mutateDelete: (call, callOptions) => this.#mutateDelete(call, callOptions),
    };
    this.projects = new ProjectsApi(context);
    this.branches = new BranchesApi(context);
    this.roles = new RolesApi(context);
    this.databases = new DatabasesApi(context);
    this.endpoints = new EndpointsApi(context);
    this.snapshots = new SnapshotsApi(context);
    this.operations = new OperationsApi(context);
    this.neonAuth = new NeonAuthApi(context);
    this.dataApi = new DataApiApi(context);
    this.organizations = new OrganizationsApi(context);
    this.identity = new IdentityApi(context);
  }

  /** This client's monotonic clock, for measuring how long ago something began. */
  now(): number {
    return this.#pipeline.clock.now();
  }

  /**
   * Neon's time at the moment this client's clock read `localMs`, judged from the `Date` header of
   * the latest answer and the time elapsed since on this client's monotonic clock (so differences
   * between our wall clock and Neon's never matter); undefined until an answer carried a Date.
   * Neon's Date has whole seconds: the result may be up to a second early.
   */
  neonTimeAt(localMs: number): number | undefined {
    const seen = this.#pipeline.serverTime;
    return seen === undefined ? undefined : seen.serverMs - (seen.localMs - localMs);
  }

  /**
   * Waits until every operation has finished (or been skipped). Throws NeonOperationFailedError as
   * soon as one is seen failed, error or cancelled, and NeonOperationTimeoutError at the deadline.
   * Resolves with their final states, in order. Operations of one project are read together (one
   * request per look for everything this process waits for there), when they are expected to end:
   * see operationWaiter.ts.
   */
  async waitForOperations(operations: readonly Operation[], options: WaitOptions = {}): Promise<Operation[]> {
    const policy =
      options.deadlineMs === undefined ? this.#operationWait : { ...this.#operationWait, deadlineMs: whole(options.deadlineMs, "deadlineMs", 1) };
    return this.#operations.wait(operations, this.#waitDeps(policy), options.signal);
  }

  #waitDeps(policy: OperationWaitPolicy): OperationWaitDeps {
    return {
      readers: {
        one: async (projectId, operationId, signal) => (await this.operations.get(projectId, operationId, signal === undefined ? {} : { signal })).operation,
        recent: async (projectId, limit, signal) => (await this.operations.list(projectId, { limit }, signal === undefined ? {} : { signal })).operations,
      },
      policy,
      secrets: this.#pipeline.secrets,
    };
  }

  /**
   * Sends a change that starts operations, in the project's turn (operationWaiter.ts,
   * `beginChange`): after the changes this process sent before have been answered and the
   * operations it knows there have ended, so it never meets a 423 of its own making.
   */
  async #send<T extends { readonly operations: readonly Operation[] }, R>(
    call: RouteCall<T>,
    options: MutationOptions | undefined,
    send: () => Promise<R>,
    operationsOf: (result: R) => readonly Operation[],
  ): Promise<R> {
    const projectId = call.params?.project_id;
    const done = typeof projectId === "string" ? await this.#operations.beginChange(projectId, this.#waitDeps(this.#operationWait), options?.signal) : undefined;
    try {
      const result = await send();
      // Recorded even when not waited for: the next change to the project waits for them.
      this.#operations.register(operationsOf(result));
      return result;
    } finally {
      done?.();
    }
  }

  async #mutate<T extends { readonly operations: readonly Operation[] }>(call: RouteCall<T>, options: MutationOptions | undefined): Promise<T> {
    const response = await this.#send(call, options, () => this.#pipeline.send(call, options?.signal), (r) => r.operations);
    return this.#settle(response, options);
  }

  async #mutateDelete<T extends { readonly operations: readonly Operation[] }>(call: RouteCall<T>, options: MutationOptions | undefined): Promise<DeleteResult<T>> {
    const result = await this.#send(call, options, () => this.#pipeline.sendDelete(call, options?.signal), (r) => (r.gone ? [] : r.data.operations));
    if (result.gone) return { alreadyDeleted: true };
    return { ...(await this.#settle(result.data, options)), alreadyDeleted: false };
  }

  async #settle<T extends { readonly operations: readonly Operation[] }>(response: T, options: MutationOptions | undefined): Promise<T> {
    const wait = options?.waitForOperations ?? this.#waitAfterMutations;
    if (!wait || response.operations.length === 0) return response;
    const operations = await this.waitForOperations(response.operations, options?.signal === undefined ? {} : { signal: options.signal });
    return { ...response, operations };
  }
}
