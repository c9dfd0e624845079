/**
 * The DataApi dynamic provider as Pulumi stores it (`__provider` in state). When the package is
 * installed, the serializer emits just `require("neon-pulumi-dynamic/dist/…/provider.js")`: small,
 * identical across versions (no spurious diffs), and `destroy`/`refresh` run the installed code.
 * When serialized by value (from a checkout), these functions capture nothing but the `require` of
 * the implementation by package name. Keep this file free of imports.
 */
const implementation = () =>
  require("neon-pulumi-dynamic/dist/provider/resources/dataApi/lifecycle.js") as typeof import("./lifecycle");

export function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  return implementation().configure(req);
}
export function check(olds: any, news: any): Promise<any> {
  return implementation().check(olds, news);
}
export function diff(id: string, olds: any, news: any): Promise<any> {
  return implementation().diff(id, olds, news);
}
export function create(inputs: any): Promise<any> {
  return implementation().create(inputs).catch(keepProviderInPartialResult(inputs));
}
export function read(id: string, props: any): Promise<any> {
  return implementation().read(id, props);
}
export function update(id: string, olds: any, news: any): Promise<any> {
  return implementation().update(id, olds, news).catch(keepProviderInPartialResult(news));
}
function deleteResource(id: string, props: any): Promise<void> {
  return implementation().del(id, props);
}
export { deleteResource as delete };

/**
 * A create or update that fails half-way throws `{id, properties}` (ResourceInitFailure): the
 * plugin reports ErrorResourceInitFailed and the engine stores `properties` as the resource's
 * outputs, as they are. Unlike a success, the plugin does not add `__provider` to them, and
 * `destroy`/`refresh` run the `__provider` found in the outputs: without it they fail with
 * "code must be a string, not undefined" and the recorded Neon object can only be removed by
 * hand. So the inputs' `__provider` is put into the properties here.
 */
function keepProviderInPartialResult(inputs: any) {
  return (err: any): never => {
    const partial = err !== null && typeof err === "object" && err.id !== undefined && err.properties !== null && typeof err.properties === "object";
    if (partial && typeof inputs?.__provider === "string") err.properties.__provider = inputs.__provider;
    throw err;
  };
}
