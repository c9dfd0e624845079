/**
 * Bookkeeping of what the user declared. Outputs echo the declared inputs and keep, under the
 * hidden key `__declared`, the names of the top-level inputs that were set, so `read` (which gets
 * only the old outputs) can give Pulumi back inputs for exactly those fields, with live values.
 */
export const declaredKey = "__declared";

export function declaredNames(inputs: Record<string, unknown>): string[] {
  return Object.keys(inputs)
    .filter((k) => !k.startsWith("__") && inputs[k] !== undefined)
    .sort();
}

/** The names `declaredNames` recorded in a resource's outputs (none for outputs of older versions). */
export function recordedDeclaredNames(outputs: Record<string, unknown>): string[] {
  return Array.isArray(outputs[declaredKey]) ? (outputs[declaredKey] as string[]) : [];
}

/** `live` cut down to the keys of `shape`, recursively through plain objects (arrays are values). */
export function restrictToShape(live: unknown, shape: unknown): unknown {
  if (!isPlainObject(shape) || !isPlainObject(live)) return live;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    if (live[key] !== undefined) out[key] = restrictToShape(live[key], shape[key]);
  }
  return out;
}

/** Declared inputs laid over live values: for nested objects, declared keys win and the rest stays. */
export function overlay(live: unknown, declared: unknown): unknown {
  if (declared === undefined) return live;
  if (!isPlainObject(declared) || !isPlainObject(live)) return declared;
  const out: Record<string, unknown> = { ...live };
  for (const [k, v] of Object.entries(declared)) out[k] = overlay(live[k], v);
  return out;
}

/**
 * A resource's input-named outputs: the live values, each with the declared input laid over it
 * after a create or update (so the next `diff` compares equal), or as they are when reading.
 */
export function echoDeclared(live: Record<string, unknown>, declared: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) out[k] = declared ? overlay(v, declared[k]) : v;
  return out;
}

/**
 * The inputs `read` reports: for each declared top-level field, the live value cut to the shape of
 * its old output. That shape holds the declared keys and, for nested objects such as settings, the
 * keys Neon filled in too (only top-level names are recorded), so those appear among the refreshed
 * inputs; `diff` compares declared keys only, so they never cause a change. A field whose live value
 * cannot be read (a secret Neon never returns) keeps the old output.
 */
export function liveInputs(oldOutputs: Record<string, unknown>, liveOutputs: Record<string, unknown>): Record<string, unknown> {
  const names = recordedDeclaredNames(oldOutputs);
  const inputs: Record<string, unknown> = {};
  for (const name of names) {
    const value = liveOutputs[name] !== undefined ? restrictToShape(liveOutputs[name], oldOutputs[name]) : oldOutputs[name];
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
