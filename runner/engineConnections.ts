/**
 * gRPC clients share one subchannel pool per process by default. Pulumi's Node.js SDK builds a new
 * client to the engine's resource monitor (and to the engine) for each inline program run and never
 * closes it, so a client of a later run whose engine happens to listen on a port that an earlier,
 * finished run's engine used can be handed that earlier run's failed connection and fail at once
 * with "14 UNAVAILABLE: No connection established" (pulumi/pulumi#7125). Each client built with the
 * SDK's options gets a pool of its own here (test/runner/engineConnections.test.ts reproduces the
 * failure with the SDK's own client).
 *
 * This sets an option on an SDK internal (`runtime/settings.grpcClientOptions`); if the SDK stops
 * exporting it, this throws rather than run unguarded.
 */
export function isolateEngineConnections(): void {
  const settings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions?: Record<string, unknown> };
  if (typeof settings.grpcClientOptions !== "object" || settings.grpcClientOptions === null) {
    throw new Error("@pulumi/pulumi no longer exports runtime/settings.grpcClientOptions: update runner/engineConnections.ts");
  }
  settings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;
}
