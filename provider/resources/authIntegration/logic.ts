/**
 * AuthIntegration's policy, as pure functions tested without Pulumi or the network: the enable
 * body, the diff and its replace keys, the plans that turn declared OAuth providers and trusted
 * domains into the few calls that make Neon match, and outputs from Neon's responses.
 *
 * Secrets: Neon returns the publishable and secret keys only once, in the enable response, and
 * never returns OAuth client secrets. Both are carried over from the previous outputs on every
 * read and update, and the outputs holding them (`pubClientKey`, `secretServerKey`,
 * `oauthProviders`) are secret outputs. Nothing here ever puts a secret into an error message.
 */
import type { NeonAuthEnableRequest, NeonAuthOAuthProviderAddRequest, NeonAuthOAuthProviderUpdateRequest } from "../../client/requests";
import { definedFields, sendsAnything } from "../common/requestBody";
import type { NeonAuthCreated, NeonAuthIntegration, NeonAuthOAuthProvider } from "../../client/schemas/neonAuth";
import { declaredKey, declaredNames, echoDeclared } from "../common/declared";
import { diffDeclared, normalize, type DiffField, type DiffOutcome } from "../common/diff";
import type { AuthIntegrationInputs, AuthProviderName, OAuthProviderId, OAuthProviderInputs } from "./args";

/** Neon Auth's current engine, used when `authProvider` is not declared. */
export const defaultAuthProvider: AuthProviderName = "better_auth";

/** Every output the resource class exposes. */
export const authIntegrationOutputNames = [
  "projectId", "branchId", "databaseName", "authProvider", "oauthProviders", "trustedDomains", "allowLocalhost",
  "deleteDataOnDestroy", "adoptExisting",
  "authProviderProjectId", "jwksUrl", "baseUrl", "schemaName", "tableName", "createdAt",
  "pubClientKey", "secretServerKey",
] as const;

/**
 * Output names Pulumi must store as secrets. `oauthProviders` holds the declared client secrets
 * (the only way to notice a changed one: Neon never returns them), so the whole list is secret.
 */
export const authIntegrationSecretOutputs = ["pubClientKey", "secretServerKey", "oauthProviders"] as const;

/** An OAuth provider in canonical form: sorted keys, no undefined members. */
function canonicalProvider(p: Partial<OAuthProviderInputs>): Record<string, string> {
  const out: Record<string, string> = { id: String(p.id) };
  if (p.clientId !== undefined) out.clientId = p.clientId;
  if (p.clientSecret !== undefined) out.clientSecret = p.clientSecret;
  return out;
}

/** Provider lists compare as sets keyed by id: the order of the declaration means nothing to Neon. */
export function canonicalProviders(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((p) => canonicalProvider(p as OAuthProviderInputs)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const authIntegrationDiffFields: readonly DiffField[] = [
  { name: "projectId", replaces: true },
  { name: "branchId", replaces: true },
  { name: "databaseName", replaces: true },
  { name: "authProvider", replaces: true },
  { name: "oauthProviders", normalize: canonicalProviders },
  { name: "trustedDomains", normalize: normalize.unorderedStrings },
  { name: "allowLocalhost" },
  // Only changes what a later destroy does: an update that makes no API call.
  { name: "deleteDataOnDestroy" },
  // adoptExisting is read at create only.
];

export function authIntegrationDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  return diffDeclared(olds, news, authIntegrationDiffFields);
}

export function authEnableBody(inputs: Pick<AuthIntegrationInputs, "authProvider" | "databaseName">): NeonAuthEnableRequest {
  return definedFields<NeonAuthEnableRequest>({ auth_provider: inputs.authProvider ?? defaultAuthProvider, database_name: inputs.databaseName });
}

/** A provider as Neon lists it, reduced to what we may store in plain sight (never a client secret). */
export interface LiveOAuthProvider {
  id: string;
  clientId?: string;
}

export function liveProvider(p: NeonAuthOAuthProvider): LiveOAuthProvider {
  return p.client_id ? { id: p.id, clientId: p.client_id } : { id: p.id };
}

/**
 * The client secret we last set for a provider, if it still applies: same provider, same client
 * id. A client id changed outside Pulumi makes the secret unknown, so the diff will set it again.
 */
export function knownClientSecret(known: readonly Partial<OAuthProviderInputs>[], live: LiveOAuthProvider): string | undefined {
  const match = known.find((k) => k.id === live.id && k.clientId === live.clientId && live.clientId !== undefined);
  return match?.clientSecret;
}

export interface OAuthProviderPlan {
  /** Run first, so a provider can be re-added in another mode. */
  remove: OAuthProviderId[];
  add: NeonAuthOAuthProviderAddRequest[];
  update: { id: OAuthProviderId; body: NeonAuthOAuthProviderUpdateRequest }[];
}

/**
 * The calls that make Neon's providers equal the declared list: remove what is not declared, add
 * what is missing, PATCH only the fields that differ. Going from your own app back to Neon's shared
 * one cannot be expressed as a PATCH (Neon keeps the credentials), so it is a remove and an add.
 */
export function oauthProviderPlan(
  live: readonly LiveOAuthProvider[],
  known: readonly Partial<OAuthProviderInputs>[],
  declared: readonly OAuthProviderInputs[],
): OAuthProviderPlan {
  const plan: OAuthProviderPlan = { remove: [], add: [], update: [] };
  for (const want of declared) {
    const have = live.find((l) => l.id === want.id);
    const ownApp = want.clientId !== undefined;
    if (!have) {
      plan.add.push(ownApp ? { id: want.id, client_id: want.clientId, client_secret: want.clientSecret } : { id: want.id });
    } else if (!ownApp) {
      if (have.clientId !== undefined) {
        plan.remove.push(want.id);
        plan.add.push({ id: want.id });
      }
    } else {
      const body = definedFields<NeonAuthOAuthProviderUpdateRequest>({
        client_id: want.clientId !== have.clientId ? want.clientId : undefined,
        client_secret: want.clientSecret !== knownClientSecret(known, have) ? want.clientSecret : undefined,
      });
      if (sendsAnything(body)) plan.update.push({ id: want.id, body });
    }
  }
  for (const have of live) {
    if (!declared.some((d) => d.id === have.id)) plan.remove.push(have.id as OAuthProviderId);
  }
  return plan;
}

export interface TrustedDomainPlan {
  add: string[];
  remove: string[];
}

export function trustedDomainPlan(live: readonly string[], declared: readonly string[]): TrustedDomainPlan {
  return { add: declared.filter((d) => !live.includes(d)), remove: live.filter((d) => !declared.includes(d)) };
}

/** The lists and flag the program may declare, as Neon has them (only the declared ones are read and reported). */
export interface AuthLists {
  oauthProviders?: LiveOAuthProvider[];
  trustedDomains?: string[];
  allowLocalhost?: boolean;
}

/** What the resource knows about the integration after talking to Neon. */
export interface AuthView extends AuthLists {
  integration: NeonAuthIntegration;
}

/** Values Neon returns once (at enable) or never: carried from create into every later output. */
export interface AuthCarried {
  pubClientKey?: string;
  secretServerKey?: string;
  schemaName?: string;
  tableName?: string;
  /** The OAuth providers with the client secrets last set. */
  knownProviders?: Partial<OAuthProviderInputs>[];
  deleteDataOnDestroy?: boolean;
  adoptExisting?: boolean;
}

export function carriedFromCreate(created: NeonAuthCreated): AuthCarried {
  return {
    pubClientKey: created.pub_client_key,
    secretServerKey: created.secret_server_key,
    ...(created.schema_name ? { schemaName: created.schema_name } : {}),
    ...(created.table_name ? { tableName: created.table_name } : {}),
  };
}

export function carriedFromOutputs(props: Record<string, unknown>): AuthCarried {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    pubClientKey: str(props.pubClientKey),
    secretServerKey: str(props.secretServerKey),
    schemaName: str(props.schemaName),
    tableName: str(props.tableName),
    knownProviders: Array.isArray(props.oauthProviders) ? (props.oauthProviders as Partial<OAuthProviderInputs>[]) : [],
    deleteDataOnDestroy: props.deleteDataOnDestroy === true,
    adoptExisting: props.adoptExisting === true ? true : undefined,
  };
}

