/**
 * A tenant's spec and the platform's organizations from Pulumi stack config, as a tenant program
 * reads them: `tenant:<field>` per spec field (the stack name is the default `tenant:id`), and
 * `platform:organizations` (usually in `Pulumi.yaml`, shared by every tenant stack). A `tenant:`
 * key that is not a spec field is refused with the list of fields, like any other spec problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { TenantSpecError, tenantSpecKeys } from "./spec";
import type { TenantOrganizations } from "./tiers";

export const tenantConfigNamespace = "tenant";

/** The raw spec (validate it with TenantEnvironment or parseTenantSpec, prefix `tenant:`). */
export function tenantSpecFromConfig(): Record<string, unknown> {
  const config = new pulumi.Config(tenantConfigNamespace);
  const unknownKeys = Object.keys(pulumi.runtime.allConfig())
    .filter((key) => key.startsWith(`${tenantConfigNamespace}:`))
    .filter((key) => !(tenantSpecKeys as readonly string[]).includes(key.slice(tenantConfigNamespace.length + 1)));
  if (unknownKeys.length > 0) {
    throw new TenantSpecError(
      unknownKeys.map((key) => `${key} is not a setting (the tenant settings are ${tenantSpecKeys.map((k) => `${tenantConfigNamespace}:${k}`).join(", ")})`),
    );
  }
  const raw: Record<string, unknown> = {};
  for (const key of tenantSpecKeys) {
    const value = config.get(key);
    if (value === undefined) continue;
    raw[key] = parseConfigValue(value);
  }
  raw.id ??= pulumi.getStack();
  return raw;
}

/**
 * Stack config values arrive as strings; objects, lists and numbers as their JSON. A string that is
 * not JSON is kept as it is (`tier: paid`); one that reads as JSON of another type (`id: "123"`) is
 * left to the spec's validation to refuse with the key's name.
 */
function parseConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function organizationsFromConfig(): TenantOrganizations {
  return new pulumi.Config("platform").requireObject<TenantOrganizations>("organizations");
}
