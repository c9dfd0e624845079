/**
 * Inputs of NeonProject: the documented args of the resource class, and the zod schema `check`
 * validates them with. Built by a function (not a module-level constant) so nothing here is a
 * schema instance the closure serializer could be asked to capture.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";
import { whenFieldsKnown } from "../common/check";

export interface ProjectQuotaArgs {
  /** Seconds of active compute time per month before computes are suspended. Default: unlimited. */
  readonly activeTimeSeconds?: pulumi.Input<number>;
  /** CPU seconds per month. Default: unlimited. */
  readonly computeTimeSeconds?: pulumi.Input<number>;
  /** Bytes written per month. Default: unlimited. */
  readonly writtenDataBytes?: pulumi.Input<number>;
  /** Bytes transferred out per month. Default: unlimited. */
  readonly dataTransferBytes?: pulumi.Input<number>;
  /** Logical size limit per branch, in bytes. Default: the plan's. */
  readonly logicalSizeBytes?: pulumi.Input<number>;
}

export interface MaintenanceWindowArgs {
  /** ISO weekdays (1 = Monday … 7 = Sunday). */
  readonly weekdays: pulumi.Input<pulumi.Input<number>[]>;
  /** Start time, `HH:MM` UTC. */
  readonly startTime: pulumi.Input<string>;
  /** End time, `HH:MM` UTC. */
  readonly endTime: pulumi.Input<string>;
}

export interface ProjectSettingsArgs {
  /** Usage quotas. Updates in place. */
  readonly quota?: pulumi.Input<ProjectQuotaArgs>;
  /** IP addresses, ranges or CIDRs allowed to connect. Default: any. Updates in place (order does not matter). */
  readonly allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
  /** Apply `allowedIps` only to protected branches. Default false. Updates in place. */
  readonly allowedIpsProtectedBranchesOnly?: pulumi.Input<boolean>;
  /**
   * Enables logical replication (wal_level=logical). Updates in place (the computes restart);
   * Neon cannot turn it off again, so `false` after `true` is refused by `check`. Default false.
   */
  readonly enableLogicalReplication?: pulumi.Input<boolean>;
  /** When Neon may apply updates. Default: Neon's. Updates in place. */
  readonly maintenanceWindow?: pulumi.Input<MaintenanceWindowArgs>;
  /** Refuse connections from the public internet. Default false. Updates in place. */
  readonly blockPublicConnections?: pulumi.Input<boolean>;
  /** Refuse connections through VPC endpoints. Default false. Updates in place. */
  readonly blockVpcConnections?: pulumi.Input<boolean>;
}

export interface DefaultEndpointSettingsArgs {
  /** Minimum compute size in CU (≥ 0.25). Default 0.25. Updates in place. */
  readonly autoscalingLimitMinCu?: pulumi.Input<number>;
  /** Maximum compute size in CU (≥ min). Default 2. Updates in place. */
  readonly autoscalingLimitMaxCu?: pulumi.Input<number>;
  /** Seconds of inactivity before suspending; 0 = Neon's default (300), -1 = never. Updates in place. */
  readonly suspendTimeoutSeconds?: pulumi.Input<number>;
}

