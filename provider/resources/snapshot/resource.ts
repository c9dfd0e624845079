import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, withSecretOutputs, serveOutputFromId, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { SnapshotArgs } from "./args";
import { snapshotOutputNames } from "./logic";
import snapshotProvider = require("./provider");

/**
 * A snapshot of a root branch (Neon beta): a checkpoint, which the project's default branch can be
 * put on in place (`restoreDefaultBranch`, or NeonProject's `activeSnapshotId`). Name and expiry update in place; a different
 * project, branch, LSN or timestamp is a different snapshot (replacement). The Pulumi id is the
 * snapshot id (`snap-…`).
 */
export class Snapshot extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The branch the snapshot was taken of (the default branch at creation time unless declared). */
  declare readonly branchId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  declare readonly lsn: pulumi.Output<string>;
  declare readonly timestamp: pulumi.Output<string>;
  /** Whether the project's default branch is on this snapshot (as declared, or as last read). */
  declare readonly restoreDefaultBranch: pulumi.Output<boolean>;
  declare readonly adoptId: pulumi.Output<string | undefined>;
  /** Neon's snapshot id (`snap-…`), e.g. for NeonProject's `activeSnapshotId`. */
  declare readonly snapshotId: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** Neon's `source_branch_id`. */
  declare readonly sourceBranchId: pulumi.Output<string>;

  constructor(name: string, args: SnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(snapshotOutputNames.map((n) => [n, undefined]));
    super(snapshotProvider, name, { ...outputs, ...args }, withSecretOutputs(opts, []), neonModule, "Snapshot");
    serveOutputFromId(this, "snapshotId");
  }
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof snapshotOutputNames, Snapshot>>;
