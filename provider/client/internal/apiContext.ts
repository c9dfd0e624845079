import type { MutationOptions } from "../options";
import type { Operation } from "../schemas/common";
import type { RequestPipeline, RouteCall } from "./requestPipeline";

type WithOperations = { readonly operations: readonly Operation[] };

/** What every API area needs: the request pipeline, and the client's way of sending changes that start operations. */
export interface ApiContext {
  readonly pipeline: RequestPipeline;
  /**
   * Sends a change that starts Neon operations: once the operations this process knows on the
   * project have ended (no 423 of our own making), then waits for the new ones unless the call or
   * the client says not to; returns the response with them updated.
   */
  mutate<T extends WithOperations>(call: RouteCall<T>, options: MutationOptions | undefined): Promise<T>;
  /** `mutate` for a DELETE that may answer 204 (already gone). */
  mutateDelete<T extends WithOperations>(call: RouteCall<T>, options: MutationOptions | undefined): Promise<DeleteResult<T>>;
}

/** DELETE answers: what Neon returned, or `alreadyDeleted` when it answered 204 (nothing to delete). */
export type DeleteResult<T> = (T & { readonly alreadyDeleted: false }) | { readonly alreadyDeleted: true };
