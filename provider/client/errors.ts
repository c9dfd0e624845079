/**
 * The one error hierarchy of the Neon client. Every error the client throws is a `NeonError`; they
 * are built only by `internal/errorFactory.ts`, so messages have one format and never contain the
 * API key, a password or a connection URI.
 *
 *   NeonError
 *   ├── NeonConfigurationError            bad options, found before any request
 *   ├── NeonApiError                      Neon answered with an error status
 *   │   ├── NeonBadRequestError           400
 *   │   ├── NeonUnauthorizedError         401
 *   │   ├── NeonForbiddenError            403
 *   │   ├── NeonNotFoundError             404
 *   │   ├── NeonConflictError             409
 *   │   ├── NeonLockedError               423 (project busy with other operations)
 *   │   ├── NeonRateLimitedError          429
 *   │   └── NeonServerError               5xx
 *   ├── NeonConnectionError               no usable response: refused, reset, dropped
 *   ├── NeonTimeoutError                  no response within the attempt timeout
 *   ├── NeonAbortError                    the caller's AbortSignal fired
 *   ├── NeonAmbiguousWriteError           a POST/PATCH whose outcome is unknown; not replayed
 *   ├── NeonResponseValidationError       a 2xx body without the fields the client relies on
 *   ├── NeonOperationFailedError          a Neon operation ended failed/error/cancelled
 *   └── NeonOperationTimeoutError         operations still running at the wait deadline
 */

/** Which request an error is about. Paths are relative to the base URL and contain ids only. */
export interface NeonRequestContext {
  readonly method: string;
  readonly path: string;
  /** The X-Request-ID sent with every attempt (or the one Neon reported back). */
  readonly requestId: string;
  /** How many attempts were sent before giving up. */
  readonly attempts: number;
}

export class NeonError extends Error {
  override readonly name: string = "NeonError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** `JSON.stringify(error)` keeps the message and the typed details (Error's own fields are not enumerable). */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { ...(this as object) };
    return { name: this.name, message: this.message, ...fields };
  }
}

export class NeonConfigurationError extends NeonError {
  override readonly name: string = "NeonConfigurationError";
}

/** Base of every error about one request: which request, and how many attempts were sent. */
abstract class NeonRequestError extends NeonError implements NeonRequestContext {
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly attempts: number;

  constructor(message: string, context: NeonRequestContext, options?: { cause?: unknown }) {
    super(message, options);
    this.method = context.method;
    this.path = context.path;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
  }
}

export interface NeonApiErrorDetails extends NeonRequestContext {
  readonly status: number;
  /** Neon's `code` from the error body; "" when the body had none. */
  readonly code: string;
  /** Neon's own `message`, with anything secret-looking redacted. */
  readonly neonMessage: string;
}

export class NeonApiError extends NeonRequestError implements NeonApiErrorDetails {
  override readonly name: string = "NeonApiError";
  readonly status: number;
  readonly code: string;
  readonly neonMessage: string;

  constructor(message: string, details: NeonApiErrorDetails) {
    super(message, details);
    this.status = details.status;
    this.code = details.code;
    this.neonMessage = details.neonMessage;
  }
}

