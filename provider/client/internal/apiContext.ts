import type { MutationOptions } from "../options";
import type { Operation } from "../schemas/common";
import type { CallResult, RequestPipeline } from "./requestPipeline";

type WithOperations = { readonly operations: readonly Operation[] };

/** What every API area needs: the request pipeline, and the client's way of waiting for operations. */
export interface ApiContext {
  readonly pipeline: RequestPipeline;
  /** Waits for `response.operations` unless the call or the client says not to; returns them updated. */
  settle<T extends WithOperations>(response: T, options: MutationOptions | undefined): Promise<T>;
  /** `settle` for a DELETE that may have answered 204 (already gone). */
  settleDeletion<T extends WithOperations>(result: CallResult<T>, options: MutationOptions | undefined): Promise<DeleteResult<T>>;
}

/** DELETE answers: what Neon returned, or `alreadyDeleted` when it answered 204 (nothing to delete). */
export type DeleteResult<T> = (T & { readonly alreadyDeleted: false }) | { readonly alreadyDeleted: true };
