/**
 * How many Neon API calls each kind of engine step may make: the budgets of issue 7 ("Hardening
 * and speed"), kept here once and asserted by the engine-driven suites from the local Neon API's
 * request log.
 */
export const callBudgets = {
  /** A preview of an unchanged stack: `check` and `diff` never call Neon. */
  emptyPreview: 0,
  /** An `up` with nothing to change. */
  noOpUp: 0,
  /** A preview of any change: previews run no create, update or delete. */
  previewOfChanges: 0,
  /** `refresh` reads; it never writes. */
  refreshWrites: 0,
} as const;
