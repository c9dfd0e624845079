/**
 * Secrets across all six resources, where the engine would store or show them. The engine marks an
 * output secret only if its name is in the resource's `additionalSecretOutputs` (notes §2.3, §3.2):
 * anything secret in another output would sit in state and previews in plain text. So each resource
 * is created (and refreshed) through the real dynamic-provider plugin with recognisable secrets (the
 * API key, given as secret stack config; an OAuth client secret), and every output outside the
 * class's secret list, the plugin's output, and every serialized `__provider` are searched for them.
 *
 * The secret lists are taken from the classes themselves: each one is registered under the
 * recording mocks (pulumiMocks.ts), which capture the `additionalSecretOutputs` the engine gets.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { authIntegrationSecretOutputs } from "../../provider/resources/authIntegration/logic";
import { projectSecretOutputs } from "../../provider/resources/project/logic";
import { dynamicUrn, loadProviderModule, repoRoot, serializeProvider, type ResourceDir, type SerializationMode } from "../support/pulumiPlugin";
import { checkAndCreate, pluginError, startPluginFixture, type PluginFixture } from "./pluginFixture";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type Registration } from "./pulumiMocks";

type Props = Record<string, unknown>;

const apiKey = `napi_secret_sentinel_${randomBytes(12).toString("hex")}`;
const oauthClientSecret = `oauth_client_secret_sentinel_${randomBytes(12).toString("hex")}`;

/** What a secret looks like, whatever its exact value. */
const secretShapes: readonly RegExp[] = [/napi_secret_sentinel_/, /oauth_client_secret_sentinel_/, /npg_[A-Za-z0-9]/, /postgres(?:ql)?:\/\//, /pck_[0-9a-f]/, /ssk_[0-9a-f]/];

interface ResourceCase {
  dir: ResourceDir;
  className: string;
  /** The secret outputs the class must declare (at least). */
  required: readonly string[];
  /** Its `*SecretOutputs` constant in logic.ts; none for resources without secret outputs. */
  constant: readonly string[];
}

const resources: readonly ResourceCase[] = [
  { dir: "project", className: "NeonProject", required: ["password", "connectionUri", "pooledConnectionUri"], constant: projectSecretOutputs },
  { dir: "branch", className: "Branch", required: [], constant: [] },
  { dir: "endpoint", className: "Endpoint", required: [], constant: [] },
  { dir: "snapshot", className: "Snapshot", required: [], constant: [] },
  { dir: "authIntegration", className: "AuthIntegration", required: ["pubClientKey", "secretServerKey", "oauthProviders"], constant: authIntegrationSecretOutputs },
  { dir: "dataApi", className: "DataApi", required: [], constant: [] },
];

const githubProvider = { id: "github", clientId: "gh-client", clientSecret: oauthClientSecret };

/** Arguments for registering each class under mocks (plain values; nothing is called). */
const mockArgs: Record<string, Props> = {
  NeonProject: { name: "secrets" },
  Branch: { projectId: "p-1", name: "feature" },
  Endpoint: { projectId: "p-1" },
  Snapshot: { projectId: "p-1" },
  AuthIntegration: { projectId: "p-1", oauthProviders: [githubProvider] },
  DataApi: { projectId: "p-1" },
};

describe("secrets of every resource through the dynamic-provider plugin", function () {
  this.timeout(20_000);

  /** additionalSecretOutputs per class, as registered with the engine. */
  const registrations = new Map<string, Registration>();
  let fx: PluginFixture;
  /** The exact secret values the stack handled (besides the shapes above). */
  const secrets = new Set<string>([apiKey, oauthClientSecret]);
  /** Per resource: every property set the plugin returned (create, read props, read inputs). */
  const results = new Map<string, { what: string; props: Props }[]>();
  const errorMessages: string[] = [];

  const record = (className: string, what: string, props: Props | undefined) => {
    if (!props) return;
    results.set(className, [...(results.get(className) ?? []), { what, props }]);
  };

  before(async () => {
    // 1. What each class asks the engine to keep secret.
    const mocks = await installRecordingMocks(() => ({}));
    try {
      for (const c of resources) {
        const Resource = (require(path.join(repoRoot, "provider/resources", c.dir, "resource")) as Record<string, unknown>)[c.className] as new (
          name: string,
          args: Props,
        ) => pulumi.CustomResource;
        await settle(new Resource(`${c.dir}-secrets`, { ...mockArgs[c.className] }).id);
        registrations.set(c.className, mocks.registration(`${c.dir}-secrets`));
      }
      assertNoUnhandledRejections();
    } finally {
      mocks.uninstall();
    }

    // 2. A stack of all six, through one plugin process, with the sentinel API key as secret config.
    fx = await startPluginFixture(
      resources.map((c) => c.dir),
      { apiKey },
    );
    const { plugin, providers } = fx;
    const lifecycle = async (className: string, name: string, news: Props) => {
      const urn = dynamicUrn(className, name);
      const created = await checkAndCreate(plugin, urn, news);
      record(className, "create", created.outputs);
      const refreshed = await plugin.read(created.id, urn, created.outputs, created.inputs);
      assert.equal(refreshed.id, created.id);
      record(className, "read", refreshed.properties);
      record(className, "read inputs", refreshed.inputs);
      return created;
    };

    const project = await lifecycle("NeonProject", "secrets", { name: "secrets", __provider: providers.project });
    const projectId = project.id;
    for (const key of projectSecretOutputs) secrets.add(String(project.outputs[key]));
    const branch = await lifecycle("Branch", "feature", { projectId, name: "feature", __provider: providers.branch });
    await lifecycle("Endpoint", "feature-compute", { projectId, branchId: branch.id, __provider: providers.endpoint });
    await lifecycle("Snapshot", "checkpoint", { projectId, name: "checkpoint", __provider: providers.snapshot });
    const auth = await lifecycle("AuthIntegration", "auth", {
      projectId,
      oauthProviders: [githubProvider],
      trustedDomains: ["https://app.example.com"],
      __provider: providers.authIntegration,
    });
    secrets.add(String(auth.outputs.pubClientKey)).add(String(auth.outputs.secretServerKey));
    // Backed by the branch's Neon Auth, as in a real stack.
    await lifecycle("DataApi", "api", { projectId, authProvider: "neon_auth", __provider: providers.dataApi });

    // Errors the engine would show, to be searched too: Neon refusing a delete, and a second
    // integration on a branch that has one.
    const refused = await pluginError(plugin.delete(project.outputs.defaultBranchId as string, dynamicUrn("Branch", "main"), { projectId, __provider: providers.branch }));
    const twice = await pluginError(
      plugin.create(dynamicUrn("AuthIntegration", "auth-again"), { projectId, oauthProviders: [githubProvider], __provider: providers.authIntegration }),
    );
    errorMessages.push(refused.details, twice.details);

    // Every role password Neon holds for the stack's branches (Neon returns them on create only).
    for (const b of Object.values(fx.neon.state().projects[projectId].branches)) {
      for (const role of Object.values(b.roles)) if (role.password) secrets.add(role.password);
    }
  });

  after(async () => {
    await fx?.close();
  });

  describe("what each class asks the engine to keep secret", () => {
    for (const c of resources) {
      it(`${c.className}: additionalSecretOutputs is its secret output list${c.required.length > 0 ? `, covering ${c.required.join(", ")}` : ""}`, () => {
        const declared = registrations.get(c.className)!.additionalSecretOutputs;
        assert.deepEqual([...declared].sort(), [...c.constant].sort());
        for (const name of c.required) assert.ok(declared.includes(name), `${name} is not a secret output of ${c.className}`);
      });
    }

    it("AuthIntegration registers an OAuth provider list holding a client secret as a secret input too", () => {
      const { oauthProviders } = registrations.get("AuthIntegration")!.inputs as { oauthProviders: Props };
      assert.equal(oauthProviders["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "the input is not secret");
    });
  });

  describe("outputs", () => {
    it("the stack's secrets were collected: the API key, role passwords, connection strings, Neon Auth keys and the client secret", () => {
      const all = [...secrets];
      for (const shape of secretShapes) assert.ok(all.some((s) => shape.test(s)), `no collected secret looks like ${shape}`);
      assert.ok(all.some((s) => s.startsWith("npg_")), "the role passwords (a child branch shares its parent's)");
    });

    for (const c of resources) {
      it(`${c.className}: no output outside its secret outputs holds a secret, after create and after read`, () => {
        const secretNames = registrations.get(c.className)!.additionalSecretOutputs;
        const seen = results.get(c.className) ?? [];
        assert.deepEqual(seen.map((r) => r.what), ["create", "read", "read inputs"]);
        for (const { what, props } of seen) {
          for (const [name, value] of Object.entries(props)) {
            if (secretNames.includes(name)) continue;
            const text = JSON.stringify(value);
            for (const secret of secrets) {
              assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)), `${what}: ${name} holds a secret (${secret.slice(0, 8)}…)`);
            }
            for (const shape of secretShapes) assert.doesNotMatch(text, shape, `${what}: ${name} holds something shaped like a secret`);
          }
        }
      });
    }

    it("the secret outputs do hold the secrets (so the check above is looking at the right names)", () => {
      const created = (className: string) => results.get(className)![0].props;
      assert.match(String(created("NeonProject").password), /^npg_/);
      assert.match(String(created("NeonProject").connectionUri), /^postgresql:\/\//);
      assert.match(String(created("AuthIntegration").secretServerKey), /^ssk_/);
      assert.ok(JSON.stringify(created("AuthIntegration").oauthProviders).includes(oauthClientSecret));
    });
  });

  describe("what the plugin prints", () => {
    it("never prints a secret, in its output or in the errors the engine shows", () => {
      const printed = [fx.plugin.stdout(), fx.plugin.stderr(), ...errorMessages].join("\n");
      assert.match(fx.plugin.stderr(), /Neon refused to delete branch/, "the plugin printed the refused delete, as the engine would show it");
      assert.match(errorMessages.join("\n"), /default branch/, "the refusal was collected");
      assert.match(errorMessages.join("\n"), /already enabled/, "the second integration's error was collected");
      for (const secret of secrets) {
        assert.ok(!printed.includes(secret) && !printed.includes(encodeURIComponent(secret)), `printed a secret (${secret.slice(0, 8)}…)`);
      }
      for (const shape of secretShapes) assert.doesNotMatch(printed, shape);
    });
  });

  describe("serialized providers", () => {
    // The in-process provider modules are configured with the sentinel key, as the plugin does
    // before its first call, so a provider keeping credentials where the serializer can reach them
    // would leak them into its text.
    before(async () => {
      const config: Record<string, string> = { "neon:apiKey": apiKey, "neon:apiHost": fx.neon.url };
      for (const c of resources) {
        for (const mode of ["installed", "by-value"] as const) {
          const provider = loadProviderModule(mode, c.dir, fx.consumer) as { configure(req: unknown): Promise<void> };
          await provider.configure({ config: { get: (key: string) => config[key] } });
        }
      }
    });

    after(async () => {
      // The by-value modules configured the checkout's dist/ copy, which other tests may load.
      for (const c of resources) {
        const provider = loadProviderModule("by-value", c.dir) as { configure(req: unknown): Promise<void> };
        await provider.configure({ config: { get: () => undefined } });
      }
    });

    for (const c of resources) {
      for (const mode of ["installed", "by-value"] as SerializationMode[]) {
        it(`${c.className} (${mode}): holds no secret and is not a secret itself`, async () => {
          const serialized = await serializeProvider(mode, c.dir, fx.consumer);
          assert.equal(serialized.containsSecrets, false);
          for (const secret of secrets) assert.ok(!serialized.text.includes(secret), `holds a secret (${secret.slice(0, 8)}…)`);
          for (const shape of secretShapes) assert.doesNotMatch(serialized.text, shape);
        });
      }

      it(`${c.className}: the __provider stored in its outputs is the installed text`, () => {
        for (const { what, props } of results.get(c.className) ?? []) assert.equal(props.__provider, fx.providers[c.dir], what);
      });
    }
  });
});
