/**
 * Endpoint's policy, as pure functions tested without Pulumi or the network: request bodies from
 * inputs, the diff and its replace keys, the combinations `check` refuses, outputs from Neon's
 * compute, and how a compute found after an ambiguous create is recognised.
 */
import type { EndpointCreateRequest, EndpointUpdateRequest } from "../../client/requests";
import { definedFields, sendsAnything } from "../common/requestBody";
import type { EndpointSettings } from "../../client/schemas/common";
import type { Endpoint } from "../../client/schemas/endpoints";
import type { CheckFailure } from "../common/check";
import { declaredKey, declaredNames, echoDeclared } from "../common/declared";
import { deepEqual, diffDeclared, type DiffField, type DiffOutcome } from "../common/diff";
import { isUnknown } from "../common/unknown";
import { poolerHost } from "../project/logic";
import type { EndpointInputs } from "./args";

/** Every output the resource class exposes. */
export const endpointOutputNames = [
  "projectId", "branchId", "type", "autoscalingLimitMinCu", "autoscalingLimitMaxCu", "suspendTimeoutSeconds",
  "poolerMode", "pgSettings", "provisioner", "disabled",
  "endpointId", "host", "poolerHost", "proxyHost", "currentState", "createdAt",
] as const;

/** A map compared whole (a removed setting is a change), whatever the key order. */
const settingsMapNormalize = (v: unknown) =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => [k, String(x)])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : v;

export const endpointDiffFields: readonly DiffField[] = [
  { name: "projectId", replaces: true },
  // Only when declared: a compute Neon moved (a restore of the default branch) is not replaced.
  { name: "branchId", replaces: true },
  { name: "type", replaces: true },
  { name: "autoscalingLimitMinCu" },
  { name: "autoscalingLimitMaxCu" },
  { name: "suspendTimeoutSeconds" },
  { name: "poolerMode" },
  { name: "pgSettings", normalize: settingsMapNormalize },
  { name: "provisioner" },
  { name: "disabled" },
  // adoptId and adoptDefault are read at create only: changing them later changes nothing.
];

export function endpointDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffOutcome {
  // Create-before-delete is safe for computes: a new one never clashes with the old one (a second
  // read-write compute can only arise on a different branch, where the old one is not).
  return diffDeclared(olds, news, endpointDiffFields);
}

/** Combinations Neon would refuse or that cannot mean anything; values not known yet are let through. */
export function endpointInputFailures(news: Record<string, unknown>): CheckFailure[] {
  const known = (k: string) => news[k] !== undefined && !isUnknown(news[k]);
  const failures: CheckFailure[] = [];
  const min = news.autoscalingLimitMinCu;
  const max = news.autoscalingLimitMaxCu;
  if (typeof min === "number" && typeof max === "number" && min > max) {
    failures.push({ property: "autoscalingLimitMinCu", reason: `must be ≤ autoscalingLimitMaxCu (${min} > ${max})` });
  }
  const suspend = news.suspendTimeoutSeconds;
  if (typeof suspend === "number" && suspend > 0 && suspend < 60) {
    failures.push({ property: "suspendTimeoutSeconds", reason: "must be -1 (never), 0 (Neon's default, 300) or 60–604800" });
  }
  if (news.adoptDefault === true) {
    if (known("adoptId")) failures.push({ property: "adoptDefault", reason: "cannot be combined with adoptId: adopt either a given compute or the default one" });
    if (known("branchId")) failures.push({ property: "branchId", reason: "cannot be combined with adoptDefault, which adopts the default branch's compute" });
    if (news.type === "read_only") failures.push({ property: "type", reason: "adoptDefault adopts the default branch's read-write compute, so type must be read_write" });
  }
  return failures;
}

function pgSettingsOf(settings: EndpointSettings | undefined): Record<string, string> {
  return { ...(settings?.pg_settings ?? {}) };
}

export function endpointCreateBody(inputs: EndpointInputs, branchId: string): EndpointCreateRequest {
  return {
    endpoint: definedFields({
      branch_id: branchId,
      type: inputs.type ?? "read_write",
      autoscaling_limit_min_cu: inputs.autoscalingLimitMinCu,
      autoscaling_limit_max_cu: inputs.autoscalingLimitMaxCu,
      suspend_timeout_seconds: inputs.suspendTimeoutSeconds,
      pooler_mode: inputs.poolerMode,
      settings: inputs.pgSettings !== undefined ? { pg_settings: { ...inputs.pgSettings } } : undefined,
      provisioner: inputs.provisioner,
      disabled: inputs.disabled,
    }),
  };
}

