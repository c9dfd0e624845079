/**
 * The tenant spec and what it means: defaults, every refusal with the key it names and what is
 * allowed, durations, and the plan (tier → organization, limits, checkpoints, preview branches).
 */
import assert from "node:assert/strict";
import { parseTenantSpec, parseTtl, TenantSpecError } from "../../provider/tenant/spec";
import { connectionUri, tenantPlan, TenantOrganizationsError } from "../../provider/tenant/plan";
import { tiers } from "../../provider/tenant/tiers";

function problems(raw: unknown): string[] {
  try {
    parseTenantSpec(raw, "tenant:");
  } catch (err) {
    if (err instanceof TenantSpecError) return [...err.problems];
    throw err;
  }
  return [];
}

describe("the tenant spec", () => {
  it("fills in the defaults: default region and Postgres, no auth, no Data API, no checkpoints, week-long preview branches", () => {
    assert.deepEqual(parseTenantSpec({ id: "acme", tier: "free", previewBranches: [{ name: "pr-1" }] }), {
      id: "acme",
      tier: "free",
      region: "aws-us-east-2",
      postgresVersion: 17,
      auth: { enabled: false, oauthProviders: [], trustedDomains: [], allowLocalhost: false },
      dataApi: { enabled: false, authMode: "neon_auth" },
      checkpoints: [],
      previewBranches: [{ name: "pr-1", from: "active", ttlSeconds: 7 * 86400 }],
    });
  });

  const refusals: [string, unknown, RegExp][] = [
    ["an unknown tier", { id: "a", tier: "gold" }, /^tenant:tier: must be one of free, paid, got "gold"$/],
    ["a missing tier", { id: "a" }, /^tenant:tier: is required$/],
    ["an id Neon names cannot hold", { id: "Acme Corp", tier: "free" }, /^tenant:id: must be a tenant name: lower-case letters/],
    ["a bad region", { id: "a", tier: "free", region: "mars-1" }, /^tenant:region: must be a Neon region id such as aws-us-east-2$/],
    ["an old Postgres", { id: "a", tier: "free", postgresVersion: 13 }, /^tenant:postgresVersion: must be 14, 15, 16, 17 or 18$/],
    ["a bad TTL", { id: "a", tier: "free", previewBranches: [{ name: "p", ttl: "1y" }] }, /^tenant:previewBranches\[0\]\.ttl: must be a duration such as 7d, 12h, 30m or 3600s, from 1s to 30d \(got "1y"\)$/],
    ["a TTL over Neon's 30 days", { id: "a", tier: "free", previewBranches: [{ name: "p", ttl: "31d" }] }, /^tenant:previewBranches\[0\]\.ttl: .*from 1s to 30d \(got "31d"\)$/],
    ["an active checkpoint that is not a checkpoint", { id: "a", tier: "free", checkpoints: ["baseline"], activeCheckpoint: "nightly" }, /^tenant:activeCheckpoint: must name one of the checkpoints \(baseline\), got "nightly"$/],
    ["an active checkpoint without checkpoints", { id: "a", tier: "free", activeCheckpoint: "x" }, /^tenant:activeCheckpoint: must name one of the checkpoints \(none are declared\), got "x"$/],
    ["a checkpoint named twice", { id: "a", tier: "free", checkpoints: ["x", "x"] }, /^tenant:checkpoints\[1\]: names the checkpoint "x" twice$/],
    ["a preview branch named twice", { id: "a", tier: "free", previewBranches: [{ name: "p" }, { name: "p" }] }, /^tenant:previewBranches\[1\]\.name: names the preview branch "p" twice$/],
    ["a preview branch from an unknown checkpoint", { id: "a", tier: "free", previewBranches: [{ name: "p", from: "old" }] }, /^tenant:previewBranches\[0\]\.from: must be "active" or one of the checkpoints \(none are declared\), got "old"$/],
    ["an unknown OAuth provider", { id: "a", tier: "free", auth: { enabled: true, oauthProviders: ["facebook"] } }, /^tenant:auth\.oauthProviders\[0\]: must be one of google, github, microsoft, vercel$/],
    ["a trusted domain that is not a URL", { id: "a", tier: "free", auth: { enabled: true, trustedDomains: ["acme.com"] } }, /^tenant:auth\.trustedDomains\[0\]: must be a URL such as https:\/\/app\.example\.com$/],
    ["the Data API on Neon Auth without Neon Auth", { id: "a", tier: "free", dataApi: { enabled: true } }, /^tenant:dataApi\.authMode: neon_auth needs Neon Auth: set auth\.enabled to true, or use external with a jwksUrl$/],
    ["external Data API auth without a JWKS URL", { id: "a", tier: "free", dataApi: { enabled: true, authMode: "external" } }, /^tenant:dataApi\.jwksUrl: is required with authMode external$/],
    ["an unknown setting", { id: "a", tier: "free", teir: "paid" }, /^tenant:teir is not a setting \(the tenant settings are tenant:id, tenant:tier, .*tenant:previewBranches\)$/],
    ["an unknown auth setting", { id: "a", tier: "free", auth: { enabld: true } }, /^tenant:auth: enabld is not a setting$/],
  ];
  for (const [what, raw, expected] of refusals) {
    it(`refuses ${what}, naming the key and what is allowed`, () => {
      const found = problems(raw);
      assert.ok(found.some((p) => expected.test(p)), `problems: ${JSON.stringify(found)}`);
    });
  }

  it("lists every problem at once where it can", () => {
    assert.equal(problems({ id: "A!", tier: "gold", region: "x", postgresVersion: 9 }).length, 4);
  });

  it("reads durations in seconds, minutes, hours and days, and whole numbers of seconds", () => {
    assert.equal(parseTtl("7d"), 604800);
    assert.equal(parseTtl("12h"), 43200);
    assert.equal(parseTtl("30m"), 1800);
    assert.equal(parseTtl("45s"), 45);
    assert.equal(parseTtl(3600), 3600);
    assert.equal(parseTtl(1.5), undefined);
    assert.equal(parseTtl("1w"), undefined);
    assert.equal(parseTtl("d"), undefined);
  });
});

