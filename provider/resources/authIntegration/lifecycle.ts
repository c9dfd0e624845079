/**
 * AuthIntegration's provider methods (Neon Auth, branch-scoped API). This module is what the
 * serialized provider `require`s (see provider.ts). The methods stay thin; the decisions are in
 * logic.ts.
 *
 * The Pulumi id is `<projectId>/<branchId or "default">`: Neon allows one integration per branch,
 * and `default` (no declared branch) means the project's default branch as it is at each call, so
 * the id and the integration survive restores of the default branch.
 */
import { NeonAmbiguousWriteError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { NeonAuthProvider } from "../../client/requests";
import type { NeonAuthCreated, NeonAuthIntegration } from "../../client/schemas/neonAuth";
import { branchScopedId, branchScopeOf, resolveBranchId, withBranchScope } from "../common/branchScope";
import { checkInputs } from "../common/check";
import { declaredKey, liveInputs, recordedDeclaredNames } from "../common/declared";
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
  const branchId = await resolveBranchId(client, projectId, inputs.branchId);
  const id = branchScopedId(projectId, inputs.branchId);

  const existing = await integrationOrUndefined(client, projectId, branchId);
  if (inputs.adoptExisting) {
    if (!existing) throw new Error(`adoptExisting: Neon Auth is not enabled on branch ${branchId} of project ${projectId}; there is nothing to adopt`);
    return adopt(client, id, projectId, branchId, existing, inputs);
  }
  if (existing) throw new Error(alreadyEnabledMessage(existing, projectId, branchId));

  const created = await enable(client, projectId, branchId, inputs);
  // From here on Neon Auth is enabled and its keys exist only in `carried`: any failure must hand
  // Pulumi the id and the keys, or they are lost for good.
  const carried: AuthCarried = { ...carriedFromCreate(created), deleteDataOnDestroy: inputs.deleteDataOnDestroy ?? false };
  const applied: Partial<OAuthProviderInputs>[] = [];
  let view: AuthView;
  try {
    await reconcile(client, projectId, branchId, created.auth_provider as NeonAuthProvider, inputs, [], applied);
    view = await readView(client, projectId, branchId);
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
    const branchId = await resolveBranchId(client, scope.projectId, scope.branchId);
    view = await readView(client, scope.projectId, branchId);
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
  try {
    const authProvider = typeof olds.authProvider === "string" ? olds.authProvider : authEnableBody(news).auth_provider;
    await reconcile(client, projectId, branchId, authProvider as NeonAuthProvider, news, carried.knownProviders ?? [], applied);
  } catch (err) {
    // Part of the change may have been made: record what is live now, so the next `up` does the rest.
    const known = [...applied, ...(carried.knownProviders ?? [])];
    const properties = await partialOutputs(client, projectId, branchId, { ...carried, knownProviders: known }, news);
    throw new ResourceInitFailure("Neon Auth integration", id, properties, err, "update");
  }
  const view = await readView(client, projectId, branchId);
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
 * Enables Neon Auth. After an ambiguous POST the keys may have been issued in a response that
 * never arrived: Neon cannot return them again, and an integration without keys is useless to
 * the stack. The integration was not there just before (create checked), so if it is there now it
 * is ours and seconds old, and no one can hold its keys: it is disabled (keeping the neon_auth
 * data) and enabled again, which yields new keys. If it is not there, the POST never happened and
 * is simply sent again.
 */
async function enable(client: NeonClient, projectId: string, branchId: string, inputs: AuthIntegrationInputs): Promise<NeonAuthCreated> {
  const body = authEnableBody(inputs);
  try {
    return await client.neonAuth.enable(projectId, branchId, body);
  } catch (err) {
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    if (await integrationOrUndefined(client, projectId, branchId)) {
      console.log(
        `Neon Auth was enabled on branch ${branchId} of project ${projectId}, but the response carrying its one-time keys was lost; ` +
          `disabling it (its data is kept) and enabling it again to obtain keys.`,
      );
      await client.neonAuth.disable(projectId, branchId, {});
    }
    return client.neonAuth.enable(projectId, branchId, body);
  }
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
    await reconcile(client, projectId, branchId, existing.auth_provider as NeonAuthProvider, inputs, [], applied);
    view = await readView(client, projectId, branchId);
  } catch (err) {
    throw new ResourceInitFailure("Neon Auth integration", id, await partialOutputs(client, projectId, branchId, { ...carried, knownProviders: applied }, inputs), err, "adopt");
  }
  return { id, outs: plainOutputs(authIntegrationOutputs(view, projectId, carried, inputs)) };
}

/** The integration with its OAuth providers, trusted domains and allow-localhost flag (four GETs). */
async function readView(client: NeonClient, projectId: string, branchId: string): Promise<AuthView> {
  const integration = await client.neonAuth.get(projectId, branchId);
  const [{ providers }, { domains }, { allow_localhost }] = await Promise.all([
    client.neonAuth.listOAuthProviders(projectId, branchId),
    client.neonAuth.listTrustedDomains(projectId, branchId),
    client.neonAuth.getAllowLocalhost(projectId, branchId),
  ]);
  return { integration, providers: providers.map(liveProvider), domains: domains.map((d) => d.domain), allowLocalhost: allow_localhost };
}

/**
 * Makes Neon match the declared allow-localhost flag, OAuth providers and trusted domains, reading
 * each live list just before changing it and sending only the differences. Undeclared ones are
 * left alone. `applied` collects the providers whose credentials were set, for partial failures.
 */
async function reconcile(
  client: NeonClient,
  projectId: string,
  branchId: string,
  authProvider: NeonAuthProvider,
  declared: AuthIntegrationInputs,
  known: readonly Partial<OAuthProviderInputs>[],
  applied: Partial<OAuthProviderInputs>[],
): Promise<void> {
  const auth = client.neonAuth;
  if (declared.allowLocalhost !== undefined) {
    const { allow_localhost } = await auth.getAllowLocalhost(projectId, branchId);
    if (allow_localhost !== declared.allowLocalhost) {
      await updateStep(`${declared.allowLocalhost ? "allowing" : "refusing"} sign-in from localhost`, () => auth.setAllowLocalhost(projectId, branchId, declared.allowLocalhost!));
    }
  }
  if (declared.oauthProviders !== undefined) {
    const { providers } = await auth.listOAuthProviders(projectId, branchId);
    const plan = oauthProviderPlan(providers.map(liveProvider), known, declared.oauthProviders);
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
  }
  if (declared.trustedDomains !== undefined) {
    const { domains } = await auth.listTrustedDomains(projectId, branchId);
    const plan = trustedDomainPlan(
      domains.map((d) => d.domain),
      declared.trustedDomains,
    );
    for (const domain of plan.add) await updateStep(`adding the trusted domain ${domain}`, () => auth.addTrustedDomain(projectId, branchId, { domain, auth_provider: authProvider }));
    if (plan.remove.length > 0) {
      await updateStep(`removing the trusted domains ${plan.remove.join(", ")}`, () =>
        auth.deleteTrustedDomains(projectId, branchId, { auth_provider: authProvider, domains: plan.remove.map((domain) => ({ domain })) }),
      );
    }
  }
}

/** Outputs for a create or update that failed half-way: what is live now (best effort), with the carried keys. */
async function partialOutputs(
  client: NeonClient,
  projectId: string,
  branchId: string,
  carried: AuthCarried,
  declaredSource: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const live = await readView(client, projectId, branchId).catch(() => undefined);
  const declared = Array.isArray(declaredSource[declaredKey])
    ? declaredSource[declaredKey]
    : Object.keys(declaredSource).filter((k) => !k.startsWith("__") && declaredSource[k] !== undefined).sort();
  if (!live) {
    const { knownProviders: _known, ...keys } = carried;
    return { projectId, ...(typeof declaredSource.branchId === "string" ? { branchId: declaredSource.branchId } : {}), ...keys, [declaredKey]: declared };
  }
  return { ...authIntegrationOutputs(live, projectId, carried, undefined), [declaredKey]: declared };
}
