/**
 * What each resource does with a create that an interrupted update left pending (the state has the
 * create's inputs but no id): the object Neon made for it, claimed under the ownership rule and
 * described by the outputs a create would have given, or undefined when Neon has none. The runner
 * (runner/recovery/) calls these before the next update, outside any provider process.
 */
import { z } from "zod";
import type { NeonClient } from "../client/neonClient";
import { authIntegrationInputsSchema } from "./authIntegration/args";
import * as authIntegration from "./authIntegration/lifecycle";
import { branchInputsSchema } from "./branch/args";
import * as branch from "./branch/lifecycle";
import type { UnknownOutcome } from "./common/ownership";
import type { StoredProperties } from "./common/providerEntry";
import { dataApiInputsSchema } from "./dataApi/args";
import * as dataApi from "./dataApi/lifecycle";
import { endpointInputsSchema } from "./endpoint/args";
import * as endpoint from "./endpoint/lifecycle";
import { neonProjectInputsSchema } from "./project/args";
import * as project from "./project/lifecycle";
import { snapshotInputsSchema } from "./snapshot/args";
import * as snapshot from "./snapshot/lifecycle";

export interface RecoveredCreate {
  id: string;
  outs: Record<string, unknown>;
}

/** A resource's recovery, and how the inputs the state recorded for the pending create are read. */
export interface CreateRecovery {
  /** The resource's own recovery (its lifecycle's `recoverCreate`, which takes checked inputs). */
  readonly recover: unknown;
  /** Reads the recorded inputs and recovers: what the runner calls. */
  readonly fromRecordedInputs: (client: NeonClient, recorded: StoredProperties, outcome: UnknownOutcome) => Promise<RecoveredCreate | undefined>;
}

/** Pulumi adds this key to a dynamic resource's inputs; the recovery passes it on as the create would have. */
const providerKey = "__provider";

/**
 * The recorded inputs are those the interrupted update's `check` accepted, perhaps by an older
 * version of the package. They are read again with the resource's fields, leniently: an argument
 * this version no longer has is left out, and rules across fields (which `check` applied then) are
 * not applied again, so a pending create an older version recorded can still be settled, rather
 * than leave the stack stuck. Only a field this version cannot read is refused, naming it.
 */
function recovery<Inputs>(
  recordedInputsSchema: () => z.ZodType<Inputs>,
  recover: (client: NeonClient, inputs: Inputs, outcome: UnknownOutcome) => Promise<RecoveredCreate | undefined>,
): CreateRecovery {
  return {
    recover,
    async fromRecordedInputs(client, recorded, outcome) {
      const { [providerKey]: provider, ...inputs } = recorded;
      const parsed = recordedInputsSchema().safeParse(inputs);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(inputs)"}: ${issue.message}`);
        throw new Error(`the inputs the state recorded for it cannot be read by this version of the package (${problems.join("; ")})`);
      }
      return recover(client, provider === undefined ? parsed.data : { ...parsed.data, [providerKey]: provider }, outcome);
    },
  };
}

/**
 * A resource's fields without its strictness or its rules across fields (see `recovery`), built
 * when a recovery needs it, not when the runner loads this module.
 */
const leniently =
  <Shape extends z.ZodRawShape>(inputsSchema: () => z.ZodObject<Shape>) =>
  () =>
    z.object(inputsSchema().shape);

/** By the type token Pulumi records (`pulumi-nodejs:dynamic/neon:<Type>`). */
export const createRecoveryByType: Readonly<Record<string, CreateRecovery>> = {
  "pulumi-nodejs:dynamic/neon:NeonProject": recovery(leniently(neonProjectInputsSchema), project.recoverCreate),
  "pulumi-nodejs:dynamic/neon:Branch": recovery(leniently(branchInputsSchema), branch.recoverCreate),
  "pulumi-nodejs:dynamic/neon:Endpoint": recovery(leniently(endpointInputsSchema), endpoint.recoverCreate),
  "pulumi-nodejs:dynamic/neon:Snapshot": recovery(leniently(snapshotInputsSchema), snapshot.recoverCreate),
  "pulumi-nodejs:dynamic/neon:AuthIntegration": recovery(leniently(authIntegrationInputsSchema), authIntegration.recoverCreate),
  "pulumi-nodejs:dynamic/neon:DataApi": recovery(leniently(dataApiInputsSchema), dataApi.recoverCreate),
};
