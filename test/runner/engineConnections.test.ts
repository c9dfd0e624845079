/**
 * The runner gives each of the SDK's engine clients a gRPC subchannel pool of its own
 * (runner/engineConnections.ts). Reproduced with the SDK's own resource monitor client and client
 * options: one run's engine goes away while its client still calls it; a later run's engine
 * listens on the same port; the later run's client, built as the SDK builds it, must reach it.
 * Without the runner's option it is handed the first connection's failure instead.
 */
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { isolateEngineConnections } from "../../runner/engineConnections";

const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const settings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions: Record<string, unknown> };

type MonitorClient = grpc.Client & { supportsFeature(req: unknown, cb: (err: grpc.ServiceError | null) => void): void };

/** A resource monitor that answers `SupportsFeature` (all the client calls here). */
function startMonitor(port: number): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(resourceGrpc.ResourceMonitorService, {
    supportsFeature: (_call: unknown, callback: (err: null, resp: unknown) => void) => callback(null, new resourceProto.SupportsFeatureResponse().setHassupport(true)),
  });
  return new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve({ server, port: bound }))),
  );
}

const monitorClient = (port: number): MonitorClient =>
  new resourceGrpc.ResourceMonitorClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), settings.grpcClientOptions);

const ask = (client: MonitorClient): Promise<string> =>
  new Promise((resolve) => client.supportsFeature(new resourceProto.SupportsFeatureRequest().setId("secrets"), (err) => resolve(err ? `${err.code} ${err.details}` : "answered")));

describe("the SDK's engine clients with the runner's connection option", () => {
  const servers: grpc.Server[] = [];
  const clients: grpc.Client[] = [];
  const optionBefore = settings.grpcClientOptions["grpc.use_local_subchannel_pool"];

  after(() => {
    clients.forEach((c) => c.close());
    servers.forEach((s) => s.forceShutdown());
    settings.grpcClientOptions["grpc.use_local_subchannel_pool"] = optionBefore;
  });

  it("reach a later run's engine on a port an earlier, dead run's engine used", async () => {
    isolateEngineConnections();
    const first = await startMonitor(0);
    servers.push(first.server);
    const earlier = monitorClient(first.port);
    clients.push(earlier);
    assert.equal(await ask(earlier), "answered");
    first.server.forceShutdown();
    // The SDK never closes a run's client: a call after its engine went leaves a failed connection.
    assert.match(await ask(earlier), /^14 /);

    const second = await startMonitor(first.port);
    servers.push(second.server);
    const later = monitorClient(first.port);
    clients.push(later);
    assert.equal(await ask(later), "answered", "the later run's client reaches its own engine");
  });
});
