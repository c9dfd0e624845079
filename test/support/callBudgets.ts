/**
 * How many Neon API calls each kind of engine step may make: the budgets of issue 7 ("Hardening
 * and speed"), kept here once and asserted by the engine-driven suites from the local Neon API's
 * request log.
 */
export const callBudgets = {
  /** A preview of an unchanged stack: `check` and `diff` never call Neon. */
  emptyPreview: 0,
  /** An `up` with nothing to change. */
  noOpUp: 0,
  /** A preview of any change: previews run no create, update or delete. */
  previewOfChanges: 0,
  /** `refresh` reads; it never writes. */
  refreshWrites: 0,
  /**
   * A tenant's first `up`: project, the default compute adopted, Neon Auth with a trusted domain,
   * the Data API, a checkpoint and a preview branch, at the provider's default polling and the
   * local Neon API's default 300 ms operations. Per resource, see `tenantUpCalls`.
   */
  tenantUp: 12,
} as const;

/**
 * The calls behind `tenantUp`, resource by resource, each justified: the writes needed, the reads
 * that carry information, and one status check per wait that ends on time. Shown in docs/speed.md.
 */
export const tenantUpCalls = {
  project: ["POST /projects", "GET /projects/{project_id}/operations"],
  adoptedCompute: ["GET /projects/{project_id}/branches/{branch_id}/endpoints"],
  auth: [
    "POST /projects/{project_id}/branches/{branch_id}/auth",
    "POST /projects/{project_id}/branches/{branch_id}/auth/domains",
    "GET /projects/{project_id}/branches/{branch_id}/auth",
  ],
  dataApi: ["POST /projects/{project_id}/branches/{branch_id}/data-api/{database_name}", "GET /projects/{project_id}/branches/{branch_id}/data-api/{database_name}"],
  checkpoint: ["POST /projects/{project_id}/branches/{branch_id}/snapshot", "GET /projects/{project_id}/operations/{operation_id}"],
  previewBranch: ["POST /projects/{project_id}/branches", "GET /projects/{project_id}/operations/{operation_id}"],
} as const;
