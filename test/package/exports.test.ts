/**
 * What the package lets a program import (package.json `exports`), checked on the copy `npm run
 * build` installs into node_modules, resolved from a Pulumi project folder of the checkout as a
 * user's program resolves it. The provider and lifecycle modules of each resource are a
 * compatibility promise: stacks' state holds `require("neon-pulumi-dynamic/dist/provider/resources/
 * <type>/provider.js")`, and that provider requires its lifecycle module by the same kind of path.
 * Everything else under dist/ is internal.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { packageName, packageRoot } from "../../runner/packageRoot";

const repoRoot = packageRoot();
const programDir = path.join(repoRoot, "stacks");
// A require of a module in the program's folder (a bare `require.resolve(…, {paths})` from here
// would resolve the package's own name to this checkout, the scope this test file is in).
const resolveFromProgram = (specifier: string) => createRequire(path.join(programDir, "index.ts")).resolve(specifier);
const installed = path.join(repoRoot, "node_modules", packageName);

/** The resource folders whose providers Pulumi stores by path (each has a provider.ts). */
const resourceDirs = fs
  .readdirSync(path.join(repoRoot, "provider", "resources"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(repoRoot, "provider", "resources", entry.name, "provider.ts")))
  .map((entry) => entry.name);

describe("the package's exports", () => {
  it("are the resources, the runner, the client and the local Neon API", () => {
    assert.equal(resolveFromProgram(packageName), path.join(installed, "dist", "provider", "index.js"));
    assert.equal(resolveFromProgram(`${packageName}/runner`), path.join(installed, "dist", "runner", "index.js"));
    assert.equal(resolveFromProgram(`${packageName}/client`), path.join(installed, "dist", "provider", "client", "index.js"));
    assert.equal(resolveFromProgram(`${packageName}/emulator`), path.join(installed, "dist", "emulator", "index.js"));
  });

  it("keep every path stored providers require: each resource's provider and lifecycle module", () => {
    assert.deepEqual(resourceDirs.sort(), ["authIntegration", "branch", "dataApi", "endpoint", "project", "snapshot"]);
    for (const dir of resourceDirs) {
      for (const module of ["provider.js", "lifecycle.js"]) {
        const specifier = `${packageName}/dist/provider/resources/${dir}/${module}`;
        assert.equal(resolveFromProgram(specifier), path.join(installed, "dist", "provider", "resources", dir, module), specifier);
      }
    }
  });

  it("refuse the internals", () => {
    for (const internal of ["dist/provider/client/internal/config.js", "dist/provider/resources/common/providerConfig.js", "dist/runner/stack.js", "dist/emulator/world.js"]) {
      assert.ok(fs.existsSync(path.join(installed, internal)), `${internal} is in the installed copy`);
      assert.throws(() => resolveFromProgram(`${packageName}/${internal}`), (err: NodeJS.ErrnoException) => err.code === "ERR_PACKAGE_PATH_NOT_EXPORTED", internal);
    }
  });
});
