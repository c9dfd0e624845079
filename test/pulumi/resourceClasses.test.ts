/**
 * The resource classes as a Pulumi program uses them, under mocks: what each one registers with
 * the engine (type token, inputs, `__provider`, resource options) and the outputs it declares.
 * Both the class from this checkout and the one from the installed package are checked; their
 * `__provider` must be exactly what the harness serializes, which keeps serialization.test.ts
 * honest about what Pulumi really stores.
 *
 * Mocks are process-global: they are installed in `before` and removed in `after` of this file
 * only (see pulumiMocks.ts).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { assertNoUnhandledRejections, installRecordingMocks, settle, type RecordingMocks } from "./pulumiMocks";
import { prepareConsumer, repoRoot, serializeProvider, type Consumer, type ResourceDir, type SerializationMode } from "../support/pulumiPlugin";

type ResourceClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

interface ResourceClassCase {
  /** Folder under provider/resources. */
  dir: ResourceDir;
  /** The exported class; also the type in its token `pulumi-nodejs:dynamic/neon:<className>`. */
  className: string;
  /** Valid arguments (plain values). */
  args: Record<string, unknown>;
  /** Outputs the class must have Pulumi store as secrets. */
  secretOutputs: string[];
  /** Some other declared outputs. */
  outputs: string[];
  /** The output that is the resource's id, served from `this.id` so it stays known in update previews. */
  idOutput?: string;
}

/** Add a line per resource class. */
const resourceClasses: ResourceClassCase[] = [
  {
    dir: "project",
    className: "NeonProject",
    args: { name: "app", regionId: "aws-us-east-2", pgVersion: 17 },
    secretOutputs: ["password", "connectionUri", "pooledConnectionUri"],
    outputs: ["host", "defaultBranchId"],
    idOutput: "projectId",
  },
  { dir: "branch", className: "Branch", args: { projectId: "p-1", name: "preview-1", protected: false }, secretOutputs: [], outputs: ["parentId", "currentState"], idOutput: "branchId" },
  { dir: "endpoint", className: "Endpoint", args: { projectId: "p-1", type: "read_write", autoscalingLimitMaxCu: 2 }, secretOutputs: [], outputs: ["host", "poolerHost"], idOutput: "endpointId" },
  { dir: "snapshot", className: "Snapshot", args: { projectId: "p-1", name: "checkpoint-1" }, secretOutputs: [], outputs: ["lsn", "sourceBranchId"], idOutput: "snapshotId" },
  {
    dir: "authIntegration",
    className: "AuthIntegration",
    args: { projectId: "p-1", authProvider: "better_auth", trustedDomains: ["https://app.example.com"] },
    secretOutputs: ["pubClientKey", "secretServerKey", "oauthProviders"],
    outputs: ["jwksUrl", "baseUrl", "branchId"],
  },
  { dir: "dataApi", className: "DataApi", args: { projectId: "p-1", databaseName: "neondb", authProvider: "neon_auth" }, secretOutputs: [], outputs: ["url", "status", "branchId"] },
];

const providerSizeBudget: Record<SerializationMode, number> = { installed: 600, "by-value": 6 * 1024 };
/** An output the user asks to keep secret besides the class's own (any name: the engine only marks it). */
const userSecretOutput = "createdAt";

