/**
 * `emulator/handlers/specConformance.ts` checks the local Neon API's request validators against
 * Neon's spec at compile time, but only those it lists. This test keeps the list whole: every
 * validator a handler parses a request with must be listed there.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const handlersDir = path.resolve(__dirname, "../../emulator/handlers");
const conformanceSource = fs.readFileSync(path.join(handlersDir, "specConformance.ts"), "utf8");

describe("the local Neon API's request validators checked against Neon's spec", () => {
  it("lists every validator a handler parses requests with", () => {
    const used: string[] = [];
    for (const file of fs.readdirSync(handlersDir)) {
      const source = fs.readFileSync(path.join(handlersDir, file), "utf8");
      for (const match of source.matchAll(/\bparseRequest\((\w+)/g)) used.push(`${file.replace(/\.ts$/, "")}.${match[1]}`);
    }
    assert.ok(used.length >= 25, `expected the handlers' validators, found ${used.length}`);
    const unlisted = used.filter((name) => !conformanceSource.includes(`typeof ${name}>`));
    assert.deepEqual(unlisted, [], `add these to emulator/handlers/specConformance.ts: ${unlisted.join(", ")}`);
  });
});
