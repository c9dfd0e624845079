import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, withSecretOutputs, deleteBeforeReplaceUnlessSet, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { DataApiArgs, DataApiSettingsArgs } from "./args";
import { dataApiOutputNames } from "./logic";
import dataApiProvider = require("./provider");

/**
 * Neon's Data API (a REST API over one database on one branch). Settings update in place; a
 * different project, branch or database, or different auth options (which Neon takes only at
 * creation and cannot read back), replace it: deleted first, as there is one per branch and
 * database (a configuration: no data is lost). With `branchId` unset it follows the project's
 * default branch through snapshot restores without any change, and its URL stays the same. The
 * Pulumi id is `<projectId>/<branchId or "default">/<databaseName>`.
 */
export class DataApi extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The branch the Data API is on now (after a restore of the default branch: the new branch's id). */
  declare readonly branchId: pulumi.Output<string>;
  declare readonly databaseName: pulumi.Output<string>;
  /** As declared (Neon cannot read it back); unset when not declared. */
  declare readonly authProvider: pulumi.Output<"neon_auth" | "external" | undefined>;
  declare readonly jwksUrl: pulumi.Output<string | undefined>;
  declare readonly jwtAudience: pulumi.Output<string | undefined>;
  declare readonly providerName: pulumi.Output<string | undefined>;
  declare readonly addDefaultGrants: pulumi.Output<boolean | undefined>;
  declare readonly skipAuthSchema: pulumi.Output<boolean | undefined>;
  /** The settings as Neon has them (declared ones as declared). */
  declare readonly settings: pulumi.Output<pulumi.Unwrap<DataApiSettingsArgs>>;
  declare readonly adoptExisting: pulumi.Output<boolean | undefined>;
  /** The REST endpoint, `https://…/<database>/rest/v1`. */
  declare readonly url: pulumi.Output<string>;
  /** Neon's deployment status (informational; never causes a diff). */
  declare readonly status: pulumi.Output<string>;
  declare readonly availableSchemas: pulumi.Output<string[]>;

  constructor(name: string, args: DataApiArgs, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(dataApiOutputNames.map((n) => [n, undefined]));
    super(dataApiProvider, name, { ...outputs, ...args }, withSecretOutputs(deleteBeforeReplaceUnlessSet(opts), []), neonModule, "DataApi");
  }
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof dataApiOutputNames, DataApi>>;
