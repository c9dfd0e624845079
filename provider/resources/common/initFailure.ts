/**
 * The error a provider throws when Neon accepted a create (or update) but a follow-up failed: the
 * dynamic-provider plugin sees `id` on the thrown object and reports ErrorResourceInitFailed, so
 * Pulumi records the resource as created (with init errors) instead of forgetting it and leaving
 * an orphan in Neon. The next `pulumi up` retries the follow-up through `update`.
 */
import type { PlainValue } from "./plainOutputs";
import { plainOutputs } from "./plainOutputs";

export class ResourceInitFailure extends Error {
  readonly id: string;
  readonly properties: Record<string, PlainValue>;
  readonly reasons: string[];

  constructor(what: string, id: string, properties: object, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what} ${id} was created, but finishing it failed: ${reason}. Run \`pulumi up\` again to complete it.`);
    this.name = "ResourceInitFailure";
    this.id = id;
    this.properties = plainOutputs(properties);
    this.reasons = [reason];
  }
}
