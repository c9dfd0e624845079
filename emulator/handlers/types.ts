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
  path: string;
  operationId: string;
  /**
   * Takes the project lock, as Neon does for changes that conflict with running operations: while
   * the project's operations run, a valid request is refused with 423 and changes nothing (enforced
   * by the server, once for all routes, after the handler has validated it). A request the handler
   * answers as having nothing to do (deleting what is already gone) is answered as usual.
   */
  locksProject?: true;
  handle(ctx: HandlerContext): HandlerResult;
}
