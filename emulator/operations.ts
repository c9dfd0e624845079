/**
 * The operation lifecycle. Neon runs every change asynchronously: a mutation returns operations
 * that move scheduling → running → finished (or failed/error). Here an operation's status is a
 * pure function of the clock and its timings, so nothing runs in the background and a manual clock
 * moves operations forward. Effects (a compute becoming active, a branch becoming ready) are applied
 * when a request first observes the operation as finished.
 */
import type { NeonSchema } from "../spec/types";
import { asSpecified } from "./specShape";
import { isoSeconds } from "./clock";
import { newOperationId } from "./ids";
import type { EndpointData, OperationEffect, OperationRecord, ProjectRecord } from "./store";

export type OperationStatus =
  | "scheduling"
  | "running"
  | "finished"
  | "failed"
  | "error"
  | "cancelling"
  | "cancelled"
  | "skipped";

const terminalStatuses: ReadonlySet<OperationStatus> = new Set(["finished", "failed", "error", "cancelled", "skipped"]);

export function isTerminalOperationStatus(status: OperationStatus): boolean {
  return terminalStatuses.has(status);
}

export function operationStatusAt(op: OperationRecord, now: number): OperationStatus {
  if (now < op.running_at_ms) return "scheduling";
  if (now < op.end_at_ms) return "running";
  return op.outcome;
}

/** How the next operations of a project end or how long they take: set by fault injection. */
export interface OperationPlan {
  outcome: OperationRecord["outcome"];
  durationFactor: number;
}

export interface OperationScheduler {
  /** Duration of one operation from creation to its end, in ms (Neon: hundreds of ms to seconds). */
  operationDelayMs: number;
  now(): number;
  /** Consumes one planned outcome for the project (fault injection); default: finished, normal speed. */
  nextPlan(projectId: string): OperationPlan;
}

export interface NewOperation {
  action: NeonSchema<"OperationAction">;
  branchId?: string;
  endpointId?: string;
  effects?: OperationEffect[];
}

/**
 * Adds operations to a project. They run one after another, as Neon serialises a project's
 * operations: each starts when the previous one ends.
 */
export function scheduleOperations(
  record: ProjectRecord,
  scheduler: OperationScheduler,
  ops: NewOperation[],
): OperationRecord[] {
  const now = scheduler.now();
  // A project's operations end in creation order, so the last one marks the end of the queue.
  let queueEnd = Math.max(now, record.operations.at(-1)?.end_at_ms ?? 0);
  const created: OperationRecord[] = [];
  for (const op of ops) {
    const plan = scheduler.nextPlan(record.project.id);
    const duration = Math.round(scheduler.operationDelayMs * plan.durationFactor);
    // A fifth of the time is spent queued ("scheduling"), the rest "running".
    const start = queueEnd;
    const rec: OperationRecord = {
      id: newOperationId(),
      project_id: record.project.id,
      branch_id: op.branchId,
      endpoint_id: op.endpointId,
      action: op.action,
      created_at_ms: now,
      running_at_ms: start + Math.round(duration / 5),
      end_at_ms: start + duration,
      outcome: plan.outcome,
      effects: op.effects ?? [],
      effects_applied: false,
    };
    queueEnd = rec.end_at_ms;
    record.operations.push(rec);
    created.push(rec);
  }
  settleOperations(record, now);
  forgetOldOperations(record);
  return created;
}

/**
 * How many operations a project keeps. Neon deletes operations older than six months; here the
 * oldest settled ones go once a project has more than this, so a long-running local API (and the
 * copy each change makes of its project) does not grow without bound.
 */
export const operationsKeptPerProject = 1000;

function forgetOldOperations(record: ProjectRecord): void {
  const excess = record.operations.length - operationsKeptPerProject;
  if (excess <= 0) return;
  // Settled operations form a prefix of the list (they end in order); only those may go.
  let removable = 0;
  while (removable < excess && record.operations[removable].effects_applied) removable++;
  if (removable > 0) record.operations.splice(0, removable);
}

/** True while the project has an operation that is not terminal: conflicting mutations get 423. */
export function hasRunningOperations(record: ProjectRecord, now: number): boolean {
  // Operations end in creation order: the project is busy exactly while its last one is.
  const last = record.operations.at(-1);
  return last !== undefined && !isTerminalOperationStatus(operationStatusAt(last, now));
}

/** Applies the effects of operations that have finished since the project was last looked at. */
export function settleOperations(record: ProjectRecord, now: number): void {
  // Applied operations form a prefix of the list (they end in order): start after it.
  const ops = record.operations;
  let first = ops.length;
  while (first > 0 && !ops[first - 1].effects_applied) first--;
  for (let i = first; i < ops.length; i++) {
    const op = ops[i];
    if (now < op.end_at_ms) break;
    op.effects_applied = true;
    if (op.outcome !== "finished") {
      // A failed start leaves the compute where it was; the branch still becomes usable.
      for (const effect of op.effects) if (effect.kind === "branch_ready") applyEffect(record, effect, op.end_at_ms);
      continue;
    }
    for (const effect of op.effects) applyEffect(record, effect, op.end_at_ms);
  }
}

function applyEffect(record: ProjectRecord, effect: OperationEffect, at: number): void {
  const when = isoSeconds(at);
  switch (effect.kind) {
    case "endpoint_state": {
      const ep: EndpointData | undefined = record.endpoints[effect.endpointId];
      if (!ep) return;
      ep.current_state = effect.state;
      delete ep.pending_state;
      if (effect.state === "active") ep.started_at = when;
      else ep.suspended_at = when;
      return;
    }
    case "branch_ready": {
      const br = record.branches[effect.branchId]?.branch;
      if (!br) return;
      br.current_state = "ready";
      delete br.pending_state;
      br.state_changed_at = when;
      return;
    }
  }
}

export function renderOperation(op: OperationRecord, now: number): NeonSchema<"Operation"> {
  const status = operationStatusAt(op, now);
  const terminal = isTerminalOperationStatus(status);
  const failed = status === "failed" || status === "error";
  const updatedAt = terminal ? op.end_at_ms : status === "running" ? op.running_at_ms : op.created_at_ms;
  return asSpecified("Operation", {
    id: op.id,
    project_id: op.project_id,
    ...(op.branch_id ? { branch_id: op.branch_id } : {}),
    ...(op.endpoint_id ? { endpoint_id: op.endpoint_id } : {}),
    action: op.action,
    status,
    ...(failed ? { error: `operation ${op.action} ${status} (injected by the local Neon API)` } : {}),
    failures_count: failed ? 1 : 0,
    created_at: isoSeconds(op.created_at_ms),
    updated_at: isoSeconds(updatedAt),
    total_duration_ms: terminal ? op.end_at_ms - op.created_at_ms : Math.max(0, now - op.created_at_ms),
  });
}
