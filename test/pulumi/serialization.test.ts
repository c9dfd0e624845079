/**
 * What Pulumi stores as `__provider` for each resource, in both forms: installed from node_modules
 * (what users get: one `require` of the provider module, small and identical across versions) and
 * by value from this checkout (thin wrappers that `require` the implementation by package name).
 * Serialization failures show up under mocks only as unhandled rejections, and in a real
 * deployment only at `pulumi up`; here they fail a test.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import {
  evaluateProviderText,
  exportedModulePath,
  loadProviderModule,
  packageName,
  prepareConsumer,
  repoRoot,
  serializeProvider,
  type Consumer,
  type ResourceDir,
  type SerializationMode,
} from "../support/pulumiPlugin";

/** Every resource's provider module (provider/resources/<dir>/provider.ts). Add a line per resource. */
const providerModules: ResourceDir[] = [
  "project",
  "branch",
  "endpoint",
  "snapshot",
  "authIntegration",
  "dataApi",
];

const sizeBudget: Record<SerializationMode, number> = { installed: 600, "by-value": 6 * 1024 };
const providerMethods = ["check", "diff", "create", "read", "update", "delete", "configure"];

/** Recognisable credentials, put where a careless provider would pick them up. */
const credentials = {
  envKey: "napi_env_key_serialization_sentinel_7f3a",
  envHost: "http://env-host-sentinel.invalid/api/v2",
  configKey: "napi_config_key_serialization_sentinel_91c2",
  configHost: "http://config-host-sentinel.invalid/api/v2",
};

/**
 * The modules a serialized provider loads: literal `require("…")` calls, and the lifecycle module
 * path that every provider entry captures by value and requires at call time
 * (provider/resources/common/providerEntry.ts).
 */
function requiredModules(text: string): string[] {
  const literal = [...text.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  const captured = [...text.matchAll(/lifecyclePath: "([^"]+)"/g)].map((m) => m[1]);
  if (captured.length > 0 && !/require\(lifecyclePath\)/.test(text)) throw new Error("lifecyclePath is captured but never required");
  return [...literal, ...captured];
}

describe("Pulumi __provider serialization", function () {
  this.timeout(20_000);

  let consumer: Consumer;
  const savedEnv = { NEON_API_KEY: process.env.NEON_API_KEY, NEON_API_HOST: process.env.NEON_API_HOST };

  before(async () => {
    consumer = prepareConsumer();
    process.env.NEON_API_KEY = credentials.envKey;
    process.env.NEON_API_HOST = credentials.envHost;
    // Configure every provider in both forms, as the plugin does before its first call, so that
    // a provider keeping credentials anywhere the serializer can reach would leak them below.
    const config = { "neon:apiKey": credentials.configKey, "neon:apiHost": credentials.configHost } as Record<string, string>;
    for (const dir of providerModules) {
      for (const mode of ["installed", "by-value"] as const) {
        const provider = loadProviderModule(mode, dir, consumer) as { configure(req: unknown): Promise<void> };
        await provider.configure({ config: { get: (key: string) => config[key] } });
      }
    }
  });

  after(async () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    // The by-value modules configured the checkout's dist/ copy, which other tests may load.
    for (const dir of providerModules) {
      const provider = loadProviderModule("by-value", dir) as { configure(req: unknown): Promise<void> };
      await provider.configure({ config: { get: () => undefined } });
    }
    consumer?.remove();
  });

  it("lists every provider module in provider/resources", () => {
    const present = fs
      .readdirSync(path.join(repoRoot, "provider/resources"))
      .filter((dir) => fs.existsSync(path.join(repoRoot, "provider/resources", dir, "provider.ts")));
    assert.deepEqual([...providerModules].sort(), present.sort(), "add the new resource's folder to providerModules");
  });

  for (const dir of providerModules) {
    const modulePath = `${packageName}/dist/provider/resources/${dir}/provider.js`;

    describe(dir, () => {
      it(`installed: is exactly one require("${modulePath}") and under ${sizeBudget.installed} chars`, async () => {
        const { text } = await serializeProvider("installed", dir, consumer);
        assert.deepEqual(requiredModules(text), [modulePath]);
        assert.ok(text.length < sizeBudget.installed, `${text.length} chars`);
        // Nothing but that module: no inlined functions besides the serializer's own wrapper.
        assert.deepEqual([...text.matchAll(/^function (\w+)/gm)].map((m) => m[1]), ["__f0"]);
      });

      it("installed: the module path passes the package's exports map (or the serializer would throw)", () => {
        assert.equal(exportedModulePath(consumer, `dist/provider/resources/${dir}/provider.js`), modulePath);
      });

      it(`by value: works, stays under ${sizeBudget["by-value"]} chars, requires only this package by name and holds no paths`, async () => {
        const { text } = await serializeProvider("by-value", dir, consumer);
        assert.ok(text.length < sizeBudget["by-value"], `${text.length} chars`);
        const required = requiredModules(text);
        assert.ok(required.length > 0);
        for (const mod of required) assert.ok(mod.startsWith(`${packageName}/dist/provider/`), `by-value text requires ${mod}`);
        for (const local of [repoRoot, consumer.dir, os.tmpdir(), os.homedir()].filter((p) => p.length > 1)) {
          assert.ok(!text.includes(local), `the text contains the path ${local}`);
        }
        assert.doesNotMatch(text, /file:\/\/|["'`](?:\.{1,2})?\/[\w.-]+\//, "the text contains a path");
      });

      for (const mode of ["installed", "by-value"] as const) {
        it(`${mode}: captures no credentials and no secret, and is identical when serialized again`, async () => {
          const first = await serializeProvider(mode, dir, consumer);
          const second = await serializeProvider(mode, dir, consumer);
          assert.equal(first.containsSecrets, false);
          for (const [where, value] of Object.entries(credentials)) {
            assert.ok(!first.text.includes(value), `the text contains the ${where} credential`);
          }
          assert.equal(second.text, first.text);
        });

        it(`${mode}: evaluates as the plugin does, from the program directory, to the provider methods backed by the installed package`, async () => {
          const { text } = await serializeProvider(mode, dir, consumer);
          const provider = evaluateProviderText(text, consumer.dir);
          for (const method of providerMethods) assert.equal(typeof provider[method], "function", `no ${method}`);
          // Its requires resolve to the installed copy, as from the plugin's cwd, and calling a
          // method really loads the implementation from there.
          const fromProgram = createRequire(path.join(consumer.dir, "index.js"));
          for (const mod of requiredModules(text)) {
            assert.ok(fromProgram.resolve(mod).startsWith(consumer.packageDir + path.sep), `${mod} does not resolve to the installed package`);
          }
          const checked = (await (provider.check as (olds: object, news: object) => Promise<{ failures: unknown[] }>)({}, {})) ?? {};
          assert.ok(Array.isArray(checked.failures));
        });
      }
    });
  }
});
