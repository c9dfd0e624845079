/**
 * The one catalogue of errors the local Neon API answers with. Handlers throw these; the server
 * turns them into Neon's error body `{code, message, request_id}`. Messages follow Neon's wording
 * where it is known (the 423 text is Neon's verbatim).
 */
export class NeonLocalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
    /** A body other than the general error shape (406/422 on project transfer). */
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "NeonLocalError";
  }
}

export const apiErrors = {
  unauthorized: () => new NeonLocalError(401, "UNAUTHORIZED", "authorization failed: missing or invalid API key"),
  badRequest: (message: string) => new NeonLocalError(400, "BAD_REQUEST", message),
  invalidField: (field: string, reason: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: ${reason}`),
  malformedJson: () => new NeonLocalError(400, "BAD_REQUEST", "request body is not valid JSON"),
  bodyTooLarge: (limit: number) => new NeonLocalError(413, "REQUEST_TOO_LARGE", `request body exceeds ${limit} bytes`),
  notFound: (what: string, id?: string) =>
    new NeonLocalError(404, "NOT_FOUND", id === undefined ? `${what} not found` : `${what} ${id} not found`),
  routeNotFound: (method: string, path: string) => new NeonLocalError(404, "NOT_FOUND", `no route for ${method} ${path}`),
  methodNotAllowed: (method: string, path: string) =>
    new NeonLocalError(405, "METHOD_NOT_ALLOWED", `method ${method} is not allowed on ${path}`),
  conflict: (message: string) => new NeonLocalError(409, "CONFLICT", message),
  locked: () =>
    new NeonLocalError(423, "LOCKED", "project already has running conflicting operations, scheduling of new ones is prohibited"),
  rateLimited: (retryAfterSeconds: number, scope: string) =>
    new NeonLocalError(429, "TOO_MANY_REQUESTS", `rate limit exceeded (${scope}); retry after ${retryAfterSeconds}s`, {
      "Retry-After": String(retryAfterSeconds),
    }),
  preconditionFailed: (message: string) => new NeonLocalError(412, "PRECONDITION_FAILED", message),
  unprocessable: (message: string) => new NeonLocalError(422, "UNPROCESSABLE_ENTITY", message),
  /** A bug in the local Neon API itself (a handler threw something other than a NeonLocalError). */
  internal: (cause: unknown) =>
    new NeonLocalError(500, "INTERNAL_ERROR", `local Neon API error: ${cause instanceof Error ? cause.message : String(cause)}`),
  injected: (status: number, retryAfterSeconds?: number, message?: string) =>
    new NeonLocalError(
      status,
      status === 429 ? "TOO_MANY_REQUESTS" : status === 423 ? "LOCKED" : "INJECTED_FAULT",
      message ??
        (status === 423
          ? "project already has running conflicting operations, scheduling of new ones is prohibited"
          : `injected fault: ${status}`),
      retryAfterSeconds === undefined ? {} : { "Retry-After": String(retryAfterSeconds) },
    ),
};
