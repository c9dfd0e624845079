/**
 * DataApi's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts). The methods stay thin; the decisions are in logic.ts.
 *
 * The Pulumi id is `<projectId>/<branchId or "default">/<databaseName>`: Neon has one Data API per
 * branch and database, and `default` (no declared branch) means the project's default branch as it
 * is at each call, so the id and the Data API survive restores of the default branch.
 */
import { NeonAmbiguousWriteError, NeonConflictError, NeonNotFoundError } from "../../client/errors";
import { claimUnder, type UnknownOutcome } from "../common/ownership";
import type { NeonClient } from "../../client/neonClient";
import type { DataApi } from "../../client/schemas/dataApi";
import { branchScopedId, branchScopeOf, resolveBranchId, resolveKnownBranchId, withBranchScope } from "../common/branchScope";
import { checkInputs } from "../common/check";
import { declaredKey, declaredNames, liveInputs, recordedDeclaredNames } from "../common/declared";
import { ResourceInitFailure } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { dataApiInputsSchema, type DataApiInputs } from "./args";
import {
  alreadyEnabledMessage,
  unknownOutcomeMessage,
  creationOnlyFields,
  dataApiCreateBody,
  dataApiDiff,
  dataApiOutputs,
  dataApiUpdateBody,
  databaseNameOf,
  settingsFromApi,
  type DataApiLocation,
} from "./logic";

export { configure } from "../common/providerConfig";

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(dataApiInputsSchema(), news);
}

export async function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = withBranchScope(id, dataApiDiff(olds, news), news, olds);
  // One Data API per branch and database: the new one can only be created once the old one is gone.
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: true };
}

