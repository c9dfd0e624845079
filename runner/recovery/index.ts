/**
 * Recovery of creates an interrupted update left pending, before the next command runs.
 *
 * When the engine dies after Neon accepted a create but before the engine recorded it, the state
 * keeps a pending create without an id; a plain `pulumi up` then creates the object a second time
 * (a second project of the same name, a second snapshot) or fails on Neon's 409 (a branch). For
 * each pending create of ours, the runner asks the resource's own recovery (provider/resources/
 * recovery.ts) for the object Neon made for it under the ownership rule: made since the interrupted
 * update began, judged on Neon's clock, the only candidate. It waits for that object's operations
 * and records it in the state as the stack's own (destroy deletes it), with the outputs a create
 * would have given; a pending create Neon has nothing for is dropped. The state is exported and
 * imported through the CLI (`pulumi stack export/import`: the Node Automation API has no import of
 * pending creates, and the CLI's `refresh --import-pending-creates` needs ids the runner would have
 * to find anyway, then reads through a provider read that cannot give a create's one-time secrets).
 */
import type { NeonClient } from "../../provider/client/neonClient";
import { interruptedUpdate } from "../../provider/resources/common/ownership";
import { recoverCreateByType } from "../../provider/resources/recovery";
import { PendingCreateError } from "../errors";
import { pendingCreates, withSettledCreates, type Deployment, type PendingCreateOutcome } from "./pendingCreates";

export interface RecoveryTarget {
  stackName: string;
  /** Whether the state has pending creates, when that can be seen without the CLI (file backend); undefined: export to see. */
  hasPendingCreates(): boolean | undefined;
  exportState(): Promise<{ version: number; deployment: Deployment }>;
  importState(state: { version: number; deployment: Deployment }): Promise<void>;
  /** A client as the stack's providers make it (its config and environment). */
  neonClient(): Promise<NeonClient>;
  /** When the interrupted update began on this host's wall clock; undefined: not known. */
  interruptedAtMs: number | undefined;
  /** Drop pending creates that could not be settled, as Pulumi's own `--clear-pending-creates` does. */
  discardUnsettled?: boolean;
  log(line: string): void;
  nowWallMs?: () => number;
}

export interface RecoveryReport {
  recorded: { urn: string; id: string }[];
  dropped: string[];
  /** Pending creates of resources that are not this package's: left to Pulumi. */
  foreign: string[];
}

const emptyReport = (): RecoveryReport => ({ recorded: [], dropped: [], foreign: [] });

export async function recoverPendingCreates(target: RecoveryTarget): Promise<RecoveryReport> {
  const report = emptyReport();
  if (target.hasPendingCreates() === false) return report;
  const state = await target.exportState();
  const pending = pendingCreates(state.deployment);
  if (pending.length === 0) return report;

  // Written back unchanged first: the import takes the stack's lock, so a live update (whose
  // pending creates these are) stops the recovery before it asks Neon anything, and a stale lock
  // is found (and cleared by the caller) before any work is done twice.
  await target.importState(state);
  const client = await target.neonClient();
  const outcomes: PendingCreateOutcome[] = [];
  const refusals: string[] = [];
  for (const create of pending) {
    const recover = recoverCreateByType[create.type];
    if (!recover) {
      report.foreign.push(create.urn);
      continue;
    }
    const name = create.urn.slice(create.urn.lastIndexOf("::") + 2);
    const known = new Set((state.deployment.resources ?? []).filter((r) => r.type === create.type && r.id !== undefined).map((r) => r.id!));
    const outcome = interruptedUpdate(client, name, target.interruptedAtMs, target.nowWallMs, known);
    try {
      const created = await recover(client, create.inputs, outcome);
      outcomes.push({ urn: create.urn, created });
      if (created) {
        report.recorded.push({ urn: create.urn, id: created.id });
        target.log(`${name}: the interrupted update had created ${created.id}; recorded it as this stack's (destroy deletes it)`);
      } else {
        report.dropped.push(create.urn);
        target.log(`${name}: the interrupted update had not created it; the pending create is dropped`);
      }
    } catch (err) {
      if (target.discardUnsettled) {
        outcomes.push({ urn: create.urn, created: undefined });
        report.dropped.push(create.urn);
        target.log(`${name}: dropped without recovery as asked (${err instanceof Error ? err.message : String(err)})`);
      } else {
        refusals.push(`${create.urn}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (outcomes.length > 0) {
    const deployment = withSettledCreates(state.deployment, outcomes, new Date((target.nowWallMs ?? Date.now)()).toISOString());
    await target.importState({ ...state, deployment });
  }
  if (refusals.length > 0) {
    throw new PendingCreateError(
      `stack ${target.stackName}: an interrupted update left creates that cannot be settled safely, so nothing was run:\n  ${refusals.join("\n  ")}\n` +
        "Once you have adopted or removed the object named, run again with --discard-pending-creates (runner option discardPendingCreates) to drop the pending create.",
    );
  }
  return report;
}
