/**
 * Pure edits of an exported Pulumi deployment (`pulumi stack export --show-secrets`, version 3)
 * for the recovery of interrupted creates: which creates are pending, and the deployment with each
 * one either recorded as a resource the stack owns (the object Neon made for it) or dropped (Neon
 * made nothing). The result is what `pulumi stack import` takes; the CLI encrypts the secrets again.
 */

/** How the exported deployment marks a secret value (`plaintext`: its JSON, revealed by --show-secrets). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export interface DeploymentResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  additionalSecretOutputs?: string[];
  created?: string;
  modified?: string;
  [field: string]: unknown;
}

export interface Deployment {
  resources?: DeploymentResource[];
  pending_operations?: { resource: DeploymentResource; type: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface PendingCreate {
  urn: string;
  type: string;
  /** The create's inputs, secrets revealed (what the provider's create was given). */
  inputs: Record<string, unknown>;
}

/** What became of a pending create: recorded with the object Neon made, or dropped (none). */
export type PendingCreateOutcome = { urn: string; created: { id: string; outs: Record<string, unknown> } } | { urn: string; created: undefined };

function isSecret(value: unknown): value is { plaintext: string } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSignatureKey] === secretSignature;
}

function secret(value: unknown): unknown {
  return { [secretSignatureKey]: secretSignature, plaintext: JSON.stringify(value) };
}

/** The value with every secret replaced by what it holds. */
export function revealSecrets(value: unknown): unknown {
  if (isSecret(value)) return revealSecrets(JSON.parse(value.plaintext));
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  return value;
}

function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

export function pendingCreates(deployment: Deployment): PendingCreate[] {
  return (deployment.pending_operations ?? [])
    .filter((op) => op.type === "creating" && op.resource.custom !== false)
    .map((op) => ({ urn: op.resource.urn, type: op.resource.type, inputs: revealSecrets(op.resource.inputs ?? {}) as Record<string, unknown> }));
}

/**
 * The deployment with the settled pending creates gone from `pending_operations`; those Neon had
 * become resources of the stack, after every resource they depend on (they were not created yet,
 * so nothing depends on them). A create that was a replacement's completes it. Created before the
 * old one was deleted, the old resource of the same URN is still recorded: it is marked for
 * deletion, as the engine marks it once the new one exists, and the next update deletes it.
 * Deleted first (delete-before-replace), the old one is recorded as `pendingReplacement`, its
 * object already gone: the record goes (marking it would delete the new object, which may share
 * its id, as Neon Auth's and the Data API's do). Outputs are secret as the engine would have made them: those the
 * resource declares secret (`additionalSecretOutputs`) and those whose input was secret. The
 * dynamic provider's code (`__provider`) is kept in the outputs, where refresh and destroy look.
 */
export function withSettledCreates(deployment: Deployment, outcomes: readonly PendingCreateOutcome[], nowIso: string): Deployment {
  const settled = new Map(outcomes.map((o) => [o.urn, o]));
  const kept: NonNullable<Deployment["pending_operations"]> = [];
  const recorded: DeploymentResource[] = [];
  for (const op of deployment.pending_operations ?? []) {
    const outcome = op.type === "creating" ? settled.get(op.resource.urn) : undefined;
    if (!outcome) {
      kept.push(op);
      continue;
    }
    if (outcome.created === undefined) continue;
    const inputs = op.resource.inputs ?? {};
    const secretKeys = new Set([...(op.resource.additionalSecretOutputs ?? []), ...Object.keys(inputs).filter((k) => containsSecret(inputs[k]))]);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outcome.created.outs)) {
      if (value === undefined) continue;
      outputs[key] = secretKeys.has(key) ? secret(value) : value;
    }
    if (inputs.__provider !== undefined) outputs.__provider = inputs.__provider;
    recorded.push({ ...op.resource, id: outcome.created.id, outputs, created: nowIso, modified: nowIso });
  }
  const replaced = new Set(recorded.map((r) => r.urn));
  const resources = (deployment.resources ?? [])
    .filter((r) => !(replaced.has(r.urn) && r.pendingReplacement === true))
    .map((r) => (replaced.has(r.urn) && r.delete !== true ? { ...r, delete: true } : r));
  return { ...deployment, resources: [...resources, ...recorded], pending_operations: kept };
}
