/**
 * Root hooks shared by every spec file (mocha --require). They name the running test for the
 * conformance recorder and, at the end of the run, fail it if any emulator exchange broke the
 * OpenAPI document; on a full run (`NEON_CONFORMANCE_FULL=1`, set by `npm test`) they also require
 * that every route the local Neon API serves was exercised.
 */
import { routes } from "../../emulator/handlers";
import { conformance } from "./neonLocal";

export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    conformance.currentTest = this.currentTest?.fullTitle() ?? "(unknown test)";
  },
  afterAll() {
    const covered = new Set(conformance.checker.coveredOperationIds());
    if (conformance.exchanges > 0) {
      const served = routes.map((r) => r.operationId);
      const coveredServed = served.filter((id) => covered.has(id));
      process.stdout.write(
        `\nOpenAPI conformance: ${conformance.exchanges} exchanges validated; ` +
          `${coveredServed.length}/${served.length} emulator operations covered: ${coveredServed.sort().join(", ")}\n`,
      );
      if (process.env.NEON_CONFORMANCE_FULL === "1") {
        const missing = served.filter((id) => !covered.has(id));
        if (missing.length > 0) throw new Error(`emulator operations never exercised by the suite: ${missing.join(", ")}`);
      }
    }
    if (conformance.violations.length > 0) {
      const lines = conformance.violations
        .slice(0, 20)
        .map((v) => `- [${v.test}] ${v.method} ${v.path} → ${v.status}\n    ${v.errors.join("\n    ")}`);
      throw new Error(`${conformance.violations.length} exchange(s) do not conform to the Neon OpenAPI document:\n${lines.join("\n")}`);
    }
  },
};
