/**
 * Where the engine comes from: the pinned version, the build flags and stamp, and the choice
 * between a `pulumi` on PATH, an existing build, a new build and a clear error. The choice is
 * exercised with stand-in `pulumi` scripts on a PATH the test controls, so it does not depend on
 * what the machine has installed.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultEngineDir, ensureEngine, engineUnavailableMessage, locateEngine, minimumCliVersion } from "../../runner/engine";
import { buildCommand, buildStamp, expectedStamp, pinnedCliVersion, progressLine } from "../../runner/engineBuild";
import { EngineUnavailableError } from "../../runner/errors";
import { packageRoot } from "../../runner/packageRoot";

const root = packageRoot();
const toolModuleDir = path.join(root, "tools", "pulumi");
const goMod = fs.readFileSync(path.join(toolModuleDir, "go.mod"), "utf8");

/** A folder with a stand-in `pulumi` that prints `version` (and nothing else is on PATH but Go). */
function standInCli(dir: string, version: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const script = path.join(dir, "pulumi");
  fs.writeFileSync(script, `#!/bin/sh\nif [ "$1" = "version" ]; then echo "v${version}"; exit 0; fi\nexit 3\n`, { mode: 0o755 });
  return script;
}

function goBinDir(): string | undefined {
  try {
    return path.dirname(execFileSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}

describe("the engine's location and build", function () {
  this.timeout(30_000);
  let scratch: string;
  const savedPath = process.env.PATH;

  beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "neon-engine-location-"))));
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  describe("the pinned CLI", () => {
    it("is the version of the @pulumi/pulumi SDK the package is developed with, so engine and SDK match", () => {
      const devSdk = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
      assert.equal(pinnedCliVersion(goMod), devSdk);
      assert.equal(minimumCliVersion(), devSdk);
      assert.match(goMod, /^tool github\.com\/pulumi\/pulumi\/pkg\/v3\/cmd\/pulumi$/m, "the CLI is a tool of the module");
    });

    it("is read from the require line, and a go.mod without Pulumi is refused", () => {
      assert.equal(pinnedCliVersion("module x\n\nrequire (\n\tgithub.com/pulumi/pulumi/pkg/v3 v3.300.1 // indirect\n)\n"), "3.300.1");
      assert.throws(() => pinnedCliVersion("module x\n"), /does not require github.com\/pulumi\/pulumi\/pkg\/v3/);
    });
  });

  describe("the build command", () => {
    it("builds a static, trimmed, stripped CLI that reports its version, without touching go.mod or fetching a toolchain", () => {
      const { args, env } = buildCommand("3.248.0", "/out/pulumi");
      assert.deepEqual(env, { CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" });
      assert.equal(args[0], "build");
      assert.ok(args.includes("-trimpath"));
      assert.equal(args[args.indexOf("-tags") + 1], "osusergo,grpcnotrace");
      assert.equal(args[args.indexOf("-ldflags") + 1], "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.248.0");
      assert.equal(args[args.indexOf("-o") + 1], "/out/pulumi");
      assert.equal(args.at(-1), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi");
    });

    it("is stamped by go.mod, go.sum, the Go version and the flags, but not by where the binary goes", () => {
      const base = { goMod: "m", goSum: "s", goVersion: "go1.26.8", command: buildCommand("3.248.0", "/a/pulumi") };
      const stamp = buildStamp(base);
      assert.equal(buildStamp({ ...base, command: buildCommand("3.248.0", "/b/pulumi.partial") }), stamp);
      for (const changed of [
        { ...base, goSum: "s2" },
        { ...base, goMod: "m2" },
        { ...base, goVersion: "go1.26.9" },
        { ...base, command: buildCommand("3.249.0", "/a/pulumi") },
      ]) {
        assert.notEqual(buildStamp(changed), stamp);
      }
    });

    it("reports progress with the elapsed time and what Go has done", () => {
      assert.equal(progressLine(125_400, 12, 380), "engine: building the Pulumi CLI … 2m05s, 12 modules downloaded, 380 packages compiled");
    });
  });

  it("keeps a built engine in the .engine folder of the project that installed the package, or of the checkout", () => {
    const saved = process.env.NEON_PULUMI_ENGINE_DIR;
    delete process.env.NEON_PULUMI_ENGINE_DIR;
    try {
      assert.equal(defaultEngineDir("/work/app/node_modules/neon-pulumi-dynamic"), "/work/app/.engine");
      assert.equal(defaultEngineDir("/work/app/node_modules/a/node_modules/neon-pulumi-dynamic"), "/work/app/.engine");
      assert.equal(defaultEngineDir("/work/checkout"), "/work/checkout/.engine");
      process.env.NEON_PULUMI_ENGINE_DIR = "/opt/engine";
      assert.equal(defaultEngineDir("/work/checkout"), "/opt/engine");
    } finally {
      if (saved === undefined) delete process.env.NEON_PULUMI_ENGINE_DIR;
      else process.env.NEON_PULUMI_ENGINE_DIR = saved;
    }
  });

  describe("choosing the engine", () => {
    it("uses a pulumi on PATH that is at least the SDK's version, with the SDK's launcher after it on PATH", async () => {
      process.env.PATH = path.dirname(standInCli(path.join(scratch, "path-bin"), "3.300.0"));
      const engine = await locateEngine({ engineDir: path.join(scratch, "engine"), toolModuleDir });
      assert.equal(engine?.source, "path");
      assert.equal(engine?.version, "3.300.0");
      assert.ok(fs.existsSync(path.join(engine!.pathEntries[0], "pulumi-resource-pulumi-nodejs")));
    });

    it("passes over an older pulumi on PATH and says why when nothing else is there", async () => {
      process.env.PATH = path.dirname(standInCli(path.join(scratch, "path-bin"), "3.100.0"));
      assert.equal(await locateEngine({ engineDir: path.join(scratch, "engine"), toolModuleDir }), undefined);
      await assert.rejects(ensureEngine(() => undefined, { engineDir: path.join(scratch, "engine"), toolModuleDir }), (err: Error) => {
        assert.ok(err instanceof EngineUnavailableError);
        assert.match(err.message, /the `pulumi` on PATH cannot be used: Minimum version requirement failed/);
        assert.match(err.message, /Go is not installed/);
        assert.match(err.message, /npm run engine/);
        return true;
      });
    });

    it("uses an existing build whose stamp matches, without building, and installs the launcher beside it", async function () {
      const go = goBinDir();
      if (!go) this.skip(); // the stamp includes Go's version: this case needs Go, which CI machines have
      process.env.PATH = go;
      const engineDir = path.join(scratch, "engine");
      const binary = standInCli(path.join(engineDir, "bin"), "3.248.0");
      const goVersion = execFileSync("go", ["version"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } }).trim();
      const target = { toolModuleDir, output: binary, stampFile: path.join(engineDir, "stamp") };
      fs.writeFileSync(target.stampFile, "stale\n");
      assert.equal(await locateEngine({ engineDir, toolModuleDir }), undefined, "a stale stamp is not a usable build");

      fs.writeFileSync(target.stampFile, `${expectedStamp(target, goVersion)}\n`);
      const progress: string[] = [];
      const engine = await ensureEngine((line) => progress.push(line), { engineDir, toolModuleDir });
      assert.equal(engine.source, "built");
      assert.equal(engine.version, "3.248.0");
      assert.deepEqual(progress, [], "nothing was built");
      assert.ok(fs.statSync(path.join(engineDir, "bin", "pulumi-resource-pulumi-nodejs")).mode & 0o100, "the launcher is beside the CLI, executable");
    });

    it("fails with one paragraph naming what to install when there is neither a pulumi nor Go", async () => {
      process.env.PATH = path.join(scratch, "empty");
      await assert.rejects(ensureEngine(() => undefined, { engineDir: path.join(scratch, "engine"), toolModuleDir }), (err: Error) => {
        assert.ok(err instanceof EngineUnavailableError);
        assert.equal(err.message, engineUnavailableMessage({ pathReason: "no `pulumi` on PATH", go: undefined, hasToolModule: true, floor: minimumCliVersion() }));
        assert.doesNotMatch(err.message, /\n/);
        assert.match(err.message, /Install the Pulumi CLI 3\.\d+\.\d+ or later .* or install Go 1\.25 or later/);
        return true;
      });
    });
  });
});