export interface NeonProjectArgs {
  /** The project's name. Default: the project id. Updates in place. */
  readonly name?: pulumi.Input<string>;
  /** Region, e.g. `aws-us-east-2` (the default). **Changing this replaces the project (and its data).** */
  readonly regionId?: pulumi.Input<string>;
  /** Postgres major version, 14–18. Default 17. **Changing this replaces the project (and its data).** */
  readonly pgVersion?: pulumi.Input<number>;
  /**
   * The organization that owns the project. Default: the API key's default organization.
   * Changing it **moves** the project with Neon's project-transfer API (an update, never a
   * replacement): ids, data and connection strings stay.
   */
  readonly orgId?: pulumi.Input<string>;
  /** Point-in-time restore window in seconds (0–2592000; the plan may allow less). Default: Neon's (1 day, or the plan's maximum). Updates in place. */
  readonly historyRetentionSeconds?: pulumi.Input<number>;
  /**
   * Compute settings for new computes, also applied to the project's default compute when they
   * change. Updates in place. Do not also manage the default compute with an Endpoint resource.
   */
  readonly defaultEndpointSettings?: pulumi.Input<DefaultEndpointSettingsArgs>;
  /** Project settings. Updates in place; settings not declared are left as they are. */
  readonly settings?: pulumi.Input<ProjectSettingsArgs>;
  /** Name of the default branch. Default `main`. Changing it renames the branch in place. */
  readonly defaultBranchName?: pulumi.Input<string>;
  /** Owner role of the default database. Default `<defaultDatabaseName>_owner`. Fixed after creation (Neon cannot rename roles): a change is refused by `check`. */
  readonly defaultRoleName?: pulumi.Input<string>;
  /** The default database. Default `neondb`. Changing it renames the database in place (connection strings change). */
  readonly defaultDatabaseName?: pulumi.Input<string>;
  /**
   * The snapshot the default (active) branch is restored to. Changing it restores the branch in
   * place with Neon's `finalize_restore`: the computes move to the restored data, so the host,
   * connection strings, Neon Auth and Data API stay the same; the superseded branch is removed.
   * Resources that should survive restores leave their `branchId` unset (meaning: the default branch).
   * Not set: the default branch is never restored.
   */
  readonly activeSnapshotId?: pulumi.Input<string>;
  /**
   * Adopt this existing project instead of creating one (the import path: `pulumi import` does not
   * work for dynamic providers, pulumi/pulumi#16175). Read at create only. An adopted project is
   * released, not deleted, when the resource is deleted.
   */
  readonly adoptId?: pulumi.Input<string>;
}

const computeUnit = () => z.number().min(0.25);

export function neonProjectInputsSchema() {
  return z
    .object({
      name: z.string().min(1).max(256).optional(),
      regionId: z.string().min(1).optional(),
      pgVersion: z.number().int().min(14).max(18).optional(),
      orgId: z.string().regex(/^[a-z0-9-]{1,60}$/, "must be a Neon organization id (org-…)").optional(),
      historyRetentionSeconds: z.number().int().min(0).max(2592000).optional(),
      defaultEndpointSettings: z
        .object({
          autoscalingLimitMinCu: computeUnit().optional(),
          autoscalingLimitMaxCu: computeUnit().optional(),
          suspendTimeoutSeconds: z.number().int().min(-1).max(604800).optional(),
        })
        .strict()
        .refine((s) => s.autoscalingLimitMinCu === undefined || s.autoscalingLimitMaxCu === undefined || s.autoscalingLimitMinCu <= s.autoscalingLimitMaxCu, {
          message: "autoscalingLimitMinCu must be ≤ autoscalingLimitMaxCu",
          path: ["autoscalingLimitMinCu"],
          when: whenFieldsKnown("autoscalingLimitMinCu", "autoscalingLimitMaxCu"),
        })
        .optional(),
      settings: z
        .object({
          quota: z
            .object({
              activeTimeSeconds: z.number().int().min(0).optional(),
              computeTimeSeconds: z.number().int().min(0).optional(),
              writtenDataBytes: z.number().int().min(0).optional(),
              dataTransferBytes: z.number().int().min(0).optional(),
              logicalSizeBytes: z.number().int().min(0).optional(),
            })
            .strict()
            .optional(),
          allowedIps: z.array(z.string().min(1)).optional(),
          allowedIpsProtectedBranchesOnly: z.boolean().optional(),
          enableLogicalReplication: z.boolean().optional(),
          maintenanceWindow: z
            .object({
              weekdays: z.array(z.number().int().min(1).max(7)).min(1),
              startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC)"),
              endTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC)"),
            })
            .strict()
            .optional(),
          blockPublicConnections: z.boolean().optional(),
          blockVpcConnections: z.boolean().optional(),
        })
        .strict()
        .optional(),
      defaultBranchName: z.string().min(1).max(256).optional(),
      defaultRoleName: z.string().min(1).max(63).optional(),
      defaultDatabaseName: z.string().min(1).max(63).optional(),
      activeSnapshotId: z.string().regex(/^[a-z0-9-]{1,60}$/, "must be a Neon snapshot id").optional(),
      adoptId: z.string().regex(/^[a-z0-9-]{1,60}$/, "must be a Neon project id").optional(),
    })
    .strict();
}

/** Inputs after `check`: plain values. */
export type NeonProjectInputs = z.infer<ReturnType<typeof neonProjectInputsSchema>>;

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<NeonProjectArgs, NeonProjectInputs>>;
