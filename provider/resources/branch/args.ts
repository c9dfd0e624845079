/**
 * Inputs of Branch: the documented args of the resource class, and the zod schema `check`
 * validates them with. Built by a function (not a module-level constant) so nothing here is a
 * schema instance the closure serializer could be asked to capture.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";

/** Neon deletes a branch at most 30 days after its expiry was set. */
export const maxBranchTtlSeconds = 30 * 24 * 3600;

export interface BranchArgs {
  /** The project the branch belongs to. **Changing this replaces the branch (and its data).** */
  readonly projectId: pulumi.Input<string>;
  /**
   * The branch to branch from. Default: the project's default branch at create time (leave it
   * unset for branches of the default branch: a snapshot restore of the default branch changes
   * the default branch's id, and a declared `parentId` that follows it would replace this branch).
   * **Changing this replaces the branch (and its data).**
   */
  readonly parentId?: pulumi.Input<string>;
  /**
   * Branch from the parent's state at this LSN (e.g. `0/1F2A3B8`) instead of its head. Default:
   * the head. Cannot be combined with `parentTimestamp`. **Changing this replaces the branch (and its data).**
   */
  readonly parentLsn?: pulumi.Input<string>;
  /**
   * Branch from the parent's state at this point in time (RFC 3339, inside the project's history
   * retention window) instead of its head. Default: the head. Cannot be combined with `parentLsn`.
   * **Changing this replaces the branch (and its data).**
   */
  readonly parentTimestamp?: pulumi.Input<string>;
  /**
   * Create the branch by restoring this snapshot to a new branch (Neon's snapshot restore, without
   * finalizing: no other branch is touched). Cannot be combined with `parentId`, `parentLsn`,
   * `parentTimestamp` or `initSource`. Default: not restored. **Changing this replaces the branch (and its data).**
   */
  readonly restoreFromSnapshotId?: pulumi.Input<string>;
  /**
   * `parent-data` (the default) copies the parent's data; `schema-only` creates a new root branch
   * with the parent's schema and no data. **Changing this replaces the branch (and its data).**
   */
  readonly initSource?: pulumi.Input<"parent-data" | "schema-only">;
  /**
   * The branch's name, unique in the project. Default: Neon generates one. Updates in place (a
   * rename). Set it: a create whose response was lost can only be reconciled by name.
   * Because names are unique, a replacement deletes the old branch before creating the new one
   * (`deleteBeforeReplace`).
   */
  readonly name?: pulumi.Input<string>;
  /** Protected branches cannot be deleted (and get fresh passwords on child branches). Default false. Updates in place. */
  readonly protected?: pulumi.Input<boolean>;
  /**
   * When Neon deletes the branch (RFC 3339, at most 30 days ahead; stored to the second). `null`
   * removes the expiry. Default: no expiry. Cannot be combined with `ttlSeconds`. Updates in place.
   */
  readonly expiresAt?: pulumi.Input<string | null>;
  /**
   * Lifetime in seconds (1–2592000), turned into `expiresAt` = now + ttl **once**, at create: later
   * `pulumi up`s do not move the expiry. Changing the value sets a new expiry (now + the new ttl).
   * Cannot be combined with `expiresAt`. Default: no expiry. Updates in place.
   */
  readonly ttlSeconds?: pulumi.Input<number>;
  /**
   * Adopt this existing branch (e.g. the project's default branch, to protect it) instead of
   * creating one: the import path, as `pulumi import` does not work for dynamic providers
   * (pulumi/pulumi#16175). Read at create only. The declared `name`, `protected` and expiry are
   * applied to it. An adopted branch is released, not deleted, when the resource is deleted.
   */
  readonly adoptId?: pulumi.Input<string>;
}

const neonId = (what: string) => z.string().regex(/^[a-z0-9-]{1,60}$/, `must be a Neon ${what} id`);
const rfc3339 = () => z.iso.datetime({ offset: true, message: "must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z" });

export function branchInputsSchema() {
  return z
    .object({
      projectId: neonId("project"),
      parentId: neonId("branch").optional(),
      parentLsn: z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, "must be an LSN such as 0/1F2A3B8").optional(),
      parentTimestamp: rfc3339().optional(),
      restoreFromSnapshotId: neonId("snapshot").optional(),
      initSource: z.enum(["parent-data", "schema-only"]).optional(),
      name: z.string().min(1).max(256).optional(),
      protected: z.boolean().optional(),
      expiresAt: rfc3339().nullable().optional(),
      ttlSeconds: z.number().int().min(1).max(maxBranchTtlSeconds).optional(),
      adoptId: neonId("branch").optional(),
    })
    .strict();
}

/** Inputs after `check`: plain values. */
export type BranchInputs = z.infer<ReturnType<typeof branchInputsSchema>>;

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<BranchArgs, BranchInputs>>;
