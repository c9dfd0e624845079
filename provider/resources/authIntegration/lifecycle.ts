/**
 * AuthIntegration's provider methods (Neon Auth, branch-scoped API). This module is what the
 * serialized provider `require`s (see provider.ts). The methods stay thin; the decisions are in
 * logic.ts.
 *
 * The Pulumi id is `<projectId>/<branchId or "default">`: Neon allows one integration per branch,
 * and `default` (no declared branch) means the project's default branch as it is at each call, so
 * the id and the integration survive restores of the default branch.
 */
import { NeonAmbiguousWriteError, NeonConflictError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { NeonAuthProvider } from "../../client/requests";
import type { NeonAuthCreated, NeonAuthIntegration } from "../../client/schemas/neonAuth";
import { branchScopedId, branchScopeOf, resolveBranchId, resolveKnownBranchId, withBranchScope } from "../common/branchScope";
import { checkInputs } from "../common/check";
import { declaredKey, liveInputs, recordedDeclaredNames } from "../common/declared";
import { claimUnder, claimedIdOrThrow, lostAnswer, type UnknownOutcome } from "../common/ownership";
import { ResourceInitFailure, updateStep } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { authIntegrationInputsSchema, type AuthIntegrationInputs, type OAuthProviderInputs } from "./args";
import {
  adoptionMismatches,
  alreadyEnabledMessage,
  authEnableBody,
  authIntegrationDiff,
  authIntegrationOutputs,
  carriedFromCreate,
  carriedFromOutputs,
  liveProvider,
  oauthProviderPlan,
  trustedDomainPlan,
  type AuthCarried,
  type AuthLists,
  type AuthView,
} from "./logic";

export { configure } from "../common/providerConfig";

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(authIntegrationInputsSchema(), news);
}

export async function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = withBranchScope(id, authIntegrationDiff(olds, news), news, olds);
  // One integration per branch: the new one can only be enabled once the old one is disabled.
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: true };
}

export async function create(inputs: AuthIntegrationInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const { projectId } = inputs;
  const branchId = await resolveKnownBranchId(client, projectId, inputs.branchId);
  const id = branchScopedId(projectId, inputs.branchId);

  if (inputs.adoptExisting) {
    const existing = await integrationOrUndefined(client, projectId, branchId);
    if (!existing) throw new Error(`adoptExisting: Neon Auth is not enabled on branch ${branchId} of project ${projectId}; there is nothing to adopt`);
    return adopt(client, id, projectId, branchId, existing, inputs);
  }

  return configureEnabled(client, projectId, branchId, inputs, await enable(client, projectId, branchId, inputs));
}

/**
 * After an update that was enabling Neon Auth was interrupted (the state keeps a pending create):
 * an integration Neon created since that update began is ours, but its one-time keys went with the
 * answer, so it is renewed (see \`enable\`) and configured as a create would; undefined when the
 * branch has none (or the create was an adoption, which made nothing).
 */
export async function recoverCreate(client: NeonClient, inputs: AuthIntegrationInputs, outcome: UnknownOutcome) {
  if (inputs.adoptExisting) return undefined;
  const { projectId } = inputs;
  const branchId = await resolveKnownBranchId(client, projectId, inputs.branchId);
  const found = await integrationOrUndefined(client, projectId, branchId);
  if (!found) return undefined;
  await disableOurs(client, projectId, branchId, found, outcome);
  return configureEnabled(client, projectId, branchId, inputs, await client.neonAuth.enable(projectId, branchId, authEnableBody(inputs)));
}

