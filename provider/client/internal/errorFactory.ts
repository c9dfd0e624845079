/**
 * The only place the client's errors are built. Every message has the same shape,
 * `METHOD /path → what happened (request <id>)`, reads well in a `pulumi up` log, and passes
 * through `redactSecrets` for anything that came from the server or the caller.
 */
import { STATUS_CODES } from "node:http";
import {
  NeonAbortError,
  NeonAmbiguousWriteError,
  NeonApiError,
  type NeonApiErrorDetails,
  NeonBadRequestError,
  NeonConfigurationError,
  NeonConflictError,
  NeonConnectionError,
  type NeonError,
  NeonForbiddenError,
  NeonLockedError,
  NeonNotAcceptableError,
  NeonNotFoundError,
  NeonOperationFailedError,
  type NeonOperationSummary,
  NeonOperationTimeoutError,
  NeonPreconditionFailedError,
  NeonRateLimitedError,
  type NeonRequestContext,
  NeonResponseValidationError,
  NeonServerError,
  NeonTimeoutError,
  NeonUnauthorizedError,
  NeonUnprocessableEntityError,
} from "../errors";
import type { TransportFailure } from "../retryPolicy";
import { redactSecrets } from "./redact";

/** A request context plus the literal secrets (the API key) to strip from any text. */
export interface ErrorContext extends NeonRequestContext {
  readonly secrets: readonly string[];
}

function subject(context: NeonRequestContext): string {
  return `${context.method} ${context.path}`;
}

function suffix(context: NeonRequestContext, requestId = context.requestId): string {
  const attempts = context.attempts > 1 ? `, after ${context.attempts} attempts` : "";
  return ` (request ${requestId}${attempts})`;
}

function contextOf(context: ErrorContext, requestId = context.requestId): NeonRequestContext {
  return { method: context.method, path: context.path, requestId, attempts: context.attempts };
}

export function configurationError(message: string): NeonConfigurationError {
  return new NeonConfigurationError(message);
}

export interface ErrorResponse {
  readonly status: number;
  readonly bodyText: string;
  /** The X-Request-ID response header, if any. */
  readonly requestIdHeader: string | undefined;
  /** Parsed Retry-After, for the 429 error's `retryAfterMs`. */
  readonly retryAfterMs: number | undefined;
}

/** A non-2xx response → the NeonApiError subclass for its status. */
export function apiError(response: ErrorResponse, context: ErrorContext): NeonApiError {
  const body = parseErrorBody(response.bodyText);
  const requestId = body.requestId ?? response.requestIdHeader ?? context.requestId;
  const neonMessage = redactSecrets(body.message, context.secrets);
  const statusText = STATUS_CODES[response.status] ?? "Error";
  const what = neonMessage === "" ? `${response.status} ${statusText}` : `${response.status} ${statusText}: ${neonMessage}`;
  const message = `${subject(context)} → ${what}${suffix(context, requestId)}`;
  const details: NeonApiErrorDetails = {
    ...contextOf(context, requestId),
    status: response.status,
    code: redactSecrets(body.code, context.secrets),
    neonMessage,
  };
  switch (response.status) {
    case 400:
      return new NeonBadRequestError(message, details);
    case 401:
      return new NeonUnauthorizedError(message, details);
    case 403:
      return new NeonForbiddenError(message, details);
    case 404:
      return new NeonNotFoundError(message, details);
    case 406:
      return new NeonNotAcceptableError(message, details);
    case 409:
      return new NeonConflictError(message, details);
    case 412:
      return new NeonPreconditionFailedError(message, details);
    case 422:
      return new NeonUnprocessableEntityError(message, details);
    case 423:
      return new NeonLockedError(message, details);
    case 429:
      return new NeonRateLimitedError(message, { ...details, retryAfterMs: response.retryAfterMs });
    default:
      return response.status >= 500 ? new NeonServerError(message, details) : new NeonApiError(message, details);
  }
}

interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly requestId: string | undefined;
}

/**
 * Neon's error body is `{code, message, request_id}`. Project transfer answers 406 with
 * `{limits: [{name, expected, actual}]}` and 422 with `{projects: [{id, integration}]}`; those are
 * summarised. Anything else (an HTML page from a proxy) is dropped rather than quoted.
 */
function parseErrorBody(text: string): ErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: "", message: "", requestId: undefined };
  }
  if (typeof json !== "object" || json === null) return { code: "", message: "", requestId: undefined };
  const body = json as Record<string, unknown>;
  const code = typeof body.code === "string" ? body.code : "";
  const requestId = typeof body.request_id === "string" && body.request_id !== "" ? body.request_id : undefined;
  if (typeof body.message === "string") return { code, message: body.message, requestId };
  if (Array.isArray(body.limits)) {
    const limits = body.limits.map((l: Record<string, unknown>) => `${String(l?.name)} (expected ${String(l?.expected)}, actual ${String(l?.actual)})`);
    return { code, message: `organization limits not satisfied: ${limits.join("; ")}`, requestId };
  }
  if (Array.isArray(body.projects)) {
    const projects = body.projects.map((p: Record<string, unknown>) => `${String(p?.id)} (${String(p?.integration)})`);
    return { code, message: `projects with integrations cannot be transferred: ${projects.join("; ")}`, requestId };
  }
  return { code, message: "", requestId };
}

