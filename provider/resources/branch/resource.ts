import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, serveOutputFromId, deleteBeforeReplaceUnlessSet, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { BranchArgs } from "./args";
import { branchOutputNames } from "./logic";
import branchProvider = require("./provider");

/**
 * A Neon branch: from a parent (its head, an LSN or a point in time), schema-only, or restored from
 * a snapshot; or an existing branch adopted with `adoptId` (such as the project's default branch,
 * to protect it). Name, protection and expiry update in place; anything about how the branch was
 * made replaces it, deleting the old branch first because branch names are unique in a project.
 */
export class Branch extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The branch's id (`br-…`); also the resource id. */
  declare readonly branchId: pulumi.Output<string>;
  /** The parent branch's id; unset for root branches (the default branch, schema-only and restored branches). */
  declare readonly parentId: pulumi.Output<string | undefined>;
  declare readonly parentLsn: pulumi.Output<string | undefined>;
  declare readonly parentTimestamp: pulumi.Output<string | undefined>;
  declare readonly restoreFromSnapshotId: pulumi.Output<string | undefined>;
  declare readonly initSource: pulumi.Output<string | undefined>;
  /** The branch's name (Neon's generated one when none was given). */
  declare readonly name: pulumi.Output<string>;
  declare readonly protected: pulumi.Output<boolean>;
  /** When Neon deletes the branch; `null` when it does not expire. */
  declare readonly expiresAt: pulumi.Output<string | null>;
  declare readonly ttlSeconds: pulumi.Output<number | undefined>;
  /** True for the project's default branch. */
  declare readonly defaultBranch: pulumi.Output<boolean>;
  /** Neon's state when last read (`init`, `ready`, …). Never compared: it does not cause diffs. */
  declare readonly currentState: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** The snapshot this branch was restored from, if any. */
  declare readonly restoredFrom: pulumi.Output<string | undefined>;

  constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(branchOutputNames.map((n) => [n, undefined]));
    // Branch names are unique in a project: a replacement must delete the old branch first.
    super(branchProvider, name, { ...outputs, ...args }, deleteBeforeReplaceUnlessSet(opts), neonModule, "Branch");
    serveOutputFromId(this, "branchId");
  }
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof branchOutputNames, Branch>>;