describe("the tenant plan", () => {
  const organizations = { sponsored: "org-sponsored-1", paid: "org-paid-2" };

  it("puts each tier in its organization with its limits", () => {
    for (const [tierName, tier] of Object.entries(tiers)) {
      const plan = tenantPlan(parseTenantSpec({ id: "a", tier: tierName }), organizations);
      assert.equal(plan.project.orgId, organizations[tier.organization]);
      assert.equal(plan.project.historyRetentionSeconds, tier.historyRetentionSeconds);
      assert.deepEqual(plan.project.defaultEndpointSettings, {
        autoscalingLimitMinCu: tier.computeMinCu,
        autoscalingLimitMaxCu: tier.computeMaxCu,
        suspendTimeoutSeconds: tier.suspendTimeoutSeconds,
      });
      assert.deepEqual(plan.project.settings, { quota: tier.quota });
    }
  });

  it("keeps the free tier within Neon's free plan (history at most 21600 s, computes up to 2 CU)", () => {
    assert.ok(tiers.free.historyRetentionSeconds <= 21600);
    assert.ok(tiers.free.computeMaxCu <= 2);
    assert.equal(tiers.free.protect, false);
    assert.equal(tiers.paid.protect, true);
  });

  it("names checkpoints and preview branches after the spec, the active checkpoint restoring the default branch", () => {
    const plan = tenantPlan(
      parseTenantSpec({ id: "a", tier: "free", checkpoints: ["x", "y"], activeCheckpoint: "y", previewBranches: [{ name: "p", from: "x" }, { name: "q" }] }),
      organizations,
    );
    assert.deepEqual(plan.checkpoints, [
      { resourceName: "checkpoint-x", checkpoint: "x", name: "x", restoreDefaultBranch: false },
      { resourceName: "checkpoint-y", checkpoint: "y", name: "y", restoreDefaultBranch: true },
    ]);
    assert.deepEqual(plan.previewBranches.map((b) => [b.resourceName, b.branchName, b.fromCheckpoint]), [
      ["preview-p", "preview-p", "x"],
      ["preview-q", "preview-q", undefined],
    ]);
    assert.equal(plan.auth, undefined);
    assert.equal(plan.dataApi, undefined);
  });

  it("refuses organizations that do not name the tier's", () => {
    assert.throws(() => tenantPlan(parseTenantSpec({ id: "a", tier: "paid" }), { sponsored: "org-s-1", paid: "" }), TenantOrganizationsError);
  });

  it("writes connection URIs as Neon does, escaping what needs it", () => {
    assert.equal(connectionUri("neondb_owner", "npg_a/b", "ep-x.neon.tech", "neondb"), "postgresql://neondb_owner:npg_a%2Fb@ep-x.neon.tech/neondb?sslmode=require");
  });
});
