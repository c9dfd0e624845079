/**
 * The shape of every resource's provider as Pulumi stores it (`__provider` in state).
 *
 * Each resource's `provider.ts` is `export = providerEntry<Inputs>("<package>/dist/…/lifecycle.js")`.
 * When the package is installed, that module's exports are what the resource hands to
 * `pulumi.dynamic.Resource`, so the serializer emits just
 * `require("neon-pulumi-dynamic/dist/provider/resources/<type>/provider.js")`: small, identical
 * across package versions (no spurious diffs), and `destroy`/`refresh` run the installed code.
 * Serialized by value (from a checkout), these functions capture only the lifecycle module's
 * package path: the implementation, its zod schemas and the client are `require`d at call time,
 * never serialized. Keep this file free of imports for the same reason (type-only imports are
 * erased, and are all it has).
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * What Pulumi stores for a resource and hands back (`olds`, `props`): a property map, read with
 * care, since an older version of the package may have written it.
 */
export type StoredProperties = Readonly<Record<string, unknown>>;
/**
 * Inputs as a map not validated into `Inputs`: what Pulumi hands to `check`, and what `check` gives
 * back when a preview holds values not known yet (it cannot parse what it cannot see), which `diff`
 * then receives.
 */
export type UncheckedInputs = Readonly<Record<string, unknown>>;

/**
 * What a resource's lifecycle module implements: Pulumi's `dynamic.ResourceProvider`, typed by the
 * resource's checked inputs (`Inputs`, inferred from its zod schema) and stored properties. Function
 * properties, not methods, so parameter types are checked strictly.
 */
export interface ResourceLifecycle<Inputs extends UncheckedInputs> {
  configure: (req: pulumi.dynamic.ConfigureRequest) => Promise<void>;
  check: (olds: UncheckedInputs, news: UncheckedInputs) => Promise<pulumi.dynamic.CheckResult<Inputs | UncheckedInputs>>;
  diff: (id: string, olds: StoredProperties, news: Inputs | UncheckedInputs) => Promise<pulumi.dynamic.DiffResult>;
  create: (inputs: Inputs) => Promise<pulumi.dynamic.CreateResult<StoredProperties>>;
  read: (id: string, props: StoredProperties) => Promise<pulumi.dynamic.ReadResult<StoredProperties>>;
  update: (id: string, olds: StoredProperties, news: Inputs) => Promise<pulumi.dynamic.UpdateResult<StoredProperties>>;
  del: (id: string, props: StoredProperties) => Promise<void>;
}

/** Compiles only when the lifecycle module `Module` implements `ResourceLifecycle<Inputs>`. */
export type ImplementsLifecycle<Module extends ResourceLifecycle<Inputs>, Inputs extends UncheckedInputs> = Module;

export function providerEntry<Inputs extends UncheckedInputs>(lifecyclePath: string): pulumi.dynamic.ResourceProvider<Inputs | UncheckedInputs, StoredProperties> {
  const implementation = (): ResourceLifecycle<Inputs> => require(lifecyclePath);

  /**
   * A create or update that fails half-way throws `{id, properties}` (ResourceInitFailure): the
   * plugin reports ErrorResourceInitFailed and the engine stores `properties` as the resource's
   * outputs, as they are. Unlike a success, the plugin does not add `__provider` to them, and
   * `destroy`/`refresh` run the `__provider` found in the outputs: without it they fail with
   * "code must be a string, not undefined" and the recorded Neon object can only be removed by
   * hand. So the inputs' `__provider` is put into the properties here.
   */
  const keepProviderInPartialResult =
    (inputs: Inputs | UncheckedInputs) =>
    (err: unknown): never => {
      const provider = (inputs as { __provider?: unknown } | undefined)?.__provider;
      if (isPartialResult(err) && typeof provider === "string") err.properties.__provider = provider;
      throw err;
    };

  // Pulumi creates and updates only with what check accepted and with every value known, so
  // create and update get the inputs check parsed: the one place the types are narrowed by hand.
  const checked = (inputs: Inputs | UncheckedInputs) => inputs as Inputs;
  return {
    configure: (req) => implementation().configure(req),
    check: (olds, news) => implementation().check(olds, news),
    diff: (id, olds, news) => implementation().diff(id, olds, news),
    create: (inputs) => implementation().create(checked(inputs)).catch(keepProviderInPartialResult(inputs)),
    read: (id, props) => implementation().read(id, props ?? {}),
    update: (id, olds, news) => implementation().update(id, olds, checked(news)).catch(keepProviderInPartialResult(news)),
    delete: (id, props) => implementation().del(id, props),
  };
}

function isPartialResult(err: unknown): err is { id: unknown; properties: Record<string, unknown> } {
  if (err === null || typeof err !== "object") return false;
  const candidate = err as { id?: unknown; properties?: unknown };
  return candidate.id !== undefined && candidate.properties !== null && typeof candidate.properties === "object";
}
