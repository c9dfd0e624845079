import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, withSecretOutputs, serveOutputFromId, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { DefaultEndpointSettingsArgs, NeonProjectArgs, ProjectSettingsArgs } from "./args";
import { projectOutputNames, projectSecretOutputs } from "./logic";
import projectProvider = require("./provider");

/**
 * A Neon project: its default branch, owner role, database and read-write compute. Only a change
 * of region or Postgres version replaces it; everything else, including moving it to another
 * organization, is an in-place update.
 */
export class NeonProject extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly regionId: pulumi.Output<string>;
  declare readonly pgVersion: pulumi.Output<number>;
  declare readonly orgId: pulumi.Output<string>;
  declare readonly historyRetentionSeconds: pulumi.Output<number>;
  declare readonly defaultEndpointSettings: pulumi.Output<pulumi.Unwrap<DefaultEndpointSettingsArgs>>;
  declare readonly settings: pulumi.Output<pulumi.Unwrap<ProjectSettingsArgs>>;
  declare readonly defaultBranchName: pulumi.Output<string>;
  declare readonly defaultRoleName: pulumi.Output<string>;
  declare readonly defaultDatabaseName: pulumi.Output<string>;
  declare readonly activeSnapshotId: pulumi.Output<string | undefined>;
  /** Id of the default (active) branch. It changes when the branch is restored from a snapshot. */
  declare readonly defaultBranchId: pulumi.Output<string>;
  /** Id of the default branch's read-write compute; stable across restores. */
  declare readonly defaultEndpointId: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly poolerHost: pulumi.Output<string>;
  declare readonly proxyHost: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** The owner role's password (secret). */
  declare readonly password: pulumi.Output<string>;
  /** `postgresql://…` to the default compute (secret). */
  declare readonly connectionUri: pulumi.Output<string>;
  /** `postgresql://…` through the PgBouncer pooler (secret). */
  declare readonly pooledConnectionUri: pulumi.Output<string>;

  constructor(name: string, args: NeonProjectArgs = {}, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(projectOutputNames.map((n) => [n, undefined]));
    super(projectProvider, name, { ...outputs, ...args }, withSecretOutputs(opts, projectSecretOutputs), neonModule, "NeonProject");
    serveOutputFromId(this, "projectId");
  }
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof projectOutputNames, NeonProject>>;
