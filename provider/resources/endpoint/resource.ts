import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, serveOutputFromId, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { EndpointArgs } from "./args";
import { endpointOutputNames } from "./logic";
import endpointProvider = require("./provider");

/**
 * A Neon compute endpoint on a branch: its size (autoscaling limits), suspend timeout, pooler and
 * Postgres settings all update in place, never touching the branch or its data. Only the project,
 * branch and type replace it. `adoptDefault: true` manages the compute every project starts with.
 */
export class Endpoint extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The compute's id (`ep-…`); also the resource id. */
  declare readonly endpointId: pulumi.Output<string>;
  /** The branch the compute serves now (Neon moves computes when it restores a branch from a snapshot). */
  declare readonly branchId: pulumi.Output<string>;
  declare readonly type: pulumi.Output<"read_write" | "read_only">;
  declare readonly autoscalingLimitMinCu: pulumi.Output<number>;
  declare readonly autoscalingLimitMaxCu: pulumi.Output<number>;
  declare readonly suspendTimeoutSeconds: pulumi.Output<number>;
  declare readonly poolerMode: pulumi.Output<string>;
  declare readonly pgSettings: pulumi.Output<Record<string, string>>;
  declare readonly provisioner: pulumi.Output<string>;
  declare readonly disabled: pulumi.Output<boolean>;
  /** The host to connect to directly (`ep-….<region>.aws.neon.tech`). */
  declare readonly host: pulumi.Output<string>;
  /** The PgBouncer host (`ep-…-pooler.<region>.aws.neon.tech`). */
  declare readonly poolerHost: pulumi.Output<string>;
  declare readonly proxyHost: pulumi.Output<string>;
  /** Neon's state when last read (`init`, `active`, `idle`). Never compared: it does not cause diffs. */
  declare readonly currentState: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(endpointOutputNames.map((n) => [n, undefined]));
    super(endpointProvider, name, { ...outputs, ...args }, opts, neonModule, "Endpoint");
    serveOutputFromId(this, "endpointId");
  }
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof endpointOutputNames, Endpoint>>;
