/**
 * Inputs of Endpoint (a Neon compute): the documented args of the resource class, and the zod
 * schema `check` validates them with. Built by a function (not a module-level constant) so nothing
 * here is a schema instance the closure serializer could be asked to capture.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";

export interface EndpointArgs {
  /** The project the compute belongs to. **Changing this replaces the compute** (a compute holds no data; its host changes). */
  readonly projectId: pulumi.Input<string>;
  /**
   * The branch the compute serves. Default: the project's default branch at create time. Leave it
   * unset for the default branch's compute: a snapshot restore of the default branch moves its
   * computes to the restored branch (new branch id, same compute), and an unset `branchId` is not
   * compared, so nothing is replaced. **Changing this replaces the compute** (a new host).
   */
  readonly branchId?: pulumi.Input<string>;
  /**
   * `read_write` (the default; at most one per branch) or `read_only` (a read replica).
   * **Changing this replaces the compute** (a new host).
   */
  readonly type?: pulumi.Input<"read_write" | "read_only">;
  /** Minimum size in compute units (≥ 0.25). Default: the project's default endpoint settings (else 0.25). Updates in place. */
  readonly autoscalingLimitMinCu?: pulumi.Input<number>;
  /** Maximum size in compute units (≥ 0.25 and ≥ the minimum). Default: the project's default endpoint settings (else 2). Updates in place. */
  readonly autoscalingLimitMaxCu?: pulumi.Input<number>;
  /**
   * Seconds of inactivity before the compute suspends: 60–604800, `0` for Neon's default (300) or
   * `-1` for never. Default: the project's default endpoint settings (else 0). Updates in place.
   */
  readonly suspendTimeoutSeconds?: pulumi.Input<number>;
  /** PgBouncer's pooling mode; Neon supports `transaction` only (the default). Updates in place. */
  readonly poolerMode?: pulumi.Input<"transaction">;
  /**
   * Postgres settings (`postgresql.conf` names → values). The declared map is the complete set: a
   * setting removed from it is removed from the compute. Default: none. Updates in place (the
   * compute restarts); other compute settings Neon keeps (PgBouncer, preload libraries) are left as they are.
   */
  readonly pgSettings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** `k8s-neonvm` (autoscaling), `k8s-pod` or `serverless-platform`. Default: the project's. Updates in place. */
  readonly provisioner?: pulumi.Input<"k8s-pod" | "k8s-neonvm" | "serverless-platform">;
  /** A disabled compute is suspended and refuses connections. Default false. Updates in place. */
  readonly disabled?: pulumi.Input<boolean>;
  /**
   * Adopt this existing compute (`ep-…`) instead of creating one: the import path, as
   * `pulumi import` does not work for dynamic providers (pulumi/pulumi#16175). Read at create only;
   * the declared settings are applied to it. An adopted compute is released, not deleted, when the
   * resource is deleted. Cannot be combined with `adoptDefault`.
   */
  readonly adoptId?: pulumi.Input<string>;
  /**
   * Adopt the read-write compute of the project's default branch (the compute every project starts
   * with), e.g. to manage its autoscaling. Its id survives snapshot restores, which move computes.
   * Read at create only; released, not deleted, when the resource is deleted. Cannot be combined
   * with `adoptId`, `branchId` or `type: "read_only"`. Default false.
   */
  readonly adoptDefault?: pulumi.Input<boolean>;
}

const neonId = (what: string) => z.string().regex(/^[a-z0-9-]{1,60}$/, `must be a Neon ${what} id`);
const computeUnit = () => z.number().min(0.25);

export function endpointInputsSchema() {
  return z
    .object({
      projectId: neonId("project"),
      branchId: neonId("branch").optional(),
      type: z.enum(["read_write", "read_only"]).optional(),
      autoscalingLimitMinCu: computeUnit().optional(),
      autoscalingLimitMaxCu: computeUnit().optional(),
      suspendTimeoutSeconds: z.number().int().min(-1).max(604800).optional(),
      poolerMode: z.enum(["transaction"]).optional(),
      pgSettings: z.record(z.string().min(1), z.string()).optional(),
      provisioner: z.enum(["k8s-pod", "k8s-neonvm", "serverless-platform"]).optional(),
      disabled: z.boolean().optional(),
      adoptId: neonId("endpoint").optional(),
      adoptDefault: z.boolean().optional(),
    })
    .strict();
}

/** Inputs after `check`: plain values. */
export type EndpointInputs = z.infer<ReturnType<typeof endpointInputsSchema>>;

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<EndpointArgs, EndpointInputs>>;
