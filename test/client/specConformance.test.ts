/**
 * `provider/client/schemas/specConformance.ts` checks the client's response schemas against Neon's
 * spec at compile time, but only those it lists. This test keeps the list whole: every schema the
 * client's API layer parses an answer with must be listed there.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const clientDir = path.resolve(__dirname, "../../provider/client");
const conformanceSource = fs.readFileSync(path.join(clientDir, "schemas", "specConformance.ts"), "utf8");

/** Schemas that read nothing (an empty answer): there is no field to check. */
const readsNothing = new Set(["emptyResponseSchema"]);

function schemasParsedByApiLayer(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of fs.readdirSync(path.join(clientDir, "api"))) {
    const source = fs.readFileSync(path.join(clientDir, "api", file), "utf8");
    for (const match of source.matchAll(/\bschema: ([A-Za-z]+Schema)\b/g)) {
      const files = used.get(match[1]!) ?? [];
      used.set(match[1]!, [...files, file]);
    }
  }
  return used;
}

describe("the client's response schemas checked against Neon's spec", () => {
  it("lists every schema the API layer parses answers with", () => {
    const used = schemasParsedByApiLayer();
    assert.ok(used.size >= 30, `expected the API layer's schemas, found ${used.size}`);
    const unlisted = [...used.keys()].filter((name) => !readsNothing.has(name) && !new RegExp(`\\.${name}>`).test(conformanceSource));
    assert.deepEqual(unlisted, [], `add these to provider/client/schemas/specConformance.ts: ${unlisted.join(", ")}`);
  });
});
