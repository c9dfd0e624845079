/**
 * Request bodies as the spec types them. A resource lists every field it may send in one object
 * literal typed by Neon's spec (the body type comes from the call's context or the type argument,
 * never from the literal; `& object` keeps an optional part of a body, `X | undefined` in its
 * context, from typing the literal as any object), so a field Neon renames or retypes in its spec
 * fails to compile where the body is built. Fields left `undefined` are not sent: Neon reads an
 * absent field as "keep" or "default", which is what an undeclared or unchanged input means.
 */
export function definedFields<Body>(fields: NoInfer<Body & object>): Body & object {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name] = value;
  return out as Body & object;
}

/** Whether a body built by `definedFields` sends anything. */
export function sendsAnything(body: object): boolean {
  return Object.keys(body).length > 0;
}

/**
 * Groups of settings whose input names map one to one onto Neon's (a project's quotas, the Data
 * API's settings) go through a table of names, checked against the spec where it is declared; the
 * values pass as they are. The declared fields in Neon's names (undefined ones are not sent):
 */
export function inNeonNames(names: Readonly<Record<string, string>>, value: object): Record<string, unknown> {
  const fields = value as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [name, neonName] of Object.entries(names)) if (fields[name] !== undefined) out[neonName] = fields[name];
  return out;
}

/** Neon's fields in input names; those the table does not know, or Neon leaves out or null, are left out. */
export function inInputNames(names: Readonly<Record<string, string>>, value: object): Record<string, unknown> {
  const fields = value as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [name, neonName] of Object.entries(names)) if (fields[neonName] !== undefined && fields[neonName] !== null) out[name] = fields[neonName];
  return out;
}
