/**
 * The shape of every resource's provider as Pulumi stores it (`__provider` in state).
 *
 * Each resource's `provider.ts` is `export = providerEntry("<package>/dist/…/lifecycle.js")`. When
 * the package is installed, that module's exports are what the resource hands to
 * `pulumi.dynamic.Resource`, so the serializer emits just
 * `require("neon-pulumi-dynamic/dist/provider/resources/<type>/provider.js")`: small, identical
 * across package versions (no spurious diffs), and `destroy`/`refresh` run the installed code.
 * Serialized by value (from a checkout), these functions capture only the lifecycle module's
 * package path: the implementation, its zod schemas and the client are `require`d at call time,
 * never serialized. Keep this file free of imports for the same reason.
 */

/** What a resource's lifecycle module implements. */
export interface ResourceLifecycle {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(olds: any, news: any): Promise<any>;
  diff(id: string, olds: any, news: any): Promise<any>;
  create(inputs: any): Promise<any>;
  read(id: string, props: any): Promise<any>;
  update(id: string, olds: any, news: any): Promise<any>;
  del(id: string, props: any): Promise<void>;
}

export function providerEntry(lifecyclePath: string) {
  const implementation = (): ResourceLifecycle => require(lifecyclePath);

  /**
   * A create or update that fails half-way throws `{id, properties}` (ResourceInitFailure): the
   * plugin reports ErrorResourceInitFailed and the engine stores `properties` as the resource's
   * outputs, as they are. Unlike a success, the plugin does not add `__provider` to them, and
   * `destroy`/`refresh` run the `__provider` found in the outputs: without it they fail with
   * "code must be a string, not undefined" and the recorded Neon object can only be removed by
   * hand. So the inputs' `__provider` is put into the properties here.
   */
  const keepProviderInPartialResult = (inputs: any) => (err: any): never => {
    const partial = err !== null && typeof err === "object" && err.id !== undefined && err.properties !== null && typeof err.properties === "object";
    if (partial && typeof inputs?.__provider === "string") err.properties.__provider = inputs.__provider;
    throw err;
  };

  return {
    configure: (req: { config: { get(key: string): string | undefined } }): Promise<void> => implementation().configure(req),
    check: (olds: any, news: any): Promise<any> => implementation().check(olds, news),
    diff: (id: string, olds: any, news: any): Promise<any> => implementation().diff(id, olds, news),
    create: (inputs: any): Promise<any> => implementation().create(inputs).catch(keepProviderInPartialResult(inputs)),
    read: (id: string, props: any): Promise<any> => implementation().read(id, props),
    update: (id: string, olds: any, news: any): Promise<any> => implementation().update(id, olds, news).catch(keepProviderInPartialResult(news)),
    delete: (id: string, props: any): Promise<void> => implementation().del(id, props),
  };
}
