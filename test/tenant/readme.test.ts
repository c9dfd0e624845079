/**
 * The README's tier table is the tier data (provider/tenant/tiers.ts) rendered: a changed tier
 * fails here until the README says the same.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../runner/packageRoot";
import { tiers, type TierDefinition } from "../../provider/tenant/tiers";

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds} s`;
}

function quota(q: TierDefinition["quota"]): string {
  const parts = [
    ...(q.computeTimeSeconds !== undefined ? [`${q.computeTimeSeconds} s compute`] : []),
    ...(q.logicalSizeBytes !== undefined ? [`${q.logicalSizeBytes / 1024 ** 3} GiB`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : "none";
}

export function tierTable(): string {
  const rows = Object.entries(tiers).map(
    ([name, t]: [string, TierDefinition]) =>
      `| \`${name}\` | ${t.organization} | ${t.computeMinCu}–${t.computeMaxCu} | ${t.suspendTimeoutSeconds} s | ${t.historyRetentionSeconds} s (${duration(t.historyRetentionSeconds)}) | ${quota(t.quota)} | ${t.protect ? "yes" : "no"} |`,
  );
  return [
    "| tier | organization | compute (CU) | scale to zero after | history retention | quota | protected as a whole |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

describe("the README's tier table", () => {
  it("is the tier data, rendered", () => {
    const readme = fs.readFileSync(path.join(packageRoot(), "README.md"), "utf8");
    const marker = "<!-- tier-table: generated from provider/tenant/tiers.ts; test/tenant/readme.test.ts checks it -->\n";
    const start = readme.indexOf(marker);
    assert.ok(start >= 0, "the README has the tier table marker");
    const table = readme.slice(start + marker.length).split("\n\n")[0];
    assert.equal(table, tierTable());
  });
});