/**
 * Outputs: live values for every input field (overlaid with the declared inputs after a create or
 * update, so a second `up` compares equal), plus the integration's values and the carried keys.
 * `branchId` is the live branch: after a restore of the default branch it is the new branch's id,
 * and it is only compared when the user declared it.
 */
export function authIntegrationOutputs(
  view: AuthView,
  projectId: string,
  carried: AuthCarried,
  declared: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const i = view.integration;
  const known = carried.knownProviders ?? [];
  const live: Record<string, unknown> = {
    projectId,
    branchId: i.branch_id,
    databaseName: i.db_name,
    authProvider: i.auth_provider,
    ...(view.oauthProviders === undefined
      ? {}
      : { oauthProviders: view.oauthProviders.map((p) => canonicalProvider({ ...p, clientSecret: knownClientSecret(known, p) } as OAuthProviderInputs)) }),
    ...(view.trustedDomains === undefined ? {} : { trustedDomains: view.trustedDomains }),
    ...(view.allowLocalhost === undefined ? {} : { allowLocalhost: view.allowLocalhost }),
  };
  const out = echoDeclared(live, declared);
  out.deleteDataOnDestroy = (declared?.deleteDataOnDestroy as boolean | undefined) ?? carried.deleteDataOnDestroy ?? false;
  if (declared?.adoptExisting === true || carried.adoptExisting === true) out.adoptExisting = true;
  Object.assign(out, {
    authProviderProjectId: i.auth_provider_project_id,
    jwksUrl: i.jwks_url,
    baseUrl: i.base_url,
    createdAt: i.created_at,
    schemaName: carried.schemaName,
    tableName: carried.tableName,
    pubClientKey: carried.pubClientKey,
    secretServerKey: carried.secretServerKey,
  });
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}

/** Declared fields an existing integration cannot be made to match without replacing it. */
export function adoptionMismatches(integration: NeonAuthIntegration, inputs: AuthIntegrationInputs): string[] {
  const problems: string[] = [];
  if (inputs.databaseName !== undefined && inputs.databaseName !== integration.db_name) {
    problems.push(`databaseName: the integration uses database ${integration.db_name}, not ${inputs.databaseName}`);
  }
  if (inputs.authProvider !== undefined && inputs.authProvider !== integration.auth_provider) {
    problems.push(`authProvider: the integration uses ${integration.auth_provider}, not ${inputs.authProvider}`);
  }
  return problems;
}

/** Why create stops when Neon Auth is already on the branch, and what the user can do about it. */
export function alreadyEnabledMessage(integration: NeonAuthIntegration, projectId: string, branchId: string): string {
  return (
    `Neon Auth is already enabled on branch ${branchId} of project ${projectId} ` +
    `(${integration.auth_provider}, database ${integration.db_name}${integration.created_at ? `, since ${integration.created_at}` : ""}). ` +
    `Set adoptExisting: true to manage it with this resource (Neon cannot return its keys again, so pubClientKey and ` +
    `secretServerKey stay unset), or disable it first to let this resource enable it with new keys.`
  );
}