export async function create(inputs: DataApiInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const location: DataApiLocation = {
    projectId: inputs.projectId,
    branchId: await resolveKnownBranchId(client, inputs.projectId, inputs.branchId),
    databaseName: databaseNameOf(inputs),
  };
  const id = branchScopedId(location.projectId, inputs.branchId, location.databaseName);

  if (inputs.adoptExisting) {
    const existing = await dataApiOrUndefined(client, location);
    if (!existing) throw new Error(`adoptExisting: the Data API is not enabled for database ${location.databaseName} on branch ${location.branchId}; there is nothing to adopt`);
    return adopt(client, id, location, existing, inputs);
  }

  const created = await createOnce(client, location, inputs);
  // Found after a lost answer: taken on as adopted (see createOnce).
  if (typeof created !== "string") return adopt(client, id, location, created, inputs);
  const url = created;
  // From here on the Data API exists: any failure must hand Pulumi its id.
  let api: DataApi;
  try {
    api = await get(client, location);
  } catch (err) {
    const known: DataApi = { url, status: "unknown" };
    throw new ResourceInitFailure("Neon Data API", id, dataApiOutputs(known, location, inputs, inputs), err);
  }
  return { id, outs: plainOutputs(dataApiOutputs(api, location, inputs, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  const declared = recordedDeclaredNames(props);
  const scope = branchScopeOf(id, props, declared);
  let location: DataApiLocation;
  let api: DataApi;
  try {
    location = {
      projectId: scope.projectId,
      branchId: await resolveKnownBranchId(client, scope.projectId, scope.branchId),
      databaseName: scope.database ?? databaseNameOf({}),
    };
    api = await get(client, location);
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // deleted, or its database, branch or project is: gone from state
    throw err;
  }
  // The creation-only options cannot be read back: they are carried from the previous outputs.
  const live = dataApiOutputs(api, location, props, undefined);
  const outs = { ...live, [declaredKey]: props[declaredKey] };
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, live)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: DataApiInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const location: DataApiLocation = {
    projectId: news.projectId,
    // The branch the Data API was created on (recorded in the id); a change of branch replaces.
    branchId: await resolveBranchId(client, news.projectId, branchScopeOf(id, olds, recordedDeclaredNames(olds)).branchId),
    databaseName: databaseNameOf(news),
  };
  await applySettings(client, location, news);
  const api = await get(client, location);
  // Creation-only options did not change (a change replaces): they stay as they were created.
  return { outs: plainOutputs(dataApiOutputs(api, location, { ...olds, ...pickCreationOptions(news) }, news)) };
}

export async function del(id: string, props: Record<string, unknown>) {
  if (props.adoptExisting === true) {
    // An adopted Data API existed before this stack: released, never deleted.
    console.log(`Neon Data API ${id} was adopted; releasing it from the stack without deleting it.`);
    return;
  }
  const client = neonClientForCall();
  const declared = recordedDeclaredNames(props);
  const scope = branchScopeOf(id, props, declared);
  try {
    const branchId = await resolveBranchId(client, scope.projectId, scope.branchId);
    await client.dataApi.delete(scope.projectId, branchId, scope.database ?? databaseNameOf({}));
  } catch (err) {
    if (!(err instanceof NeonNotFoundError)) throw err; // already gone, or its database, branch or project is
  }
}

function get(client: NeonClient, l: DataApiLocation): Promise<DataApi> {
  return client.dataApi.get(l.projectId, l.branchId, l.databaseName);
}

async function dataApiOrUndefined(client: NeonClient, location: DataApiLocation): Promise<DataApi | undefined> {
  try {
    return await get(client, location);
  } catch (err) {
    // Also a missing database: the POST will then say so in Neon's words.
    if (err instanceof NeonNotFoundError) return undefined;
    throw err;
  }
}

/**
 * After an update that was creating the Data API was interrupted (the state keeps a pending
 * create): the Data API it made, taken on as ours with the outputs of a create; undefined when
 * there is none (or the create was an adoption, which made nothing). Neon does not say when a Data
 * API was created; the one found is ours only when its branch was created since that update began
 * (so nothing on it predates the update, as on a new tenant's branch); otherwise it is taken on as
 * adopted, as after a lost answer (see createOnce).
 */
export async function recoverCreate(client: NeonClient, inputs: DataApiInputs, outcome: UnknownOutcome) {
  if (inputs.adoptExisting) return undefined;
  const location: DataApiLocation = {
    projectId: inputs.projectId,
    branchId: await resolveKnownBranchId(client, inputs.projectId, inputs.branchId),
    databaseName: databaseNameOf(inputs),
  };
  const found = await dataApiOrUndefined(client, location);
  if (!found) return undefined;
  const { branch } = await client.branches.get(location.projectId, location.branchId);
  const claim = claimUnder(outcome, "Data API", `${location.databaseName} on branch ${branch.id}`, [{ id: branch.id, createdAt: branch.created_at }], () => "`adoptExisting: true`");
  const id = branchScopedId(location.projectId, inputs.branchId, location.databaseName);
  if (!("ours" in claim)) {
    console.log(`${outcome.cause.message} (the Data API for database ${location.databaseName} on branch ${branch.id} of project ${location.projectId}), and ${unknownOutcomeMessage()}`);
    return adopt(client, id, location, found, inputs);
  }
  return { id, outs: plainOutputs(dataApiOutputs(found, location, inputs, inputs)) };
}

/**
 * Creates the Data API and returns its URL. There is at most one per branch and database: when Neon
 * answers that one exists, the error says how to adopt it. After an ambiguous POST it looks: if
 * there is none, the POST never happened and is sent again. If there is one, it is most likely
 * ours, but Neon does not say when a Data API was created, so the ownership rule cannot tell it
 * from one that existed before: it is returned to be taken on as adopted — managed, and released
 * rather than deleted on destroy — so the stack converges without ever deleting what may not be
 * its own.
 */
async function createOnce(client: NeonClient, l: DataApiLocation, inputs: DataApiInputs): Promise<string | DataApi> {
  const body = dataApiCreateBody(inputs);
  try {
    return (await client.dataApi.create(l.projectId, l.branchId, l.databaseName, body)).url;
  } catch (err) {
    if (err instanceof NeonConflictError) throw new Error(alreadyEnabledMessage(l), { cause: err });
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    const found = await dataApiOrUndefined(client, l);
    if (found) {
      console.log(`The answer to creating the Data API for database ${l.databaseName} on branch ${l.branchId} of project ${l.projectId} was lost, and ${unknownOutcomeMessage()}`);
      return found;
    }
    return (await client.dataApi.create(l.projectId, l.branchId, l.databaseName, body)).url;
  }
}

/** PATCHes the declared settings that differ from Neon's (read just before). */
async function applySettings(client: NeonClient, l: DataApiLocation, news: DataApiInputs): Promise<void> {
  if (news.settings === undefined) return;
  const current = await get(client, l);
  const body = dataApiUpdateBody(settingsFromApi(current.settings), news);
  if (body) await client.dataApi.update(l.projectId, l.branchId, l.databaseName, body);
}

function pickCreationOptions(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of creationOnlyFields) if (inputs[name] !== undefined) out[name] = inputs[name];
  return out;
}

/**
 * Takes over an existing Data API: the declared settings are applied; the declared auth options are
 * recorded as given (Neon cannot show the ones it was created with).
 */
async function adopt(client: NeonClient, id: string, location: DataApiLocation, existing: DataApi, inputs: DataApiInputs) {
  try {
    await applySettings(client, location, inputs);
  } catch (err) {
    const before = { ...dataApiOutputs(existing, location, { ...inputs, adoptExisting: true }, undefined), [declaredKey]: declaredNames(inputs) };
    throw new ResourceInitFailure("Neon Data API", id, before, err, "adopt");
  }
  const api = await get(client, location);
  return { id, outs: plainOutputs(dataApiOutputs(api, location, { ...inputs, adoptExisting: true }, inputs)) };
}
