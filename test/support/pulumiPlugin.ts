/**
 * The Pulumi-integration harness. Pulumi's CLI (and with it the engine and the Automation API) is
 * not available here, so the layer below it is driven directly, as the engine would:
 *
 * - `prepareConsumer()` builds a throwaway Pulumi program directory in which this package is
 *   *installed* (tools/localPackage.ts: a real copy of the published files under
 *   `node_modules/neon-pulumi-dynamic`), next to links to its runtime dependencies.
 * - `serializeProvider()` produces the exact `__provider` text `pulumi.dynamic.Resource` stores,
 *   either from that installed copy or by value from this checkout's sources.
 * - `startPluginProcess()` runs Pulumi's own dynamic-provider plugin (`cmd/dynamic-provider`) in
 *   the program directory and returns a typed gRPC client for its ResourceProvider service.
 *
 * See ../shared/notes/pulumi-dynamic-providers.md §1.5 (module pattern, installed vs by value),
 * §2.2 (what each RPC does) and §2.4 (driving the plugin without an engine).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";
import { packageName, packageRoot } from "../../runner/packageRoot";
import { assertBuildIsFresh, installPackageCopy } from "../../tools/localPackage";

export { packageName };
export const repoRoot = packageRoot();

/** Pulumi's placeholder for a value not known yet (preview), as the engine sends it. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key and value that mark an object as a secret on the wire (`runtime/rpc.js`). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

// The plugin runs with @pulumi/pulumi's own copies of grpc-js and google-protobuf; the client uses
// the same ones, so wire types (Struct, Status, Any) match exactly.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = <T>(id: string): T => require(require.resolve(id, { paths: [pulumiDir] })) as T;
const grpc = fromPulumi<typeof grpcTypes>("@grpc/grpc-js");
const struct = fromPulumi<typeof structTypes>("google-protobuf/google/protobuf/struct_pb");
const providerGrpc = require(path.join(pulumiDir, "proto/provider_grpc_pb")) as typeof providerGrpcTypes;
const providerPb = require(path.join(pulumiDir, "proto/provider_pb")) as typeof providerTypes;
const statusPb = require(path.join(pulumiDir, "proto/status_pb")) as typeof statusTypes;

type Props = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// The consumer: a Pulumi program directory with the package installed
// ---------------------------------------------------------------------------------------------

export interface Consumer {
  /** The program directory: the plugin's cwd, from which `__provider` texts resolve `require`s. */
  readonly dir: string;
  /** `<dir>/node_modules/neon-pulumi-dynamic`, a real copy of the published files. */
  readonly packageDir: string;
  /** Removes the directory (the linked dependencies are left alone). */
  remove(): void;
}

