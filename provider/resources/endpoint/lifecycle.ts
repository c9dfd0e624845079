/**
 * Endpoint's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts): it may hold zod schemas and use the client freely. The methods stay thin; the
 * decisions are in logic.ts.
 */
import { NeonAmbiguousWriteError, NeonBadRequestError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { Endpoint, EndpointOperations } from "../../client/schemas/endpoints";
import { knownDefaultBranch } from "../common/branchScope";
import { claimUnder, claimedIdOrThrow, lostAnswer, recovered, waitForObjectOperations, type UnknownOutcome } from "../common/ownership";
import { checkInputs } from "../common/check";
import { declaredKey, liveInputs } from "../common/declared";
import { ResourceInitFailure } from "../common/initFailure";
import { settledState } from "../common/settledState";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { endpointInputsSchema, type EndpointInputs } from "./args";
import {
  endpointCreateBody,
  endpointDiff,
  endpointInputFailures,
  endpointOutputs,
  endpointUpdateBody,
  isAdopted,
  readWriteTakenMessage,
} from "./logic";

export { configure } from "../common/providerConfig";

const what = "Neon compute endpoint";

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkInputs(endpointInputsSchema(), news);
  // A field that is itself invalid is reported once, for what is wrong with it.
  const combined = endpointInputFailures(news).filter((f) => !result.failures.some((g) => g.property === f.property));
  return { inputs: result.inputs, failures: [...result.failures, ...combined] };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = endpointDiff(olds, news);
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: false };
}

