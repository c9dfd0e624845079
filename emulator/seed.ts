/**
 * The account a fresh local Neon API starts with: one user and two organizations, a sponsored
 * (free-plan) one and a paid one, as in Neon's agent plan where tenants start sponsored and are
 * moved to the paid organization when they upgrade.
 */
import { isoSeconds } from "./clock";
import { dict, type NeonLocalState, type OrganizationRecord } from "./store";

export interface OrganizationSeed {
  id: string;
  name: string;
  plan: string;
}

export const defaultOrganizations: OrganizationSeed[] = [
  { id: "org-agent-sponsored-10000001", name: "Agent sponsored", plan: "free" },
  { id: "org-agent-paid-10000002", name: "Agent paid", plan: "scale" },
];

/** Regions the local API accepts (`region_id`), the default first. */
export const regions = [
  "aws-us-east-2",
  "aws-us-east-1",
  "aws-us-west-2",
  "aws-eu-central-1",
  "aws-eu-west-2",
  "aws-ap-southeast-1",
  "aws-ap-southeast-2",
  "aws-sa-east-1",
  "azure-eastus2",
  "azure-westus3",
  "azure-gwc",
] as const;

/** History retention ceilings per plan (Neon's Free plan allows 6 hours; paid plans more). */
export const planLimits: Record<string, { maxHistoryRetentionSeconds: number }> = {
  free: { maxHistoryRetentionSeconds: 21600 },
  launch: { maxHistoryRetentionSeconds: 604800 },
  scale: { maxHistoryRetentionSeconds: 2592000 },
  business: { maxHistoryRetentionSeconds: 2592000 },
};

export function planLimitsFor(plan: string): { maxHistoryRetentionSeconds: number } {
  return planLimits[plan] ?? planLimits.scale;
}

export function initialState(now: number, organizations: OrganizationSeed[]): NeonLocalState {
  const created = isoSeconds(now);
  const orgs = dict<OrganizationRecord>();
  for (const o of organizations) {
    orgs[o.id] = {
      id: o.id,
      name: o.name,
      handle: o.id,
      plan: o.plan,
      created_at: created,
      updated_at: created,
      managed_by: "console",
      allow_hipaa_projects: false,
    };
  }
  return {
    version: 1,
    user: { id: "u-local-00000001", email: "dev@neon.local", login: "dev", name: "Local", last_name: "Developer" },
    organizations: orgs,
    projects: dict(),
    nextDatabaseId: 1,
  };
}