export class NeonBadRequestError extends NeonApiError {
  override readonly name: string = "NeonBadRequestError";
}
export class NeonUnauthorizedError extends NeonApiError {
  override readonly name: string = "NeonUnauthorizedError";
}
export class NeonForbiddenError extends NeonApiError {
  override readonly name: string = "NeonForbiddenError";
}
export class NeonNotFoundError extends NeonApiError {
  override readonly name: string = "NeonNotFoundError";
}
/** 406: Neon will not do it as asked (a project transfer whose destination's plan limits are not met). */
export class NeonNotAcceptableError extends NeonApiError {
  override readonly name: string = "NeonNotAcceptableError";
}
export class NeonConflictError extends NeonApiError {
  override readonly name: string = "NeonConflictError";
}
/** 412: a precondition of the project does not hold (e.g. it does not store role passwords). */
export class NeonPreconditionFailedError extends NeonApiError {
  override readonly name: string = "NeonPreconditionFailedError";
}
/** 422: understood but refused (e.g. projects with GitHub/Vercel integrations cannot be transferred). */
export class NeonUnprocessableEntityError extends NeonApiError {
  override readonly name: string = "NeonUnprocessableEntityError";
}
/** 423: the project has running operations; Neon schedules nothing new until they finish. */
export class NeonLockedError extends NeonApiError {
  override readonly name: string = "NeonLockedError";
}
export class NeonRateLimitedError extends NeonApiError {
  override readonly name: string = "NeonRateLimitedError";
  /** What the last response's Retry-After asked for, if it had one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: NeonApiErrorDetails & { readonly retryAfterMs: number | undefined }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}
export class NeonServerError extends NeonApiError {
  override readonly name: string = "NeonServerError";
}

export class NeonConnectionError extends NeonRequestError {
  override readonly name: string = "NeonConnectionError";
}
export class NeonTimeoutError extends NeonRequestError {
  override readonly name: string = "NeonTimeoutError";
}
export class NeonAbortError extends NeonRequestError {
  override readonly name: string = "NeonAbortError";
}

/**
 * A POST or PATCH that may or may not have been applied: the connection dropped after sending, the
 * attempt timed out, or a gateway answered 5xx. The client never replays it (a replayed create is a
 * duplicate resource); the caller reconciles, e.g. looks the object up by name. `cause` holds the
 * underlying connection, timeout or server error.
 */
export class NeonAmbiguousWriteError extends NeonRequestError {
  override readonly name: string = "NeonAmbiguousWriteError";
}

export interface NeonResponseValidationDetails extends NeonRequestContext {
  readonly status: number;
  /** Method and path template, e.g. `GET /projects/{project_id}`. */
  readonly route: string;
  /** Dotted path of the first offending field, e.g. `branch.current_state`; "" for the body itself. */
  readonly field: string;
  /** What was wrong, without the offending value (it may be a secret). */
  readonly issue: string;
}

/**
 * A successful response without the fields the client relies on. On a POST/PATCH the write has
 * happened; only the answer could not be read.
 */
export class NeonResponseValidationError extends NeonRequestError implements NeonResponseValidationDetails {
  override readonly name: string = "NeonResponseValidationError";
  readonly status: number;
  readonly route: string;
  readonly field: string;
  readonly issue: string;

  constructor(message: string, details: NeonResponseValidationDetails) {
    super(message, details);
    this.status = details.status;
    this.route = details.route;
    this.field = details.field;
    this.issue = details.issue;
  }
}

/** The identifying fields of a Neon operation, as carried by the operation errors. */
export interface NeonOperationSummary {
  readonly operationId: string;
  readonly action: string;
  readonly status: string;
  readonly projectId: string;
  readonly branchId?: string;
  readonly endpointId?: string;
}

export class NeonOperationFailedError extends NeonError implements NeonOperationSummary {
  override readonly name: string = "NeonOperationFailedError";
  readonly operationId: string;
  readonly action: string;
  readonly status: string;
  readonly projectId: string;
  readonly branchId?: string;
  readonly endpointId?: string;
  /** Neon's `error` text for the operation, redacted. */
  readonly operationError?: string;

  constructor(message: string, details: NeonOperationSummary & { readonly operationError?: string }) {
    super(message);
    this.operationId = details.operationId;
    this.action = details.action;
    this.status = details.status;
    this.projectId = details.projectId;
    if (details.branchId !== undefined) this.branchId = details.branchId;
    if (details.endpointId !== undefined) this.endpointId = details.endpointId;
    if (details.operationError !== undefined) this.operationError = details.operationError;
  }
}

export class NeonOperationTimeoutError extends NeonError implements NeonOperationSummary {
  override readonly name: string = "NeonOperationTimeoutError";
  /** The first operation still pending; all of them are in `pending`. */
  readonly operationId: string;
  readonly action: string;
  readonly status: string;
  readonly projectId: string;
  readonly waitedMs: number;
  readonly pending: readonly NeonOperationSummary[];

  constructor(message: string, details: { readonly waitedMs: number; readonly pending: readonly NeonOperationSummary[] }) {
    super(message);
    const first = details.pending[0];
    this.operationId = first?.operationId ?? "";
    this.action = first?.action ?? "";
    this.status = first?.status ?? "";
    this.projectId = first?.projectId ?? "";
    this.waitedMs = details.waitedMs;
    this.pending = details.pending;
  }
}
