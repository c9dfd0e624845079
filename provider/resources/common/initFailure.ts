/**
 * The error a provider throws when Neon accepted part of a change but a later step failed: the
 * dynamic-provider plugin sees `id` on the thrown object and reports ErrorResourceInitFailed, so
 * Pulumi records the resource (with what Neon has now) instead of forgetting it and leaving an
 * orphan in Neon. The next `pulumi up` finishes the job through `update`.
 *
 * The message says what happened: a create whose follow-up failed, an adoption whose declared
 * settings could not all be applied, or an update that stopped at a named step (`updateStep`).
 */
import type { PlainValue } from "./plainOutputs";
import { plainOutputs } from "./plainOutputs";

/** A failure tagged with the step of a multi-step change it happened in. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step}: ${reasonOf(cause)}`, { cause });
    this.name = "StepFailure";
  }
}

/** Runs one step of a change; a failure names the step (the innermost one, if steps nest). */
export async function updateStep<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof StepFailure ? err : new StepFailure(step, err);
  }
}

function reasonOf(cause: unknown): string {
  if (cause instanceof StepFailure) return reasonOf(cause.cause);
  return cause instanceof Error ? cause.message : String(cause);
}

export type PartialChange = "create" | "adopt" | "update";

function describe(what: string, id: string, change: PartialChange, cause: unknown): string {
  const reason = reasonOf(cause);
  const step = cause instanceof StepFailure ? cause.step : undefined;
  switch (change) {
    case "create":
      return `${what} ${id} was created, but finishing it failed${step ? ` at ${step}` : ""}: ${reason}. Run \`pulumi up\` again to complete it.`;
    case "adopt":
      return `${what} ${id} was adopted, but applying the declared settings failed${step ? ` at ${step}` : ""}: ${reason}. It is recorded as adopted; run \`pulumi up\` again to apply the rest.`;
    case "update":
      return (
        `${what} ${id}: the update stopped${step ? ` at ${step}` : ""}: ${reason}. ` +
        "The steps before it are done and recorded; run `pulumi up` again to finish the update."
      );
  }
}

export class ResourceInitFailure extends Error {
  readonly id: string;
  readonly properties: Record<string, PlainValue>;
  readonly reasons: string[];

  constructor(what: string, id: string, properties: object, cause: unknown, change: PartialChange = "create") {
    super(describe(what, id, change, cause));
    this.name = "ResourceInitFailure";
    this.id = id;
    this.properties = plainOutputs(properties);
    this.reasons = [reasonOf(cause)];
  }
}