const TRANSPORT_DESCRIPTIONS: Record<TransportFailure, string> = {
  connect_failed: "could not connect",
  connection_lost: "connection lost before a complete response",
  timeout: "no complete response within the attempt timeout",
};

/** A failure without an HTTP response. `code` is the system or undici error code, if any. */
export function transportError(
  failure: TransportFailure,
  context: ErrorContext,
  cause: unknown,
  code: string | undefined,
): NeonConnectionError | NeonTimeoutError {
  const detail = code === undefined ? "" : ` (${code})`;
  const message = `${subject(context)} → ${TRANSPORT_DESCRIPTIONS[failure]}${detail}${suffix(context)}`;
  return failure === "timeout"
    ? new NeonTimeoutError(message, contextOf(context), { cause })
    : new NeonConnectionError(message, contextOf(context), { cause });
}

export function abortError(context: ErrorContext, cause: unknown): NeonAbortError {
  return new NeonAbortError(`${subject(context)} → aborted by the caller${suffix(context)}`, contextOf(context), { cause });
}

/** The caller aborted while the client was waiting between polls of an operation (no request in flight). */
export function operationWaitAbortedError(operation: OperationFacts, secrets: readonly string[], cause: unknown): NeonAbortError {
  const context: ErrorContext = {
    method: "GET",
    path: `/projects/${operation.project_id}/operations/${operation.id}`,
    requestId: "",
    attempts: 0,
    secrets,
  };
  const message = `waiting for Neon operation ${operation.id} (${operation.action}) on project ${operation.project_id} was aborted by the caller`;
  return new NeonAbortError(message, contextOf(context), { cause });
}

/** The caller aborted a change while it waited for its turn on the project (nothing was sent). */
export function changeWaitAbortedError(projectId: string, secrets: readonly string[], cause: unknown): NeonAbortError {
  const context: ErrorContext = { method: "GET", path: `/projects/${projectId}/operations`, requestId: "", attempts: 0, secrets };
  const message = `a change to project ${projectId}, waiting for the project's operations to end before it is sent, was aborted by the caller; nothing was sent`;
  return new NeonAbortError(message, contextOf(context), { cause });
}

/** A POST/PATCH whose outcome is unknown. `cause` is the connection, timeout or server error. */
export function ambiguousWriteError(context: ErrorContext, reason: string, cause: NeonError): NeonAmbiguousWriteError {
  const requestId = cause instanceof NeonApiError ? cause.requestId : context.requestId;
  const message =
    `${subject(context)} → outcome unknown: ${reason}. It was not sent again because it may already have ` +
    `been applied; look the object up before creating it again${suffix(context, requestId)}`;
  return new NeonAmbiguousWriteError(message, contextOf(context, requestId), { cause });
}

export function responseValidationError(
  context: ErrorContext & { readonly status: number; readonly route: string },
  field: string,
  issue: string,
): NeonResponseValidationError {
  const safeIssue = redactSecrets(issue, context.secrets);
  const where = field === "" ? "the response body" : `\`${field}\``;
  const message = `${subject(context)} → ${context.status} response is not what the client expects: ${where}: ${safeIssue}${suffix(context)}`;
  return new NeonResponseValidationError(message, {
    ...contextOf(context),
    status: context.status,
    route: context.route,
    field,
    issue: safeIssue,
  });
}

/** The fields of a Neon operation the operation errors need. */
export interface OperationFacts {
  readonly id: string;
  readonly action: string;
  readonly status: string;
  readonly project_id: string;
  readonly branch_id?: string | undefined;
  readonly endpoint_id?: string | undefined;
  readonly error?: string | undefined;
}

function summarise(operation: OperationFacts): NeonOperationSummary {
  return {
    operationId: operation.id,
    action: operation.action,
    status: operation.status,
    projectId: operation.project_id,
    ...(operation.branch_id === undefined ? {} : { branchId: operation.branch_id }),
    ...(operation.endpoint_id === undefined ? {} : { endpointId: operation.endpoint_id }),
  };
}

export function operationFailedError(operation: OperationFacts, secrets: readonly string[]): NeonOperationFailedError {
  const operationError = operation.error === undefined || operation.error === "" ? undefined : redactSecrets(operation.error, secrets);
  const target = operation.branch_id === undefined ? "" : ` branch ${operation.branch_id}`;
  const message =
    `Neon operation ${operation.id} (${operation.action}) on project ${operation.project_id}${target} ended ${operation.status}` +
    (operationError === undefined ? "" : `: ${operationError}`);
  return new NeonOperationFailedError(message, {
    ...summarise(operation),
    ...(operationError === undefined ? {} : { operationError }),
  });
}

export function operationTimeoutError(pending: readonly OperationFacts[], waitedMs: number): NeonOperationTimeoutError {
  const list = pending.map((op) => `${op.id} (${op.action}, ${op.status})`).join(", ");
  const projects = [...new Set(pending.map((op) => op.project_id))].join(", ");
  const message = `Neon operations on project ${projects} still not finished after ${Math.round(waitedMs)} ms: ${list}`;
  return new NeonOperationTimeoutError(message, { waitedMs, pending: pending.map(summarise) });
}