/** A newly enabled integration, configured as declared, with the outputs of a create. */
async function configureEnabled(client: NeonClient, projectId: string, branchId: string, inputs: AuthIntegrationInputs, created: NeonAuthCreated) {
  const id = branchScopedId(projectId, inputs.branchId);
  // From here on Neon Auth is enabled and its keys exist only in `carried`: any failure must hand
  // Pulumi the id and the keys, or they are lost for good.
  const carried: AuthCarried = { ...carriedFromCreate(created), deleteDataOnDestroy: inputs.deleteDataOnDestroy ?? false };
  const applied: Partial<OAuthProviderInputs>[] = [];
  let view: AuthView;
  try {
    // A newly enabled integration has no trusted domains yet: nothing to read before adding them.
    const lists = await reconcile(client, projectId, branchId, created.auth_provider as NeonAuthProvider, inputs, [], applied, { trustedDomains: [] });
    view = { integration: await client.neonAuth.get(projectId, branchId), ...lists };
  } catch (err) {
    throw new ResourceInitFailure("Neon Auth integration", id, await partialOutputs(client, projectId, branchId, { ...carried, knownProviders: applied }, inputs), err);
  }
  return { id, outs: plainOutputs(authIntegrationOutputs(view, projectId, carried, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  const scope = branchScopeOf(id, props, recordedDeclaredNames(props));
  let view: AuthView;
  try {
    const branchId = await resolveKnownBranchId(client, scope.projectId, scope.branchId);
    view = await readView(client, scope.projectId, branchId, recordedDeclaredNames(props));
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // disabled, or its branch or project deleted: gone from state
    throw err;
  }
  const live = authIntegrationOutputs(view, scope.projectId, carriedFromOutputs(props), undefined);
  const outs = { ...live, [declaredKey]: props[declaredKey] };
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, live)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: AuthIntegrationInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const { projectId } = news;
  // The branch the integration was created on (recorded in the id); a change of branch replaces.
  const branchId = await resolveBranchId(client, projectId, branchScopeOf(id, olds, recordedDeclaredNames(olds)).branchId);
  const carried = carriedFromOutputs(olds);
  const applied: Partial<OAuthProviderInputs>[] = [];
  let lists: AuthLists;
  try {
    const authProvider = typeof olds.authProvider === "string" ? olds.authProvider : authEnableBody(news).auth_provider;
    lists = await reconcile(client, projectId, branchId, authProvider as NeonAuthProvider, news, carried.knownProviders ?? [], applied, {});
  } catch (err) {
    // Part of the change may have been made: record what is live now, so the next `up` does the rest.
    const known = [...applied, ...(carried.knownProviders ?? [])];
    const properties = await partialOutputs(client, projectId, branchId, { ...carried, knownProviders: known }, news);
    throw new ResourceInitFailure("Neon Auth integration", id, properties, err, "update");
  }
  const view: AuthView = { integration: await client.neonAuth.get(projectId, branchId), ...lists };
  return { outs: plainOutputs(authIntegrationOutputs(view, projectId, { ...carried, deleteDataOnDestroy: news.deleteDataOnDestroy ?? carried.deleteDataOnDestroy }, news)) };
}

export async function del(id: string, props: Record<string, unknown>) {
  if (props.adoptExisting === true) {
    // An adopted integration existed before this stack: released, never disabled.
    console.log(`Neon Auth integration ${id} was adopted; releasing it from the stack without disabling it.`);
    return;
  }
  const client = neonClientForCall();
  const scope = branchScopeOf(id, props, recordedDeclaredNames(props));
  try {
    const branchId = await resolveBranchId(client, scope.projectId, scope.branchId);
    // Without delete_data the neon_auth schema (the users) stays in the database.
    await client.neonAuth.disable(scope.projectId, branchId, props.deleteDataOnDestroy === true ? { delete_data: true } : {});
  } catch (err) {
    if (!(err instanceof NeonNotFoundError)) throw err; // already disabled, or the branch or project is gone
  }
}

async function integrationOrUndefined(client: NeonClient, projectId: string, branchId: string): Promise<NeonAuthIntegration | undefined> {
  try {
    return await client.neonAuth.get(projectId, branchId);
  } catch (err) {
    if (err instanceof NeonNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Enables Neon Auth. When Neon answers that it is already enabled, the error says since when and
 * how to adopt it. After an ambiguous POST the keys may have been issued in a response that never
 * arrived: Neon cannot return them again, and an integration without keys is useless to the stack.
 * If an integration is there now and Neon created it after the request began (the ownership rule),
 * it is ours and seconds old, and no one can hold its keys: it is disabled (keeping the neon_auth
 * data) and enabled again, which yields new keys. One that is older is never touched. If none is
 * there, the POST never happened and is simply sent again.
 */
async function enable(client: NeonClient, projectId: string, branchId: string, inputs: AuthIntegrationInputs): Promise<NeonAuthCreated> {
  const body = authEnableBody(inputs);
  const startedAt = client.now();
  try {
    return await client.neonAuth.enable(projectId, branchId, body);
  } catch (err) {
    if (err instanceof NeonConflictError) {
      const existing = await integrationOrUndefined(client, projectId, branchId);
      throw existing ? new Error(alreadyEnabledMessage(existing, projectId, branchId), { cause: err }) : err;
    }
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    const found = await integrationOrUndefined(client, projectId, branchId);
    if (found) await disableOurs(client, projectId, branchId, found, lostAnswer(client, startedAt, err));
    return client.neonAuth.enable(projectId, branchId, body);
  }
}

/**
 * Disables (keeping its data) an integration whose keys were lost with an answer, if the ownership
 * rule makes it ours; throws the refusal otherwise (an older one is never touched).
 */
async function disableOurs(client: NeonClient, projectId: string, branchId: string, found: NeonAuthIntegration, outcome: UnknownOutcome): Promise<void> {
  const candidate = { id: `${projectId}/${branchId}`, createdAt: found.created_at ?? "" };
  const claim = claimUnder(outcome, "Neon Auth integration", `on branch ${branchId}`, [candidate], () => "`adoptExisting: true`");
  claimedIdOrThrow(claim, outcome.cause, `project ${projectId}`);
  console.log(
    `Neon Auth was enabled on branch ${branchId} of project ${projectId}, but the response carrying its one-time keys was lost; ` +
      `disabling it (its data is kept) and enabling it again to obtain keys.`,
  );
  await client.neonAuth.disable(projectId, branchId, {});
}

/**
 * Takes over the integration already on the branch and applies the declared providers, domains and
 * allow-localhost. Its keys cannot be had (Neon returns them only when enabling).
 */
async function adopt(client: NeonClient, id: string, projectId: string, branchId: string, existing: NeonAuthIntegration, inputs: AuthIntegrationInputs) {
  const problems = adoptionMismatches(existing, inputs);
  if (problems.length > 0) throw new Error(`cannot adopt the Neon Auth integration on branch ${branchId}: ${problems.join("; ")}`);
  const carried: AuthCarried = { deleteDataOnDestroy: inputs.deleteDataOnDestroy ?? false, adoptExisting: true };
  const applied: Partial<OAuthProviderInputs>[] = [];
  let view: AuthView;
  try {
    const lists = await reconcile(client, projectId, branchId, existing.auth_provider as NeonAuthProvider, inputs, [], applied, {});
    view = { integration: await client.neonAuth.get(projectId, branchId), ...lists };
  } catch (err) {
    throw new ResourceInitFailure("Neon Auth integration", id, await partialOutputs(client, projectId, branchId, { ...carried, knownProviders: applied }, inputs), err, "adopt");
  }
  return { id, outs: plainOutputs(authIntegrationOutputs(view, projectId, carried, inputs)) };
}

/**
 * The integration, and those of its OAuth providers, trusted domains and allow-localhost flag that
 * the program declares (one GET each): undeclared ones are Neon's business, neither changed nor
 * reported.
 */
async function readView(client: NeonClient, projectId: string, branchId: string, declared: readonly string[]): Promise<AuthView> {
  const auth = client.neonAuth;
  const wants = (name: keyof AuthLists) => declared.includes(name);
  const [integration, providers, domains, allowLocalhost] = await Promise.all([
    auth.get(projectId, branchId),
    wants("oauthProviders") ? auth.listOAuthProviders(projectId, branchId).then((r) => r.providers.map(liveProvider)) : undefined,
    wants("trustedDomains") ? auth.listTrustedDomains(projectId, branchId).then((r) => r.domains.map((d) => d.domain)) : undefined,
    wants("allowLocalhost") ? auth.getAllowLocalhost(projectId, branchId).then((r) => r.allow_localhost) : undefined,
  ]);
  return {
    integration,
    ...(providers === undefined ? {} : { oauthProviders: providers }),
    ...(domains === undefined ? {} : { trustedDomains: domains }),
    ...(allowLocalhost === undefined ? {} : { allowLocalhost }),
  };
}

/**
 * Makes Neon match the declared allow-localhost flag, OAuth providers and trusted domains, reading
 * each live value just before changing it (unless `known` says what it is) and sending only the
 * differences. Undeclared ones are left alone. Returns the declared ones as they are now. `applied`
 * collects the providers whose credentials were set, for partial failures.
 */
async function reconcile(
  client: NeonClient,
  projectId: string,
  branchId: string,
  authProvider: NeonAuthProvider,
  declared: AuthIntegrationInputs,
  known: readonly Partial<OAuthProviderInputs>[],
  applied: Partial<OAuthProviderInputs>[],
  live: Partial<AuthLists>,
): Promise<AuthLists> {
  const auth = client.neonAuth;
  const now: AuthLists = {};
  if (declared.allowLocalhost !== undefined) {
    const current = live.allowLocalhost ?? (await auth.getAllowLocalhost(projectId, branchId)).allow_localhost;
    if (current !== declared.allowLocalhost) {
      await updateStep(`${declared.allowLocalhost ? "allowing" : "refusing"} sign-in from localhost`, () => auth.setAllowLocalhost(projectId, branchId, declared.allowLocalhost!));
    }
    now.allowLocalhost = declared.allowLocalhost;
  }
  if (declared.oauthProviders !== undefined) {
    const current = live.oauthProviders ?? (await auth.listOAuthProviders(projectId, branchId)).providers.map(liveProvider);
    const plan = oauthProviderPlan(current, known, declared.oauthProviders);
    for (const providerId of plan.remove) await updateStep(`removing the OAuth provider ${providerId}`, () => auth.deleteOAuthProvider(projectId, branchId, providerId));
    for (const body of plan.add) {
      await updateStep(`adding the OAuth provider ${body.id}`, () => auth.addOAuthProvider(projectId, branchId, body));
      applied.push({ id: body.id, clientId: body.client_id, clientSecret: body.client_secret });
    }
    for (const { id, body } of plan.update) {
      await updateStep(`updating the OAuth provider ${id}`, () => auth.updateOAuthProvider(projectId, branchId, id, body));
      const want = declared.oauthProviders.find((p) => p.id === id);
      applied.push({ id, clientId: want?.clientId, clientSecret: want?.clientSecret });
    }
    // Neon decides each provider's type (shared or standard): read them back after a change.
    const changed = plan.remove.length + plan.add.length + plan.update.length > 0;
    now.oauthProviders = changed ? (await auth.listOAuthProviders(projectId, branchId)).providers.map(liveProvider) : current;
  }
  if (declared.trustedDomains !== undefined) {
    const current = live.trustedDomains ?? (await auth.listTrustedDomains(projectId, branchId)).domains.map((d) => d.domain);
    const plan = trustedDomainPlan(current, declared.trustedDomains);
    for (const domain of plan.add) await updateStep(`adding the trusted domain ${domain}`, () => auth.addTrustedDomain(projectId, branchId, { domain, auth_provider: authProvider }));
    if (plan.remove.length > 0) {
      await updateStep(`removing the trusted domains ${plan.remove.join(", ")}`, () =>
        auth.deleteTrustedDomains(projectId, branchId, { auth_provider: authProvider, domains: plan.remove.map((domain) => ({ domain })) }),
      );
    }
    // Neon keeps them in the order they were added.
    now.trustedDomains = [...current.filter((d) => !plan.remove.includes(d)), ...plan.add];
  }
  return now;
}

/** Outputs for a create or update that failed half-way: what is live now (best effort), with the carried keys. */
async function partialOutputs(
  client: NeonClient,
  projectId: string,
  branchId: string,
  carried: AuthCarried,
  declaredSource: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const declared = Array.isArray(declaredSource[declaredKey])
    ? (declaredSource[declaredKey] as string[])
    : Object.keys(declaredSource).filter((k) => !k.startsWith("__") && declaredSource[k] !== undefined).sort();
  const live = await readView(client, projectId, branchId, declared).catch(() => undefined);
  if (!live) {
    const { knownProviders: _known, ...keys } = carried;
    return { projectId, ...(typeof declaredSource.branchId === "string" ? { branchId: declaredSource.branchId } : {}), ...keys, [declaredKey]: declared };
  }
  return { ...authIntegrationOutputs(live, projectId, carried, undefined), [declaredKey]: declared };
}
