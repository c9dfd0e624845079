/**
 * Waits for Neon operations: polls only the ones not yet terminal, first after a short delay, then
 * less often up to a cap, all under one deadline.
 */
import type { Clock } from "../clock";
import { operationOutcome } from "../operationStatus";
import type { Operation } from "../schemas/common";
import { operationFailedError, operationTimeoutError, operationWaitAbortedError } from "./errorFactory";

export interface OperationWaitPolicy {
  /** Delay before the first poll; operations are rarely done the moment they are returned. */
  readonly firstPollDelayMs: number;
  /** Each poll waits `backoffFactor` times longer than the previous one, up to this cap. */
  readonly maxPollIntervalMs: number;
  readonly backoffFactor: number;
  /** Give up (NeonOperationTimeoutError) after this long in total. */
  readonly deadlineMs: number;
}

export const defaultOperationWaitPolicy: OperationWaitPolicy = {
  firstPollDelayMs: 200,
  maxPollIntervalMs: 5_000,
  backoffFactor: 1.5,
  // Generous on purpose: most operations take seconds, but a restore or a busy region can take
  // minutes, and giving up early leaves a resource half-created.
  deadlineMs: 15 * 60_000,
};

/** Delay before poll number `poll` (1-based). */
export function pollDelay(poll: number, policy: OperationWaitPolicy): number {
  return Math.min(policy.maxPollIntervalMs, Math.round(policy.firstPollDelayMs * policy.backoffFactor ** (poll - 1)));
}

export interface OperationWaitDeps {
  readonly getOperation: (projectId: string, operationId: string, signal: AbortSignal | undefined) => Promise<Operation>;
  readonly clock: Clock;
  readonly policy: OperationWaitPolicy;
  readonly secrets: readonly string[];
}

/**
 * Resolves with the latest state of every operation (same order, duplicates by id collapsed to
 * their latest state) once all have succeeded; throws NeonOperationFailedError as soon as one fails
 * and NeonOperationTimeoutError at the deadline.
 */
export async function waitForOperations(
  operations: readonly Operation[],
  deps: OperationWaitDeps,
  signal?: AbortSignal,
): Promise<Operation[]> {
  const { clock, policy } = deps;
  const start = clock.now();
  const latest = new Map<string, Operation>();
  for (const operation of operations) latest.set(operation.id, operation);

  let pending = settle([...latest.values()], deps.secrets);
  for (let poll = 1; pending.length > 0; poll += 1) {
    const elapsed = clock.now() - start;
    if (elapsed >= policy.deadlineMs) throw operationTimeoutError(pending, elapsed);
    const first = pending[0]!;
    try {
      await clock.sleep(Math.min(pollDelay(poll, policy), policy.deadlineMs - elapsed), signal);
    } catch (error) {
      throw operationWaitAbortedError(first, deps.secrets, error);
    }
    const refreshed = await Promise.all(pending.map((op) => deps.getOperation(op.project_id, op.id, signal)));
    for (const operation of refreshed) latest.set(operation.id, operation);
    pending = settle(refreshed, deps.secrets);
  }
  return operations.map((operation) => latest.get(operation.id)!);
}

/** Throws for the first failed operation; returns those still pending. */
function settle(operations: readonly Operation[], secrets: readonly string[]): Operation[] {
  const pending: Operation[] = [];
  for (const operation of operations) {
    const outcome = operationOutcome(operation.status);
    if (outcome === "failed") throw operationFailedError(operation, secrets);
    if (outcome === "pending") pending.push(operation);
  }
  return pending;
}