export function prepareConsumer(): Consumer {
  assertBuildIsFresh(repoRoot);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-pulumi-program-"));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: neon-test\nruntime: nodejs\n");
    const packageDir = installPackageCopy(path.join(dir, "node_modules"), repoRoot);
    // Dependencies are linked, not copied: the serializer only needs *our* files to sit under
    // node_modules, and Node resolves a linked package's own imports from its real location.
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) {
      const link = path.join(dir, "node_modules", dep);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(repoRoot, "node_modules", dep), link, "dir");
    }
    return { dir, packageDir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Serialization: the `__provider` text
// ---------------------------------------------------------------------------------------------

/**
 * - `installed`: the provider module of the consumer's copy, as a program that imports the package
 *   from node_modules sees it (what users get).
 * - `by-value`: the module from this checkout's sources, which the serializer inlines (what a
 *   program inside the repository, such as the examples, gets).
 */
export type SerializationMode = "installed" | "by-value";

/** A resource's folder under provider/resources (`project`, `branch`, …). */
export type ResourceDir = string;

export interface SerializedProvider {
  /** What `pulumi.dynamic.Resource` stores as the `__provider` input and output. */
  text: string;
  /** True only if a secret Output was captured (`__provider` would then be a secret). */
  containsSecrets: boolean;
}

/** The provider module (`provider/resources/<dir>/provider`) for a mode. */
export function loadProviderModule(mode: SerializationMode, resourceDir: ResourceDir, consumer?: Consumer): object {
  if (mode === "installed") {
    if (!consumer) throw new Error("serializing the installed provider needs a consumer (prepareConsumer())");
    return require(path.join(consumer.packageDir, "dist/provider/resources", resourceDir, "provider.js"));
  }
  const source = path.join(repoRoot, "provider/resources", resourceDir, "provider.ts");
  if (!fs.existsSync(source)) throw new Error(`no provider module at ${path.relative(repoRoot, source)}`);
  return require(source);
}

/**
 * Serializes like `pulumi.dynamic.Resource` does (dynamic/index.js `serializeFunctionMaybeSecret`):
 * the same function on a closure returning the provider, which is even named `provider` as there
 * (the name appears in by-value text), with the same options. No cache: every call serializes.
 */
export async function serializeProvider(mode: SerializationMode, resourceDir: ResourceDir, consumer?: Consumer): Promise<SerializedProvider> {
  const provider = loadProviderModule(mode, resourceDir, consumer);
  const closure = require(path.join(pulumiDir, "runtime/closure/serializeClosure")) as typeof import("@pulumi/pulumi/runtime/closure/serializeClosure");
  const serialized = await closure.serializeFunction(() => provider, { allowSecrets: true });
  return { text: serialized.text, containsSecrets: serialized.containsSecrets };
}

/**
 * Evaluates a `__provider` text the way the plugin does (`requireFromString(text).handler()`), with
 * `require` resolving from the consumer directory as it does from the plugin's cwd.
 */
export function evaluateProviderText(text: string, consumerDir: string): Record<string, unknown> {
  const requireFromString = fromPulumi<(code: string, filename?: string) => { handler(): Record<string, unknown> }>("require-from-string");
  return requireFromString(text, path.join(consumerDir, "__provider.js")).handler();
}

/**
 * The module path the serializer would emit for a file of the installed package, through the
 * package's `exports` map. In a real program @pulumi/pulumi sits next to the package and applies
 * the map (throwing for a file the map hides); here it is linked from the checkout and cannot see
 * the package, so tests apply the map explicitly with the serializer's own function.
 */
export function exportedModulePath(consumer: Consumer, fileInPackage: string): string {
  const pkg = require(path.join(pulumiDir, "runtime/closure/package")) as { getModuleFromPath(p: string, def?: object): string };
  const manifest = JSON.parse(fs.readFileSync(path.join(consumer.packageDir, "package.json"), "utf8"));
  return pkg.getModuleFromPath(`${packageName}/${fileInPackage}`, manifest);
}

/** The URN the engine gives a dynamic resource of this type in a test stack. */
export function dynamicUrn(type: string, name: string): string {
  return `urn:pulumi:test::neon-test::pulumi-nodejs:dynamic/neon:${type}::${name}`;
}

// ---------------------------------------------------------------------------------------------
// The plugin process and its gRPC client
// ---------------------------------------------------------------------------------------------

/** A stack config value; `{ secret }` is sent wrapped in Pulumi's secret signature, as the engine sends secure config. */
export type ConfigValue = string | { secret: string };

export type DiffChanges = "unknown" | "none" | "some";

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ReadResult {
  /** Empty when the provider reported the resource gone. */
  id: string;
  properties: Props;
  /** Present only when the provider returned inputs. */
  inputs?: Props;
}

/** A failed RPC. `initFailure` is decoded from `grpc-status-details-bin` when the provider reported a partial create/update. */
export class PluginCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(`${rpc} failed (gRPC status ${code}): ${details}`);
    this.name = "PluginCallError";
  }
}

