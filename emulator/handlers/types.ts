import type { NeonOperationId, NeonSuccessBody } from "../../spec/types";
import type { paths } from "../../spec/types/generated";
import type { World } from "../world";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface HandlerContext {
  world: World;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

export interface HandlerResult {
  status: number;
  /** JSON body; undefined means an empty body (204, or Neon routes that declare no content). */
  body?: unknown;
  /** The request had nothing to do (deleting what is already gone): a busy project does not refuse it. */
  nothingToDo?: true;
}

export interface RouteDefinition {
  method: HttpMethod;
  /** The path template exactly as in the OpenAPI document, relative to /api/v2. */
  path: keyof paths;
  operationId: NeonOperationId;
  /**
   * Takes the project lock, as Neon does for changes that conflict with running operations: while
   * the project's operations run, a valid request is refused with 423 and changes nothing (enforced
   * by the server, once for all routes, after the handler has validated it). A request the handler
   * answers as having nothing to do (deleting what is already gone) is answered as usual.
   */
  locksProject?: true;
  handle(ctx: HandlerContext): HandlerResult;
}

/**
 * A route whose answers are typed by Neon's spec: `handle` must return, for a success, the body
 * the spec gives the operation (`spec/types`), so a field renamed or made required in the spec
 * fails the build in the handler or the render function that builds it.
 */
export interface SpecifiedRoute<Op extends NeonOperationId> extends Omit<RouteDefinition, "operationId" | "handle"> {
  handle(ctx: HandlerContext): Omit<HandlerResult, "body"> & { body?: NeonSuccessBody<Op> };
}

/**
 * Declares the route of an operation, checking its answers against the spec (see
 * `SpecifiedRoute`): `route("getProject")({ method, path, handle })`. The operation is given on its
 * own so that the definition is typed by it (inferred together, TypeScript would widen the
 * handler's literals before it knew the operation).
 */
export function route<Op extends NeonOperationId>(operationId: Op): (definition: SpecifiedRoute<Op>) => RouteDefinition {
  return (definition) => ({ ...definition, operationId });
}
