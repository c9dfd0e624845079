/**
 * Request bodies and query parameters: Neon's own, taken from its OpenAPI document
 * (`spec/types`, generated at build time), in its field names (snake_case). Nothing here is
 * written by hand; where the vendored spec lags Neon's API reference, `spec/types` declares the
 * extension once for the client and the local Neon API. Responses are the zod schemas in `schemas/`, checked against the same spec
 * (`schemas/specConformance.ts`).
 */
import type { NeonQuery, NeonRequestBody, NeonSchema } from "../../spec/types";

/** `limit` is 1–400 (Neon's default 10); `org_id` is required with a personal API key to list an organization's projects. */
export type ListProjectsQuery = NeonQuery<"listProjects">;
export type ProjectCreateRequest = NeonRequestBody<"createProject">;
export type ProjectUpdateRequest = NeonRequestBody<"updateProject">;
export type ConnectionUriQuery = NeonQuery<"getConnectionURI">;

/** `limit` is 1–10000; without it Neon returns every branch in one page. */
export type ListBranchesQuery = NeonQuery<"listProjectBranches">;
/** A compute is created with the branch only if listed in `endpoints`; at most one read_write. */
export type BranchCreateRequest = NeonRequestBody<"createProjectBranch">;
export type BranchEndpointOptions = NonNullable<BranchCreateRequest["endpoints"]>[number];
export type BranchDeleteQuery = NeonQuery<"deleteProjectBranch">;
/** `expires_at: null` clears the expiry. */
export type BranchUpdateRequest = NeonRequestBody<"updateProjectBranch">;
export type RoleCreateRequest = NeonRequestBody<"createProjectBranchRole">;
export type DatabaseCreateRequest = NeonRequestBody<"createProjectBranchDatabase">;
export type DatabaseUpdateRequest = NeonRequestBody<"updateProjectBranchDatabase">;

export type EndpointCreateRequest = NeonRequestBody<"createProjectEndpoint">;
export type EndpointUpdateRequest = NeonRequestBody<"updateProjectEndpoint">;

/** Snapshot creation takes query parameters, not a body. `lsn` and `timestamp` exclude each other. */
export type SnapshotCreateQuery = NeonQuery<"createSnapshot">;
/** `snapshot.expires_at` is one of the spec's declared extensions (`spec/types`). */
export type SnapshotUpdateRequest = NeonRequestBody<"updateSnapshot">;
/** Without `finalize_restore` (default false) the restored branch can be inspected before `finalizeRestore`. */
export type SnapshotRestoreRequest = NeonRequestBody<"restoreSnapshot">;
/** `name` renames the branch being replaced; generated if absent. */
export type FinalizeRestoreRequest = NeonRequestBody<"finalizeRestoreBranch">;

export type NeonAuthProvider = NeonSchema<"NeonAuthSupportedAuthProvider">;
export type NeonAuthOAuthProviderId = NeonSchema<"NeonAuthOauthProviderId">;
export type NeonAuthEnableRequest = NeonRequestBody<"createNeonAuth">;
/** `delete_data` also drops the `neon_auth` schema from the database. */
export type NeonAuthDisableRequest = NeonRequestBody<"disableNeonAuth">;
export type NeonAuthAllowLocalhostRequest = NeonRequestBody<"updateNeonAuthAllowLocalhost">;
export type NeonAuthOAuthProviderAddRequest = NeonRequestBody<"addBranchNeonAuthOauthProvider">;
export type NeonAuthOAuthProviderUpdateRequest = NeonRequestBody<"updateBranchNeonAuthOauthProvider">;
export type NeonAuthTrustedDomainAddRequest = NeonRequestBody<"addBranchNeonAuthTrustedDomain">;
export type NeonAuthTrustedDomainsDeleteRequest = NeonRequestBody<"deleteBranchNeonAuthTrustedDomain">;

export type DataApiCreateRequest = NeonRequestBody<"createProjectBranchDataAPI">;
export type DataApiUpdateRequest = NeonRequestBody<"updateProjectBranchDataAPI">;

/** At most 400 `project_ids`. */
export type ProjectTransferRequest = NeonRequestBody<"transferProjectsFromOrgToOrg">;

/** `limit` is 1–1000. */
export type ListOperationsQuery = NeonQuery<"listProjectOperations">;
