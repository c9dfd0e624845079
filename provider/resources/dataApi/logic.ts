/**
 * DataApi's policy, as pure functions tested without Pulumi or the network: the create and PATCH
 * bodies, the diff and its replace keys, and outputs from Neon's responses.
 *
 * What Neon lets us see decides what is an update and what drift can be detected: its GET returns
 * the URL, status, settings and available schemas, and its PATCH takes only settings. So settings
 * update in place and their drift shows on refresh; the auth options (`authProvider`, `jwksUrl`,
 * `jwtAudience`, `providerName`, `addDefaultGrants`, `skipAuthSchema`) are set at creation, cannot
 * be read back (their outputs echo what was declared) and replace the Data API when they change.
 */
import type { DataApiCreateRequest, DataApiUpdateRequest } from "../../client/requests";
import type { DataApi, DataApiSettings } from "../../client/schemas/dataApi";
import { definedFields, inInputNames, inNeonNames } from "../common/requestBody";
import { declaredKey, declaredNames, echoDeclared } from "../common/declared";
import { diffDeclared, matchesDeclared, type DiffField, type DiffOutcome } from "../common/diff";
import { defaultDatabaseName, type DataApiInputs, type DataApiSettingsInputs } from "./args";

/** Every output the resource class exposes. */
export const dataApiOutputNames = [
  "projectId", "branchId", "databaseName", "authProvider", "jwksUrl", "jwtAudience", "providerName",
  "addDefaultGrants", "skipAuthSchema", "settings", "adoptExisting",
  "url", "status", "availableSchemas",
] as const;

/** Options Neon takes only at creation and never returns. */
export const creationOnlyFields = ["authProvider", "jwksUrl", "jwtAudience", "providerName", "addDefaultGrants", "skipAuthSchema"] as const;

export const dataApiDiffFields: readonly DiffField[] = [
  { name: "projectId", replaces: true },
  { name: "branchId", replaces: true },
  { name: "databaseName", replaces: true },
  ...creationOnlyFields.map((name) => ({ name, replaces: true })),
  // Only the declared settings count (Neon fills in the rest); schema order matters to PostgREST.
  { name: "settings" },
  // adoptExisting is read at create only.
];

export function dataApiDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  return diffDeclared(olds, news, dataApiDiffFields);
}

/** Declared settings in Neon's request form. */
type DataApiSettingsRequest = NonNullable<DataApiCreateRequest["settings"]>;

const settingNames: Record<keyof DataApiSettingsInputs, keyof DataApiSettingsRequest & keyof DataApiSettings & string> = {
  dbSchemas: "db_schemas",
  dbMaxRows: "db_max_rows",
  dbAnonRole: "db_anon_role",
  dbAggregatesEnabled: "db_aggregates_enabled",
  dbExtraSearchPath: "db_extra_search_path",
  jwtRoleClaimKey: "jwt_role_claim_key",
  jwtCacheMaxLifetime: "jwt_cache_max_lifetime",
  openapiMode: "openapi_mode",
  serverCorsAllowedOrigins: "server_cors_allowed_origins",
  serverTimingEnabled: "server_timing_enabled",
};

export function settingsToApi(s: DataApiSettingsInputs): DataApiSettingsRequest {
  return inNeonNames(settingNames, s) as DataApiSettingsRequest;
}

/** Neon's settings in input form; settings this package does not know are left out. */
export function settingsFromApi(s: DataApiSettings | null | undefined): DataApiSettingsInputs {
  return s ? (inInputNames(settingNames, s) as DataApiSettingsInputs) : {};
}

export function dataApiCreateBody(inputs: DataApiInputs): DataApiCreateRequest {
  return definedFields<DataApiCreateRequest>({
    auth_provider: inputs.authProvider,
    jwks_url: inputs.jwksUrl,
    provider_name: inputs.providerName,
    jwt_audience: inputs.jwtAudience,
    add_default_grants: inputs.addDefaultGrants,
    skip_auth_schema: inputs.skipAuthSchema,
    settings: inputs.settings !== undefined ? settingsToApi(inputs.settings) : undefined,
  });
}

/**
 * The PATCH body for declared settings that differ from `current` (Neon's settings in input form),
 * or undefined when nothing needs changing. Undeclared settings are never sent.
 */
export function dataApiUpdateBody(current: DataApiSettingsInputs, news: DataApiInputs): DataApiUpdateRequest | undefined {
  if (news.settings === undefined) return undefined;
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news.settings)) {
    if (v !== undefined && !matchesDeclared(v, (current as Record<string, unknown>)[k])) changed[k] = v;
  }
  return Object.keys(changed).length > 0 ? { settings: settingsToApi(changed as DataApiSettingsInputs) } : undefined;
}

/** Where the Data API lives, as resolved for this call. */
export interface DataApiLocation {
  projectId: string;
  /** The branch it is on now (for the default branch: the current one). */
  branchId: string;
  databaseName: string;
}

export function databaseNameOf(inputs: Pick<DataApiInputs, "databaseName">): string {
  return inputs.databaseName ?? defaultDatabaseName;
}

/**
 * Outputs: live values for the location and settings (overlaid with the declared inputs after a
 * create or update, so a second `up` compares equal), the creation-only options as declared (from
 * `creationOptions`: the inputs, or the previous outputs on read), and the API's URL and status.
 */
export function dataApiOutputs(
  api: DataApi,
  location: DataApiLocation,
  creationOptions: Record<string, unknown>,
  declared: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const live: Record<string, unknown> = {
    projectId: location.projectId,
    branchId: location.branchId,
    databaseName: location.databaseName,
    settings: settingsFromApi(api.settings),
  };
  const out = echoDeclared(live, declared);
  for (const name of creationOnlyFields) if (creationOptions[name] !== undefined) out[name] = creationOptions[name];
  if (creationOptions.adoptExisting === true) out.adoptExisting = true;
  Object.assign(out, { url: api.url, status: api.status, availableSchemas: api.available_schemas ?? [] });
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}

/** What create does when the outcome of creating the Data API is unknown and there is one now. */
export function unknownOutcomeMessage(): string {
  return (
    `there is a Data API there now. Neon does not say when a Data API was created, so it cannot be told from one that existed before: ` +
    `it is managed as adopted (the declared settings applied; released, not deleted, on destroy).`
  );
}

/** Why create stops when the database already has a Data API, and what the user can do about it. */
export function alreadyEnabledMessage(location: DataApiLocation): string {
  return (
    `the Data API is already enabled for database ${location.databaseName} on branch ${location.branchId} of project ${location.projectId}. ` +
    `Set adoptExisting: true to manage it with this resource, or delete it first.`
  );
}