export async function create(inputs: EndpointInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  if (inputs.adoptId) return adopt(client, inputs, await endpointToAdopt(client, inputs.projectId, inputs.adoptId));
  if (inputs.adoptDefault === true) return adopt(client, inputs, await defaultReadWriteEndpoint(client, inputs.projectId));

  const branchId = inputs.branchId ?? (await knownDefaultBranch(client, inputs.projectId)).id;
  const type = inputs.type ?? "read_write";
  const startedAt = client.now();
  let created: EndpointOperations;
  try {
    created = await client.endpoints.create(inputs.projectId, endpointCreateBody(inputs, branchId), { waitForOperations: false });
  } catch (err) {
    if (err instanceof NeonAmbiguousWriteError) return reconcileCreate(client, inputs, branchId, type, lostAnswer(client, startedAt, err));
    if (err instanceof NeonBadRequestError && type === "read_write") throw await explainReadWriteTaken(client, inputs.projectId, branchId, err);
    throw err;
  }

  // From here on the compute exists: any failure must hand Pulumi its id.
  let endpoint = created.endpoint;
  try {
    await client.waitForOperations(created.operations);
    endpoint = settledState(endpoint);
  } catch (err) {
    throw new ResourceInitFailure(what, endpoint.id, endpointOutputs(endpoint, undefined), err);
  }
  return { id: endpoint.id, outs: plainOutputs(endpointOutputs(endpoint, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  let endpoint: Endpoint;
  try {
    ({ endpoint } = await client.endpoints.get(String(props.projectId), id));
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // deleted outside Pulumi: gone from state
    throw err;
  }
  const outs = withAdoption(endpointOutputs(endpoint, undefined), props);
  if (props[declaredKey] !== undefined) outs[declaredKey] = props[declaredKey];
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, outs)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: EndpointInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const projectId = String(olds.projectId ?? news.projectId);
  const body = endpointUpdateBody(olds, news);
  if (body) await client.endpoints.update(projectId, id, body);
  const { endpoint } = await client.endpoints.get(projectId, id);
  return { outs: plainOutputs(withAdoption(endpointOutputs(endpoint, news), olds)) };
}

export async function del(id: string, props: Record<string, unknown>) {
  if (isAdopted(props)) {
    // Adopted computes (such as the default branch's) existed before this stack: released, never deleted.
    console.log(`Neon compute ${id} was adopted; releasing it from the stack without deleting it.`);
    return;
  }
  const client = neonClientForCall();
  try {
    await client.endpoints.delete(String(props.projectId), id);
  } catch (err) {
    if (!(err instanceof NeonNotFoundError)) throw err; // the project (and the compute with it) is gone
  }
}

/** The default branch's read-write compute, as listed (the listing carries the whole compute: no second read). */
async function defaultReadWriteEndpoint(client: NeonClient, projectId: string): Promise<Endpoint> {
  const branchId = (await knownDefaultBranch(client, projectId)).id;
  const { endpoints } = await client.branches.listEndpoints(projectId, branchId);
  const rw = endpoints.find((e) => e.type === "read_write");
  if (!rw) throw new Error(`adoptDefault: the default branch ${branchId} of project ${projectId} has no read-write compute to adopt`);
  return rw;
}

async function endpointToAdopt(client: NeonClient, projectId: string, endpointId: string): Promise<Endpoint> {
  try {
    return (await client.endpoints.get(projectId, endpointId)).endpoint;
  } catch (err) {
    if (err instanceof NeonNotFoundError) throw new Error(`adoptId: compute ${endpointId} does not exist in project ${projectId}`, { cause: err });
    throw err;
  }
}

/**
 * Takes over an existing compute, after checking it is the one the declared `branchId`/`type`
 * describe, and applies the declared settings to it.
 */
async function adopt(client: NeonClient, inputs: EndpointInputs, found: Endpoint) {
  let endpoint = found;
  if (inputs.branchId !== undefined && inputs.branchId !== endpoint.branch_id) {
    throw new Error(`branchId: the compute to adopt (${endpoint.id}) serves branch ${endpoint.branch_id}, not ${inputs.branchId}`);
  }
  if (inputs.type !== undefined && inputs.type !== endpoint.type) {
    throw new Error(`type: the compute to adopt (${endpoint.id}) is ${endpoint.type}, not ${inputs.type}`);
  }
  const markers = { adoptId: inputs.adoptId, adoptDefault: inputs.adoptDefault };
  try {
    endpoint = await finish(client, inputs, endpoint);
  } catch (err) {
    // Recorded as adopted even so, so that deleting the resource can never delete the compute.
    throw new ResourceInitFailure(what, endpoint.id, { ...endpointOutputs(endpoint, undefined), ...markers }, err, "adopt");
  }
  return { id: endpoint.id, outs: plainOutputs(endpointOutputs(endpoint, inputs)) };
}

/**
 * Brings an existing compute to the declared settings with at most one PATCH; reads it back only
 * after a PATCH (the PATCH's operations may have restarted it).
 */
async function finish(client: NeonClient, inputs: EndpointInputs, endpoint: Endpoint): Promise<Endpoint> {
  const body = endpointUpdateBody(endpointOutputs(endpoint, undefined), inputs);
  if (!body) return endpoint;
  await client.endpoints.update(inputs.projectId, endpoint.id, body);
  return (await client.endpoints.get(inputs.projectId, endpoint.id)).endpoint;
}

/**
 * After an update that was creating the compute was interrupted (the state keeps a pending create):
 * the compute it made, taken on as ours with the outputs of a create; undefined when Neon has none
 * (or the create was an adoption, which made nothing).
 */
export async function recoverCreate(client: NeonClient, inputs: EndpointInputs, outcome: UnknownOutcome) {
  if (inputs.adoptId || inputs.adoptDefault === true) return undefined;
  const branchId = inputs.branchId ?? (await knownDefaultBranch(client, inputs.projectId)).id;
  return recovered(outcome, () => reconcileCreate(client, inputs, branchId, inputs.type ?? "read_write", outcome));
}

/**
 * The create's outcome is unknown: Neon may have created the compute. A compute of the requested
 * type made on the branch since the call (or the interrupted update) began is ours (a read-write
 * one is unique per branch).
 */
async function reconcileCreate(client: NeonClient, inputs: EndpointInputs, branchId: string, type: "read_write" | "read_only", outcome: UnknownOutcome) {
  const { endpoints } = await client.branches.listEndpoints(inputs.projectId, branchId);
  const candidates = endpoints.filter((e) => e.type === type).map((e) => ({ id: e.id, createdAt: e.created_at }));
  const claim = claimUnder(outcome, "compute", `${type} on branch ${branchId}`, candidates);
  const ours = claimedIdOrThrow(claim, outcome.cause, `project ${inputs.projectId}`);
  let endpoint = endpoints.find((e) => e.id === ours)!;
  try {
    await waitForObjectOperations(client, inputs.projectId, (op) => op.endpoint_id === endpoint.id);
    // Listed before its operations ended: read it as they left it.
    endpoint = await finish(client, inputs, (await client.endpoints.get(inputs.projectId, endpoint.id)).endpoint);
  } catch (cause) {
    throw new ResourceInitFailure(what, endpoint.id, endpointOutputs(endpoint, undefined), cause);
  }
  // Found after an ambiguous create, the compute is ours: deleted with the stack, not released.
  return { id: endpoint.id, outs: plainOutputs(endpointOutputs(endpoint, inputs)) };
}

/** Neon refuses a second read-write compute on a branch with a 400: name the compute that holds the place. */
async function explainReadWriteTaken(client: NeonClient, projectId: string, branchId: string, err: NeonBadRequestError): Promise<Error> {
  try {
    const { endpoints } = await client.branches.listEndpoints(projectId, branchId);
    const existing = endpoints.find((e) => e.type === "read_write");
    return existing ? new Error(readWriteTakenMessage(branchId, existing), { cause: err }) : err;
  } catch {
    return err;
  }
}

/** Once adopted, always released: dropping `adoptId`/`adoptDefault` from the program must not make a delete destroy the compute. */
function withAdoption(outs: Record<string, unknown>, olds: Record<string, unknown>): Record<string, unknown> {
  if (isAdopted(outs) || !isAdopted(olds)) return outs;
  return { ...outs, ...(olds.adoptId !== undefined ? { adoptId: olds.adoptId } : {}), ...(olds.adoptDefault === true ? { adoptDefault: true } : {}) };
}
