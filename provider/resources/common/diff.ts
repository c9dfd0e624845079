/**
 * `diff` for every resource: pure (no API calls, so previews of thousands of tenants cost
 * nothing), and it compares only what the user declared. `olds` are the stored outputs (Pulumi
 * passes old outputs, not old inputs, to dynamic providers), which echo the inputs, so a field the
 * user sets is compared with the value it had; server-filled values never cause a diff.
 */
import { isUnknown } from "./unknown";

export interface DiffField {
  /** Input property name (camelCase). */
  name: string;
  /** A change Neon cannot apply in place: the resource must be replaced (and its data with it). */
  replaces?: boolean;
  /** Maps a value to a canonical form before comparing (e.g. timestamps, sorted sets). */
  normalize?: (value: unknown) => unknown;
}

export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  /** Field names whose values differ, for messages and tests. */
  changed: string[];
  deleteBeforeReplace?: boolean;
}

export function diffDeclared(olds: Record<string, unknown>, news: Record<string, unknown>, fields: readonly DiffField[]): DiffOutcome {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const field of fields) {
    const next = news[field.name];
    // Not declared now: the user stopped managing it. Nothing is changed in Neon (and nothing is
    // replaced), rather than guessing a default to go back to.
    if (next === undefined) continue;
    const prev = olds[field.name];
    const differs = isUnknownDeep(next) || !matchesDeclared(normalized(field, next), normalized(field, prev));
    if (!differs) continue;
    changed.push(field.name);
    if (field.replaces) replaces.push(field.name);
  }
  return { changes: changed.length > 0, replaces, changed };
}

function normalized(field: DiffField, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  return field.normalize ? field.normalize(value) : value;
}

function isUnknownDeep(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(isUnknownDeep);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknownDeep);
  return false;
}

/**
 * True when everything declared equals the stored value. Inside objects only the declared keys
 * count (Neon fills in others); arrays and scalars compare whole.
 */
export function matchesDeclared(declared: unknown, actual: unknown): boolean {
  if (declared !== null && typeof declared === "object" && !Array.isArray(declared)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    return Object.entries(declared).every(([k, v]) => v === undefined || matchesDeclared(v, (actual as Record<string, unknown>)[k]));
  }
  return deepEqual(declared, actual);
}

/** Structural equality where `undefined` members equal missing ones. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) < 1e-9;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  return false;
}

/** Normalizers shared by resources. */
export const normalize = {
  /** Timestamps compare as instants: `2026-01-01T00:00:00Z` equals `2026-01-01T00:00:00.000+00:00`. */
  timestamp: (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : v),
  /** Lists whose order means nothing (IPs, domains). */
  unorderedStrings: (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v),
};