/**
 * The PATCH body for what changed among the declared inputs, or undefined when nothing needs
 * patching. `olds` are the stored outputs. The autoscaling limits travel together (Neon checks
 * min ≤ max against what it has). Only `settings.pg_settings` is sent: Neon merges `settings` key by
 * key, so what this resource does not manage (PgBouncer, preload libraries) stays, and no value
 * read back from Neon is echoed.
 */
export function endpointUpdateBody(olds: Record<string, unknown>, news: EndpointInputs): EndpointUpdateRequest | undefined {
  const changed = (name: keyof EndpointInputs) => news[name] !== undefined && !deepEqual(news[name], olds[name]);
  const limitsChanged = changed("autoscalingLimitMinCu") || changed("autoscalingLimitMaxCu");
  const pgSettingsChanged = news.pgSettings !== undefined && !deepEqual(settingsMapNormalize(news.pgSettings), settingsMapNormalize(olds.pgSettings ?? {}));
  const endpoint = definedFields<EndpointUpdateRequest["endpoint"]>({
    autoscaling_limit_min_cu: limitsChanged ? news.autoscalingLimitMinCu : undefined,
    autoscaling_limit_max_cu: limitsChanged ? news.autoscalingLimitMaxCu : undefined,
    suspend_timeout_seconds: changed("suspendTimeoutSeconds") ? news.suspendTimeoutSeconds : undefined,
    pooler_mode: changed("poolerMode") ? news.poolerMode : undefined,
    provisioner: changed("provisioner") ? news.provisioner : undefined,
    disabled: changed("disabled") ? news.disabled : undefined,
    settings: pgSettingsChanged ? { pg_settings: { ...news.pgSettings } } : undefined,
  });
  return sendsAnything(endpoint) ? { endpoint } : undefined;
}

/**
 * Outputs: live values for every input field (overlaid with the declared inputs after a create or
 * update, so a second `up` compares equal), plus computed values. `branchId` is always the live
 * branch: Neon moves computes when it restores a branch from a snapshot.
 */
export function endpointOutputs(ep: Endpoint, declared: Record<string, unknown> | undefined): Record<string, unknown> {
  const live: Record<string, unknown> = {
    projectId: ep.project_id,
    type: ep.type,
    autoscalingLimitMinCu: ep.autoscaling_limit_min_cu,
    autoscalingLimitMaxCu: ep.autoscaling_limit_max_cu,
    suspendTimeoutSeconds: ep.suspend_timeout_seconds,
    poolerMode: ep.pooler_mode,
    pgSettings: pgSettingsOf(ep.settings),
    provisioner: ep.provisioner,
    disabled: ep.disabled,
  };
  const out = echoDeclared(live, declared);
  if (declared?.adoptId !== undefined) out.adoptId = declared.adoptId;
  if (declared?.adoptDefault !== undefined) out.adoptDefault = declared.adoptDefault;
  Object.assign(out, {
    branchId: ep.branch_id,
    endpointId: ep.id,
    host: ep.host,
    poolerHost: poolerHost(ep.host),
    proxyHost: ep.proxy_host,
    currentState: ep.current_state,
    createdAt: ep.created_at,
  });
  if (declared) out[declaredKey] = declaredNames(declared);
  return out;
}

/** True when the outputs say the compute was adopted (so deleting the resource releases it). */
export function isAdopted(props: Record<string, unknown>): boolean {
  return props.adoptId !== undefined || props.adoptDefault === true;
}


/** The message for Neon's refusal of a second read-write compute on a branch. */
export function readWriteTakenMessage(branchId: string, existing: Pick<Endpoint, "id">): string {
  return (
    `branch ${branchId} already has a read-write compute (${existing.id}) and Neon allows only one per branch. ` +
    `Manage that one instead with \`adoptId: "${existing.id}"\` (or \`adoptDefault: true\` for the default branch), ` +
    'or create a read replica with `type: "read_only"`.'
  );
}
