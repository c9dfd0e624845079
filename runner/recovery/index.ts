/**
 * Recovery of creates an interrupted update left pending, before the next command runs.
 *
 * When the engine dies after Neon accepted a create but before the engine recorded it, the state
 * keeps a pending create without an id; a plain `pulumi up` then creates the object a second time
 * (a second project of the same name, a second snapshot) or fails on Neon's 409 (a branch). For
 * each pending create of ours, the runner asks the resource's own recovery (provider/resources/
 * recovery.ts) for the object Neon made for it under the ownership rule: made since the interrupted
 * update began, judged on Neon's clock, the only candidate, not one the state (or another pending
 * create) already has. It waits for that object's operations and records it in the state as the
 * stack's own (destroy deletes it), with the outputs a create would have given; a pending create
 * Neon has nothing for is dropped.
 *
 * The state is exported and imported through the CLI (`pulumi stack export/import`: the Node
 * Automation API has no import of pending creates, and the CLI's `refresh --import-pending-creates`
 * needs ids the runner would have to find anyway, then reads through a provider read that cannot
 * give a create's one-time secrets). `stack import` clears *every* pending operation, so the state
 * is imported only when each pending create is settled (or the caller asked to discard the rest):
 * otherwise nothing is written and the next run starts over, finding the same objects again.
 */
import type { NeonClient } from "../../provider/client/neonClient";
import { ResourceInitFailure } from "../../provider/resources/common/initFailure";
import { interruptedUpdate } from "../../provider/resources/common/ownership";
import { createRecoveryByType } from "../../provider/resources/recovery";
import { PendingCreateError, RunnerError } from "../errors";
import { pendingCreates, withSettledCreates, type Deployment, type PendingCreateOutcome } from "./pendingCreates";

export interface ExportedState {
  version: number;
  deployment: Deployment;
}

export interface RecoveryTarget {
  stackName: string;
  /** Whether the state has pending creates, when that can be seen without the CLI (file backend); undefined: export to see. */
  hasPendingCreates(): boolean | undefined;
  exportState(): Promise<ExportedState>;
  importState(state: ExportedState): Promise<void>;
  /** A client as the stack's providers make it (its config and environment). */
  neonClient(): Promise<NeonClient>;
  /** When the interrupted update began on this host's wall clock; undefined: not known. */
  interruptedAtMs: number | undefined;
  /** Drop pending creates that could not be settled (and those of other providers), as Pulumi's `--clear-pending-creates` does. */
  discardUnsettled?: boolean;
  log(line: string): void;
  nowWallMs?: () => number;
}

export interface RecoveryReport {
  recorded: { urn: string; id: string }[];
  dropped: string[];
}

export async function recoverPendingCreates(target: RecoveryTarget): Promise<RecoveryReport> {
  const report: RecoveryReport = { recorded: [], dropped: [] };
  if (target.hasPendingCreates() === false) return report;
  const state = await target.exportState();
  const pending = pendingCreates(state.deployment);
  if (pending.length === 0) return report;

  const client = await target.neonClient();
  const outcomes: PendingCreateOutcome[] = [];
  const unsettled: { urn: string; why: string }[] = [];
  // Ids the state records, by type; each object claimed here joins them, so two pending creates never claim the same one.
  const known = new Map<string, Set<string>>();
  for (const r of state.deployment.resources ?? []) if (r.id) known.set(r.type, (known.get(r.type) ?? new Set()).add(r.id));
  for (const create of pending) {
    const name = create.urn.slice(create.urn.lastIndexOf("::") + 2);
    const recovery = createRecoveryByType[create.type];
    if (!recovery) {
      unsettled.push({ urn: create.urn, why: `a pending create of another provider (${create.type}), not this package's to settle` });
      continue;
    }
    const ofType = known.get(create.type) ?? new Set<string>();
    known.set(create.type, ofType);
    const outcome = interruptedUpdate(client, name, target.interruptedAtMs, target.nowWallMs, ofType);
    let created: PendingCreateOutcome["created"];
    try {
      created = await recovery.fromRecordedInputs(client, create.inputs, outcome);
    } catch (err) {
      if (!(err instanceof ResourceInitFailure)) {
        unsettled.push({ urn: create.urn, why: err instanceof Error ? err.message : String(err) });
        continue;
      }
      // Found and claimed, but finishing it failed: recorded as the engine records a partial create
      // (the next update completes it), so nothing claimed, and no key renewed, is lost.
      created = { id: err.id, outs: err.properties };
      target.log(`${name}: ${err.message}`);
    }
    outcomes.push({ urn: create.urn, created });
    if (created) {
      ofType.add(created.id);
      report.recorded.push({ urn: create.urn, id: created.id });
      target.log(`${name}: the interrupted update had created ${created.id}; recorded it as this stack's (destroy deletes it)`);
    } else {
      report.dropped.push(create.urn);
      target.log(`${name}: the interrupted update had not created it; the pending create is dropped`);
    }
  }
  if (unsettled.length > 0 && !target.discardUnsettled) {
    // `stack import` would clear these too: nothing is written, and the next run starts over.
    throw new PendingCreateError(
      `stack ${target.stackName}: an interrupted update left creates that cannot be settled safely, so nothing was run and the state was left as it is:\n  ${unsettled.map((u) => `${u.urn}: ${u.why}`).join("\n  ")}\n` +
        "Once you have adopted or removed the objects named, run again with --discard-pending-creates (runner option discardPendingCreates) to drop the pending creates that are left.",
    );
  }
  for (const u of unsettled) {
    outcomes.push({ urn: u.urn, created: undefined });
    report.dropped.push(u.urn);
    target.log(`dropped without recovery, as asked: ${u.urn}: ${u.why}`);
  }

  // Written back only if no update changed the state while Neon was asked (it would be overwritten).
  const again = await target.exportState();
  if (JSON.stringify(again.deployment) !== JSON.stringify(state.deployment)) {
    throw new RunnerError(`stack ${target.stackName}: the state changed while its interrupted creates were being settled (another update ran); nothing was written: run again`);
  }
  const deployment = withSettledCreates(state.deployment, outcomes, new Date((target.nowWallMs ?? Date.now)()).toISOString());
  await target.importState({ ...state, deployment });
  return report;
}
