/**
 * The public surface of the Neon API client, listed by hand. Everything under `internal/` is private
 * and may change without notice.
 */
export { NeonClient } from "./neonClient";
export type { MutationOptions, NeonClientOptions, NeonLogger, RequestOptions, WaitOptions } from "./options";
export type { DeleteResult } from "./internal/apiContext";
export { ATTEMPT_HEADER } from "./internal/requestPipeline";

// Errors
export {
  NeonAbortError,
  NeonAmbiguousWriteError,
  NeonApiError,
  NeonBadRequestError,
  NeonConfigurationError,
  NeonConflictError,
  NeonConnectionError,
  NeonError,
  NeonForbiddenError,
  NeonLockedError,
  NeonNotAcceptableError,
  NeonNotFoundError,
  NeonOperationFailedError,
  NeonOperationTimeoutError,
  NeonPreconditionFailedError,
  NeonRateLimitedError,
  NeonResponseValidationError,
  NeonServerError,
  NeonTimeoutError,
  NeonUnauthorizedError,
  NeonUnprocessableEntityError,
} from "./errors";
export type { NeonApiErrorDetails, NeonOperationSummary, NeonRequestContext, NeonResponseValidationDetails } from "./errors";

// Policies (pure functions, exported so callers and tests can reason about them)
export {
  backoffDelay,
  classifyOutcome,
  decideRetry,
  defaultRetryPolicy,
  parseRetryAfter,
} from "./retryPolicy";
export type { AttemptOutcome, HttpMethod, RetryDecision, RetryInput, RetryPolicy, TransportFailure } from "./retryPolicy";
export { defaultRateLimits, RateLimiter, scaledRateLimits } from "./rateLimiter";
export type { RateLimitOptions } from "./rateLimiter";
export { isTerminalOperationStatus, OPERATION_STATUSES, operationOutcome } from "./operationStatus";
export type { OperationOutcome, OperationStatus } from "./operationStatus";
export { systemClock } from "./clock";
export type { Clock } from "./clock";

// Request types
export type * from "./requests";

// Response types (inferred from the zod schemas)
export type { ConnectionDetails, EndpointSettings, ListOperationsResponse, Operation } from "./schemas/common";
export type {
  ConnectionUriResponse,
  CreatedProject,
  DefaultEndpointSettings,
  ListProjectsResponse,
  Project,
  ProjectListItem,
  ProjectOperations,
  ProjectResponse,
  ProjectSettings,
} from "./schemas/projects";
export type {
  Annotation,
  Branch,
  BranchOperations,
  BranchResponse,
  CreatedBranch,
  Database,
  DatabaseOperations,
  ListBranchesResponse,
  Role,
  RoleOperations,
} from "./schemas/branches";
export type { Endpoint, EndpointOperations, EndpointType } from "./schemas/endpoints";
export type { RestoredSnapshot, Snapshot, SnapshotOperations } from "./schemas/snapshots";
export type { NeonAuthCreated, NeonAuthIntegration, NeonAuthOAuthProvider, NeonAuthTrustedDomain } from "./schemas/neonAuth";
export type { DataApi, DataApiCreated, DataApiSettings } from "./schemas/dataApi";
export type { AuthDetails, CurrentUser, Organization } from "./schemas/identity";
