/**
 * Request bodies and query parameters, in Neon's own field names (snake_case) so they read the same
 * as the API reference. These are inputs the client sends as given; responses are the zod-derived
 * types in `schemas/`.
 */
import type { DataApiSettings } from "./schemas/dataApi";
import type { EndpointType } from "./schemas/endpoints";
import type { DefaultEndpointSettings, ProjectSettings } from "./schemas/projects";
import type { EndpointSettings } from "./schemas/common";

export interface ListProjectsQuery {
  readonly cursor?: string;
  /** 1–400; Neon's default is 10. */
  readonly limit?: number;
  readonly search?: string;
  /** Required with a personal API key to list an organization's projects. */
  readonly org_id?: string;
  readonly timeout?: number;
  readonly recoverable?: boolean;
}

export interface ProjectCreateRequest {
  readonly project: {
    readonly name?: string;
    readonly region_id?: string;
    readonly pg_version?: number;
    readonly org_id?: string;
    readonly provisioner?: string;
    readonly store_passwords?: boolean;
    readonly history_retention_seconds?: number;
    readonly settings?: ProjectSettings;
    readonly default_endpoint_settings?: DefaultEndpointSettings;
    readonly branch?: {
      readonly name?: string;
      readonly role_name?: string;
      readonly database_name?: string;
      readonly annotations?: Readonly<Record<string, string>>;
    };
  };
}

export interface ProjectUpdateRequest {
  readonly project: {
    readonly name?: string;
    readonly settings?: ProjectSettings;
    readonly default_endpoint_settings?: DefaultEndpointSettings;
    readonly history_retention_seconds?: number;
  };
}

export interface ConnectionUriQuery {
  readonly database_name: string;
  readonly role_name: string;
  readonly branch_id?: string;
  readonly endpoint_id?: string;
  readonly pooled?: boolean;
}

export interface ListBranchesQuery {
  readonly search?: string;
  readonly sort_by?: "name" | "created_at" | "updated_at";
  readonly sort_order?: "asc" | "desc";
  readonly cursor?: string;
  /** 1–10000. Without it Neon returns every branch in one page. */
  readonly limit?: number;
  readonly include_deleted?: boolean;
}

export interface BranchEndpointOptions {
  readonly type: EndpointType;
  readonly autoscaling_limit_min_cu?: number;
  readonly autoscaling_limit_max_cu?: number;
  readonly provisioner?: string;
  readonly suspend_timeout_seconds?: number;
  readonly settings?: EndpointSettings;
}

export interface BranchCreateRequest {
  readonly branch?: {
    readonly parent_id?: string;
    readonly name?: string;
    readonly parent_lsn?: string;
    readonly parent_timestamp?: string;
    readonly protected?: boolean;
    readonly archived?: boolean;
    readonly init_source?: "parent-data" | "schema-only";
    readonly expires_at?: string;
  };
  /** A compute is created only if listed here; at most one read_write. */
  readonly endpoints?: readonly BranchEndpointOptions[];
  readonly annotation_value?: Readonly<Record<string, string>>;
}

export interface BranchUpdateRequest {
  readonly branch: {
    readonly name?: string;
    readonly protected?: boolean;
    /** `null` clears the expiry. */
    readonly expires_at?: string | null;
  };
}

export interface RoleCreateRequest {
  readonly role: { readonly name: string; readonly no_login?: boolean };
}

export interface DatabaseCreateRequest {
  readonly database: { readonly name: string; readonly owner_name: string };
}

export interface DatabaseUpdateRequest {
  readonly database: { readonly name?: string; readonly owner_name?: string };
}

interface EndpointFields {
  readonly autoscaling_limit_min_cu?: number;
  readonly autoscaling_limit_max_cu?: number;
  readonly provisioner?: string;
  readonly settings?: EndpointSettings;
  readonly pooler_enabled?: boolean;
  readonly pooler_mode?: "transaction";
  readonly disabled?: boolean;
  readonly passwordless_access?: boolean;
  readonly suspend_timeout_seconds?: number;
  readonly name?: string;
}

export interface EndpointCreateRequest {
  readonly endpoint: EndpointFields & { readonly branch_id: string; readonly type: EndpointType; readonly region_id?: string };
}

export interface EndpointUpdateRequest {
  readonly endpoint: EndpointFields;
}

/** Snapshot creation takes query parameters, not a body. `lsn` and `timestamp` exclude each other. */
export interface SnapshotCreateQuery {
  readonly name?: string;
  readonly lsn?: string;
  readonly timestamp?: string;
  readonly expires_at?: string;
}

export interface SnapshotUpdateRequest {
  /**
   * `expires_at` (RFC 3339, or null to remove the expiry) is documented in Neon's API reference;
   * the vendored OpenAPI copy predates it.
   */
  readonly snapshot: { readonly name?: string; readonly expires_at?: string | null };
}

export interface SnapshotRestoreRequest {
  /** Name of the new branch; generated if absent. */
  readonly name?: string;
  readonly target_branch_id?: string;
  /** Default false: the restored branch can be inspected before `finalizeRestore`. */
  readonly finalize_restore?: boolean;
}

export interface FinalizeRestoreRequest {
  /** New name for the branch being replaced; generated if absent. */
  readonly name?: string;
}

export type NeonAuthProvider = "mock" | "stack" | "stack_v2" | "better_auth";
export type NeonAuthOAuthProviderId = "google" | "github" | "microsoft" | "vercel";

export interface NeonAuthEnableRequest {
  readonly auth_provider: NeonAuthProvider;
  readonly database_name?: string;
}

export interface NeonAuthOAuthProviderAddRequest {
  readonly id: NeonAuthOAuthProviderId;
  readonly client_id?: string;
  readonly client_secret?: string;
  readonly microsoft_tenant_id?: string;
}

export interface NeonAuthOAuthProviderUpdateRequest {
  readonly client_id?: string;
  readonly client_secret?: string;
  readonly microsoft_tenant_id?: string;
}

export interface NeonAuthTrustedDomainAddRequest {
  readonly domain: string;
  readonly auth_provider: NeonAuthProvider;
}

export interface NeonAuthTrustedDomainsDeleteRequest {
  readonly auth_provider: NeonAuthProvider;
  readonly domains: readonly { readonly domain: string }[];
}

export interface DataApiCreateRequest {
  readonly auth_provider?: "neon_auth" | "external";
  readonly jwks_url?: string;
  readonly provider_name?: string;
  readonly jwt_audience?: string;
  readonly add_default_grants?: boolean;
  readonly skip_auth_schema?: boolean;
  readonly settings?: DataApiSettings;
}

export interface DataApiUpdateRequest {
  readonly settings?: DataApiSettings;
}

export interface ProjectTransferRequest {
  readonly destination_org_id: string;
  /** At most 400. */
  readonly project_ids: readonly string[];
}

export interface ListOperationsQuery {
  readonly cursor?: string;
  /** 1–1000. */
  readonly limit?: number;
}