export interface PluginProcess {
  readonly port: number;
  /** Everything the plugin printed so far (the engine shows these lines as diagnostics). */
  stdout(): string;
  stderr(): string;
  /** The engine's Configure: the stack config, namespaced keys (`neon:apiKey`). */
  configure(config: Record<string, ConfigValue>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResult>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, urn: string, properties: Props, inputs?: Props): Promise<ReadResult>;
  update(id: string, urn: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(id: string, urn: string, properties: Props): Promise<void>;
  kill(): Promise<void>;
}

/**
 * Spawns `node @pulumi/pulumi/cmd/dynamic-provider` as the engine does (cwd = the program
 * directory; the engine address argument is required but never dialled). The environment is the
 * given `env` on top of this process's, minus any NEON_* or PULUMI_* variables, so what the plugin
 * sees is exactly what the test says.
 */
export async function startPluginProcess(consumerDir: string, env: Record<string, string> = {}): Promise<PluginProcess> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEON_|PULUMI_)/.test(k)));
  const child = spawn(process.execPath, [path.join(pulumiDir, "cmd/dynamic-provider"), "127.0.0.1:0"], {
    cwd: consumerDir,
    env: { ...baseEnv, PULUMI_NODEJS_PROJECT: "neon-test", PULUMI_PROJECT: "neon-test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let port: number;
  try {
    port = await firstLinePort(child, output, exited);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Req, Res>(rpc: string, request: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
      const method = (client as unknown as Record<string, (r: Req, cb: (e: grpcTypes.ServiceError | null, r: Res) => void) => void>)[rpc];
      method.call(client, request, (err, response) => (err ? reject(toPluginCallError(rpc, err)) : resolve(response)));
    });
  const toStruct = (o: Props) => struct.Struct.fromJavaScript(o as Record<string, structTypes.JavaScriptValue>);
  const fromStruct = (s: structTypes.Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

  return {
    port,
    stdout: () => output.stdout,
    stderr: () => output.stderr,

    async configure(config) {
      const args = Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : { [secretSignatureKey]: secretSignature, value: v.secret }]),
      );
      const request = new providerPb.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true).setAcceptresources(true);
      await call("configure", request);
    },

    async check(urn, olds, news) {
      const request = new providerPb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
      const response = await call<providerTypes.CheckRequest, providerTypes.CheckResponse>("check", request);
      return {
        inputs: fromStruct(response.getInputs()),
        failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },

    async diff(id, urn, olds, news) {
      const request = new providerPb.DiffRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
      const response = await call<providerTypes.DiffRequest, providerTypes.DiffResponse>("diff", request);
      const changes = { 0: "unknown", 1: "none", 2: "some" }[response.getChanges()] as DiffChanges;
      return { changes, replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
    },

    async create(urn, properties) {
      const request = new providerPb.CreateRequest().setUrn(urn).setProperties(toStruct(properties));
      const response = await call<providerTypes.CreateRequest, providerTypes.CreateResponse>("create", request);
      return { id: response.getId(), properties: fromStruct(response.getProperties()) };
    },

    async read(id, urn, properties, inputs) {
      const request = new providerPb.ReadRequest().setId(id).setUrn(urn).setProperties(toStruct(properties));
      if (inputs) request.setInputs(toStruct(inputs));
      const response = await call<providerTypes.ReadRequest, providerTypes.ReadResponse>("read", request);
      return {
        id: response.getId(),
        properties: fromStruct(response.getProperties()),
        ...(response.hasInputs() ? { inputs: fromStruct(response.getInputs()) } : {}),
      };
    },

    async update(id, urn, olds, news) {
      const request = new providerPb.UpdateRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
      const response = await call<providerTypes.UpdateRequest, providerTypes.UpdateResponse>("update", request);
      return { properties: fromStruct(response.getProperties()) };
    },

    async delete(id, urn, properties) {
      const request = new providerPb.DeleteRequest().setId(id).setUrn(urn).setProperties(toStruct(properties));
      await call("delete", request);
    },

    async kill() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

function firstLinePort(child: ChildProcess, output: { stdout: string; stderr: string }, exited: Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("the dynamic-provider plugin did not print its port within 15 s")), 15_000);
    const onData = () => {
      const newline = output.stdout.indexOf("\n");
      if (newline < 0) return;
      const port = Number(output.stdout.slice(0, newline).trim());
      if (!Number.isInteger(port) || port <= 0) return fail(new Error(`the plugin's first line is not a port: ${output.stdout.slice(0, newline)}`));
      done();
      resolve(port);
    };
    const fail = (err: Error) => {
      done();
      reject(err);
    };
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
    };
    child.stdout?.on("data", onData);
    void exited.then(() => fail(new Error(`the dynamic-provider plugin exited before printing its port:\n${output.stderr}`)));
  });
}

function toPluginCallError(rpc: string, err: grpcTypes.ServiceError): PluginCallError {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  let initFailure: PluginCallError["initFailure"];
  if (raw !== undefined) {
    const status = statusPb.Status.deserializeBinary(new Uint8Array(Buffer.from(raw)));
    for (const detail of status.getDetailsList()) {
      const failed = detail.unpack(providerPb.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
      if (failed) {
        initFailure = { id: failed.getId(), properties: (failed.getProperties()?.toJavaScript() ?? {}) as Props, reasons: failed.getReasonsList() };
      }
    }
  }
  return new PluginCallError(rpc, err.code, err.details, initFailure);
}

