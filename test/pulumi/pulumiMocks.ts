/**
 * The one Pulumi mocks setup of the suite. Mocks are process-global (the runtime keeps one
 * monitor), so a spec file installs them in its `before` with `installRecordingMocks()` and
 * removes them in its `after`; no spec file may rely on mocks installed by another, and no two
 * spec files' tests interleave (mocha runs files one after another, not in parallel).
 *
 * `setMocks` alone hides what matters for dynamic resources (notes §6.1): resource options such as
 * `additionalSecretOutputs` never reach `newResource`, and the engine's marking of those outputs
 * as secret is not applied. The recording monitor below captures the registration request as the
 * engine would receive it and applies that marking to the returned state, as the engine does before
 * persisting (step_executor.go).
 *
 * A `__provider` that cannot be serialized shows up under mocks only as unhandled rejections, and
 * the resource's outputs never resolve. `settle()` turns both into an error in the test, and
 * `assertNoUnhandledRejections()` (run it in `afterEach`) catches the rest.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const struct = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] })) as typeof structTypes;
/** The runtime's feature handshake, which `setMocks` hard-codes and `setMockOptions` skips. */
const settings = require(path.join(pulumiDir, "runtime/settings")) as { awaitFeatureSupport(): Promise<void> };

const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** One `RegisterResource` request, as the engine would receive it. */
export interface Registration {
  type: string;
  name: string;
  custom: boolean;
  /** The serialized inputs, `__provider` included (undefined inputs are not sent). */
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  protect: boolean;
  /** URNs of the resources this one depends on (`dependsOn` and inputs that are Outputs). */
  dependencies: string[];
  /** The parent's URN ("" for the stack's own children). */
  parent: string;
}

/** What a created resource's state is in these tests: its inputs plus a fixed value per extra output. */
export type FakeOutputs = (type: string, inputs: Record<string, unknown>) => Record<string, unknown>;

class RecordingMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];

  override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const additionalSecretOutputs: string[] = req.getAdditionalsecretoutputsList();
    this.registrations.push({
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      inputs: req.getObject()?.toJavaScript() ?? {},
      additionalSecretOutputs,
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      protect: req.getProtect(),
      dependencies: req.getDependenciesList(),
      parent: req.getParent(),
    });
    await super.registerResource(req, (err, response) => {
      if (err || !response) return callback(err, response);
      const state = response.getObject().toJavaScript() as Record<string, unknown>;
      for (const key of additionalSecretOutputs) {
        if (key in state) state[key] = { [secretSignatureKey]: secretSignature, value: state[key] };
      }
      response.setObject(struct.Struct.fromJavaScript(state as Record<string, structTypes.JavaScriptValue>));
      callback(null, response);
    });
  }
}

const rejections: unknown[] = [];
/** `settle()` calls waiting for their Output, failed at once by a rejection. */
const rejectionWaiters = new Set<(reason: unknown) => void>();
const onUnhandledRejection = (reason: unknown) => {
  rejections.push(reason);
  for (const waiter of rejectionWaiters) waiter(reason);
};

export interface RecordingMocks {
  readonly registrations: Registration[];
  /** The registration of the resource with this name (throws if there is none). */
  registration(name: string): Registration;
  /** Removes the mocks and the rejection watch; the runtime is back to "no program running". */
  uninstall(): void;
}

export async function installRecordingMocks(fakeOutputs: FakeOutputs): Promise<RecordingMocks> {
  const monitor = new RecordingMonitor({
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...fakeOutputs(args.type, args.inputs) } }),
    call: (args) => args.inputs,
  });
  pulumi.runtime.setMockOptions(monitor, "neon-test", "test", false);
  await settings.awaitFeatureSupport();
  rejections.length = 0;
  process.on("unhandledRejection", onUnhandledRejection);
  return {
    registrations: monitor.registrations,
    registration(name) {
      const found = monitor.registrations.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name} was registered (got ${monitor.registrations.map((r) => r.name).join(", ") || "none"})`);
      return found;
    },
    uninstall() {
      process.off("unhandledRejection", onUnhandledRejection);
      pulumi.runtime.resetOptions("", "", -1, "", "", false, "");
    },
  };
}

/**
 * The value of an Output and whether it is secret; fails with the runtime's error (typically
 * `error serializing property "__provider"`) instead of hanging when registration failed.
 */
export async function settle<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  let stopWaiting: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    stopWaiting = (reason) => reject(reason instanceof Error ? reason : new Error(String(reason)));
    rejectionWaiters.add(stopWaiting);
  });
  try {
    const value = await Promise.race([new Promise<T>((resolve) => output.apply((v) => resolve(v))), failed]);
    const secret = await Promise.race([pulumi.isSecret(output), failed]);
    return { value, secret };
  } finally {
    rejectionWaiters.delete(stopWaiting);
  }
}

export function assertNoUnhandledRejections(): void {
  if (rejections.length === 0) return;
  const reasons = rejections.splice(0).map((r) => (r instanceof Error ? r.message : String(r)));
  throw new Error(`unhandled rejections while registering resources (a __provider that cannot be serialized?):\n${reasons.join("\n")}`);
}
