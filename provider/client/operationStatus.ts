/**
 * What each Neon operation status means for a caller waiting on it. The OpenAPI document lists the
 * statuses without saying which are terminal; this follows Neon's docs ("poll until finished,
 * skipped or cancelled") and Neon's own test fixture (waits while scheduling, running, cancelling),
 * and treats `failed` and `error` as failures even though the control plane may retry them later:
 * a resource must not report success for work that has not happened.
 */
export const OPERATION_STATUSES = ["scheduling", "running", "finished", "failed", "error", "cancelling", "cancelled", "skipped"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export type OperationOutcome = "succeeded" | "failed" | "pending";

const OUTCOMES: Readonly<Record<OperationStatus, OperationOutcome>> = {
  finished: "succeeded",
  skipped: "succeeded",
  failed: "failed",
  error: "failed",
  cancelled: "failed",
  scheduling: "pending",
  running: "pending",
  cancelling: "pending",
};

/**
 * A status Neon adds later counts as pending: waiting is bounded by the deadline, and the timeout
 * error names the status, whereas calling it success or failure would be a guess.
 */
export function operationOutcome(status: string): OperationOutcome {
  return Object.hasOwn(OUTCOMES, status) ? OUTCOMES[status as OperationStatus] : "pending";
}

export function isTerminalOperationStatus(status: string): boolean {
  return operationOutcome(status) !== "pending";
}