describe("resource classes under Pulumi mocks", function () {
  this.timeout(20_000);

  let consumer: Consumer;
  let mocks: RecordingMocks;

  before(async () => {
    consumer = prepareConsumer();
    mocks = await installRecordingMocks((_type, inputs) => {
      const fake: Record<string, unknown> = {};
      for (const c of resourceClasses) for (const o of [...c.secretOutputs, ...c.outputs, userSecretOutput]) fake[o] = `mock-${o}`;
      return { ...fake, ...inputs };
    });
  });

  afterEach(() => assertNoUnhandledRejections());

  after(() => {
    mocks?.uninstall();
    consumer?.remove();
  });

  const loadClass = (mode: SerializationMode, c: ResourceClassCase): ResourceClass => {
    const file = mode === "installed" ? path.join(consumer.packageDir, "dist/provider/resources", c.dir, "resource.js") : path.join(repoRoot, "provider/resources", c.dir, "resource");
    const cls = (require(file) as Record<string, unknown>)[c.className];
    assert.equal(typeof cls, "function", `${c.className} is not exported by ${file}`);
    return cls as ResourceClass;
  };

  for (const c of resourceClasses) {
    for (const mode of ["by-value", "installed"] as const) {
      describe(`${c.className} (${mode === "installed" ? "from the installed package" : "from this checkout"})`, () => {
        const name = `${c.dir}-${mode}`;
        let resource: pulumi.CustomResource & Record<string, unknown>;

        before(async () => {
          const Resource = loadClass(mode, c);
          resource = new Resource(name, { ...c.args }, { additionalSecretOutputs: [userSecretOutput] }) as pulumi.CustomResource & Record<string, unknown>;
          // Registration is asynchronous: the id resolves once the monitor has answered.
          await settle(resource.id);
        });

        it(`registers as pulumi-nodejs:dynamic/neon:${c.className} with the arguments as inputs`, () => {
          const registration = mocks.registration(name);
          assert.equal(registration.type, `pulumi-nodejs:dynamic/neon:${c.className}`);
          assert.equal(registration.custom, true);
          const { __provider, ...inputs } = registration.inputs;
          assert.deepEqual(inputs, c.args, "only the arguments given (outputs seeded as undefined are not sent)");
          assert.equal(typeof __provider, "string");
        });

        it(`stores a small __provider, exactly the harness's ${mode} serialization`, async () => {
          const { __provider } = mocks.registration(name).inputs;
          assert.ok(String(__provider).length < providerSizeBudget[mode], `${String(__provider).length} chars`);
          assert.equal(__provider, (await serializeProvider(mode, c.dir, consumer)).text);
        });

        it("asks the engine to keep its secret outputs secret, together with the user's own", () => {
          const { additionalSecretOutputs } = mocks.registration(name);
          assert.deepEqual([...additionalSecretOutputs].sort(), [...c.secretOutputs, userSecretOutput].sort());
        });

        it("declares its outputs as Outputs; the secret ones come back secret", async () => {
          for (const output of [...c.secretOutputs, ...c.outputs]) {
            assert.ok(pulumi.Output.isInstance(resource[output]), `${output} is not an Output`);
            const settled = await settle(resource[output] as pulumi.Output<unknown>);
            assert.equal(settled.value, `mock-${output}`);
            assert.equal(settled.secret, c.secretOutputs.includes(output), `${output} secret: ${settled.secret}`);
          }
        });

        if (c.idOutput) {
          it(`serves ${c.idOutput} from the resource's id, which stays known while an update is previewed`, async () => {
            const output = resource[c.idOutput!] as pulumi.Output<unknown>;
            assert.ok(pulumi.Output.isInstance(output));
            assert.equal((await settle(output)).value, (await settle((resource as unknown as pulumi.CustomResource).id)).value);
          });
        }
      });
    }

    describe(`${c.className} arguments`, () => {
      it("can serve several resources: the class copies them instead of adding __provider", async () => {
        const Resource = loadClass("by-value", c);
        const args = { ...c.args };
        const first = new Resource(`${c.dir}-shared-args-1`, args);
        const second = new Resource(`${c.dir}-shared-args-2`, args);
        await Promise.all([settle(first.id), settle(second.id)]);
        assert.deepEqual(args, c.args, "the arguments object was changed");
      });
    });
  }

  // Last, so that late rejections from the broken resource cannot reach the tests above.
  describe("the mocks setup itself", () => {
    it("turns a __provider that cannot be serialized into a test failure instead of a hang", async () => {
      // A provider capturing a native bound function, as a zod schema instance or an HTTP agent
      // would (notes §1.3): the serializer refuses it.
      const bound = Math.max.bind(null);
      class Unserializable extends pulumi.dynamic.Resource {
        constructor(name: string) {
          super({ create: async () => ({ id: String(bound(1, 2)) }) }, name, {});
        }
      }
      const resource = new Unserializable("unserializable");
      await assert.rejects(settle(resource.id), /error serializing property "__provider"/);
      // Its other outputs reject too, some after this point: let them arrive, then expect them.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.throws(() => assertNoUnhandledRejections(), /unhandled rejections/);
    });
  });
});
