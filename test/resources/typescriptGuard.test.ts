import assert from "node:assert/strict";
import * as ts from "typescript";
import { typescriptProblem } from "../../provider/resources/common/dynamicResource";

describe("the TypeScript guard of the resource classes", () => {
  it("accepts a TypeScript with the compiler API (the pinned ~5.9)", () => {
    assert.equal(typescriptProblem(ts), undefined);
  });

  it("explains a TypeScript without it (TypeScript 7) instead of Pulumi's obscure serializer error", () => {
    const problem = typescriptProblem({ version: "7.0.2" });
    assert.match(problem!, /TypeScript 7\.0\.2 has no compiler API/);
    assert.match(problem!, /typescript@~5\.9/);
  });
});
