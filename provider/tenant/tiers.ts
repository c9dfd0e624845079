/**
 * Tenant tiers: the one place that says what a free and a paid tenant get. A tier names the
 * organization its tenants live in (by role: the platform maps roles to its organization ids), the
 * compute range and scale-to-zero delay, the usage quotas, the point-in-time history, and whether
 * the tenant is protected from deletion as a whole. Changing a tenant's tier moves its project to
 * the tier's organization in place and applies these limits. The README's tier table is checked
 * against this one by the tests.
 */

/** The organizations a platform keeps tenants in: sponsored (Neon's agent plan) and paid. */
export type OrganizationRole = "sponsored" | "paid";

/** A platform's organization ids by role. */
export type TenantOrganizations = Readonly<Record<OrganizationRole, string>>;

export interface TierDefinition {
  /** Where tenants of this tier live. */
  readonly organization: OrganizationRole;
  /** The tenant's compute autoscales between these sizes (compute units). */
  readonly computeMinCu: number;
  readonly computeMaxCu: number;
  /** Idle seconds before a compute scales to zero. */
  readonly suspendTimeoutSeconds: number;
  /** Point-in-time restore window. Neon's free plan allows at most 21600 s (6 hours). */
  readonly historyRetentionSeconds: number;
  /** Monthly quotas Neon enforces on the project (unset: no platform quota). */
  readonly quota: {
    readonly computeTimeSeconds?: number;
    readonly logicalSizeBytes?: number;
  };
  /**
   * Protect the tenant as a whole: its project, checkpoints, Neon Auth and Data API refuse deletion
   * (preview branches excepted), so a `pulumi destroy` cannot lose a paying tenant's data.
   */
  readonly protect: boolean;
}

const GiB = 1024 ** 3;

export const tiers = {
  free: {
    organization: "sponsored",
    computeMinCu: 0.25,
    computeMaxCu: 1,
    suspendTimeoutSeconds: 300,
    historyRetentionSeconds: 21600,
    quota: { computeTimeSeconds: 50 * 3600, logicalSizeBytes: 0.5 * GiB },
    protect: false,
  },
  paid: {
    organization: "paid",
    computeMinCu: 0.25,
    computeMaxCu: 4,
    suspendTimeoutSeconds: 300,
    historyRetentionSeconds: 7 * 24 * 3600,
    quota: { logicalSizeBytes: 10 * GiB },
    protect: true,
  },
} as const satisfies Record<string, TierDefinition>;

export type TierName = keyof typeof tiers;
export const tierNames = Object.keys(tiers) as TierName[];
