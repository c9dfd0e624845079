/**
 * What an object looks like once the operations that created or changed it have all finished:
 * Neon reports the state it is moving to as `pending_state` (a new branch `init` → `ready`, a new
 * compute `init` → `active`), and makes it the `current_state` when they end. Used instead of
 * reading the object back just to see that state, which would cost a call per create.
 */
export function settledState<T extends { readonly current_state?: string; readonly pending_state?: string }>(object: T): T {
  if (object.pending_state === undefined) return object;
  const { pending_state: next, ...rest } = object;
  return { ...rest, current_state: next } as T;
}
