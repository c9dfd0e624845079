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

/** Neon's own words for its 423 (the only message known verbatim). */
const lockedMessage = "project already has running conflicting operations, scheduling of new ones is prohibited";

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
  locked: () => new NeonLocalError(423, "LOCKED", lockedMessage),
  rateLimited: (retryAfterSeconds: number, scope: string) =>
    new NeonLocalError(429, "TOO_MANY_REQUESTS", `rate limit exceeded (${scope}); retry after ${retryAfterSeconds}s`, {
      "Retry-After": String(retryAfterSeconds),
    }),
  /** A field naming something that does not exist (400, not 404: the path's own objects were found). */
  referenceNotFound: (field: string, what: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: ${what} not found`),
  mustBeInFuture: (field: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: must be in the future`),
  mustNotBeInFuture: (field: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: must not be in the future`),
  unknownCursor: (field: string, sameSort = false) =>
    new NeonLocalError(400, "BAD_REQUEST", `${field}: is not a cursor returned by this listing${sameSort ? " (with the same sort_by and sort_order)" : ""}`),
  malformedLsn: (field: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: must look like 0/1A2B3C4`),
  outsideRetention: (field: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: is outside the project's history retention window`),
  oauthCredentialsApart: (field: string) => new NeonLocalError(400, "BAD_REQUEST", `${field}: client_id and client_secret must be given together`),
  secondReadWriteEndpoint: (field: string, branchId: string) =>
    new NeonLocalError(400, "BAD_REQUEST", `${field}: branch ${branchId} already has a read_write endpoint`),
  endpointDisabled: (endpointId: string, action: "starting" | "restarting") =>
    new NeonLocalError(400, "BAD_REQUEST", `endpoint ${endpointId} is disabled; enable it before ${action}`),
  alreadyExistsOnBranch: (what: "role" | "database", name: string, branchId: string) =>
    new NeonLocalError(409, "CONFLICT", `${what} "${name}" already exists on branch ${branchId}`),
  branchNameTaken: (name: string, existingId: string) => new NeonLocalError(409, "CONFLICT", `branch with name "${name}" already exists (${existingId})`),
  /** Project transfer to an organization whose plan does not allow what the projects use (Neon's 406 body). */
  limitsUnsatisfied: (limits: { name: string; expected: string; actual: string }[]) =>
    new NeonLocalError(406, "LIMITS_UNSATISFIED", "destination organization's plan limits are not satisfied", {}, { limits }),
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
        (status === 423 ? lockedMessage : `injected fault: ${status}`),
      retryAfterSeconds === undefined ? {} : { "Retry-After": String(retryAfterSeconds) },
    ),
};
