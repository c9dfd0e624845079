/**
 * Inputs of Snapshot: the documented args of the resource class, and the zod schema `check`
 * validates them with (built by a function, so no schema instance is ever captured by the closure
 * serializer).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";
import { whenFieldsKnown } from "../common/check";

export interface SnapshotArgs {
  /** The project the snapshot belongs to. **Changing this replaces the snapshot.** */
  readonly projectId: pulumi.Input<string>;
  /**
   * The branch to snapshot; Neon only snapshots root branches (a project's default branch, or a
   * schema-only branch), and a branch with a parent is refused before any API call. Default: the
   * project's default branch at creation time, which keeps the snapshot unaffected when the default
   * branch is later restored (it gets a new id). **Changing this replaces the snapshot** (only when
   * declared: an unset `branchId` is never compared).
   */
  readonly branchId?: pulumi.Input<string>;
  /** The snapshot's name. Default: Neon's (`<branch name> <timestamp>`). Updates in place. */
  readonly name?: pulumi.Input<string>;
  /**
   * When Neon deletes the snapshot automatically, ISO 8601 with a time zone
   * (`2026-03-01T00:00:00Z`; compared to the second). Default: never. Updates in place; removing it
   * from the program leaves the current expiry as it is.
   */
  readonly expiresAt?: pulumi.Input<string>;
  /**
   * Take the snapshot at this LSN (`0/1A2B3C4`) of the branch's history instead of now. Excludes
   * `timestamp`. **Changing this replaces the snapshot.**
   */
  readonly lsn?: pulumi.Input<string>;
  /**
   * Take the snapshot at this point in time (ISO 8601 with a time zone, inside the project's history
   * retention window) instead of now. Excludes `lsn`. **Changing this replaces the snapshot.**
   */
  readonly timestamp?: pulumi.Input<string>;
  /**
   * Put the project's default (active) branch on this snapshot: Neon restores it in place
   * (`finalize_restore`), so its computes, hosts and connection strings stay, and the superseded
   * branch is removed. This is how a program names its active checkpoint without feeding a snapshot
   * id back into its project. Turning it on (at create, or later: an update) restores; turning it
   * off changes nothing in Neon. A refresh reports `false` when the default branch has since been
   * put on another snapshot, so the next `up` restores this one again. Default false.
   */
  readonly restoreDefaultBranch?: pulumi.Input<boolean>;
  /**
   * Adopt this existing snapshot (`snap-…`) instead of taking one: the import path, as `pulumi
   * import` does not work for dynamic providers (pulumi/pulumi#16175). Read at create only; the
   * declared `name` and `expiresAt` are then applied. An adopted snapshot is released, not deleted,
   * when the resource is deleted.
   */
  readonly adoptId?: pulumi.Input<string>;
}

const neonId = (what: string) => z.string().regex(/^[a-z0-9-]{1,60}$/, `must be a Neon ${what} id`);
const isoDateTime = () => z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone, e.g. 2026-03-01T00:00:00Z" });

export function snapshotInputsSchema() {
  return z
    .object({
      projectId: neonId("project"),
      branchId: neonId("branch").optional(),
      name: z.string().min(1).max(256).optional(),
      expiresAt: isoDateTime().optional(),
      lsn: z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, "must be an LSN such as 0/1A2B3C4").optional(),
      timestamp: isoDateTime().optional(),
      restoreDefaultBranch: z.boolean().optional(),
      adoptId: neonId("snapshot").optional(),
    })
    .strict()
    .refine((s) => s.lsn === undefined || s.timestamp === undefined, {
      message: "lsn and timestamp exclude each other: give one of them, or neither to snapshot the branch as it is now",
      path: ["timestamp"],
      when: whenFieldsKnown("lsn", "timestamp"),
    });
}

/** Inputs after `check`: plain values. */
export type SnapshotInputs = z.infer<ReturnType<typeof snapshotInputsSchema>>;

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<SnapshotArgs, SnapshotInputs>>;
