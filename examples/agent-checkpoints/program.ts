/**
 * An agent's database with checkpoints, as agent platforms use them: take a checkpoint before each
 * risky step, roll the database back to one (or forward again) by naming it in config, and open a
 * checkpoint on a temporary branch to look at it without touching the live database.
 *
 * Config (namespace `agent`):
 *   agent:name         the Neon project's name (default: the stack name)
 *   agent:checkpoints  checkpoint names, e.g. ["turn-1", "turn-2"]
 *   agent:active       the checkpoint the live database is on (unset: left where it is)
 *   agent:inspect      a checkpoint to open on a temporary branch with its own compute
 *   agent:inspectTtl   how long that branch lives, in seconds (default 3600)
 */
import * as pulumi from "@pulumi/pulumi";
import { Branch, Endpoint, NeonProject, Snapshot } from "neon-pulumi-dynamic";

export async function agentCheckpointsProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("agent");
  const name = config.get("name") ?? pulumi.getStack();
  const checkpoints = config.getObject<string[]>("checkpoints") ?? [];
  const active = config.get("active");
  const inspect = config.get("inspect");
  for (const [key, value] of [["agent:active", active], ["agent:inspect", inspect]] as const) {
    if (value !== undefined && !checkpoints.includes(value)) {
      throw new pulumi.RunError(`${key}: must name one of agent:checkpoints (${checkpoints.join(", ") || "none"}), got "${value}"`);
    }
  }

  const project = new NeonProject("database", { name, historyRetentionSeconds: 21600 });

  // One snapshot per checkpoint; the live database (the default branch) is put on the active one in
  // place, so the agent's connection string never changes.
  const snapshots = new Map(
    checkpoints.map((checkpoint) => [
      checkpoint,
      new Snapshot(`checkpoint-${checkpoint}`, { projectId: project.projectId, name: checkpoint, restoreDefaultBranch: checkpoint === active }),
    ]),
  );

  // A checkpoint opened on a temporary branch of its own, which Neon deletes after its TTL.
  let inspectHost: pulumi.Output<string> | undefined;
  if (inspect !== undefined) {
    const branch = new Branch("inspect", {
      projectId: project.projectId,
      name: `inspect-${inspect}`,
      restoreFromSnapshotId: snapshots.get(inspect)!.snapshotId,
      ttlSeconds: config.getNumber("inspectTtl") ?? 3600,
    });
    inspectHost = new Endpoint("inspect-compute", { projectId: project.projectId, branchId: branch.branchId, type: "read_write" }).host;
  }

  return {
    projectId: project.projectId,
    databaseUrl: project.connectionUri, // secret; the same across rollbacks
    checkpointIds: pulumi.output(Object.fromEntries([...snapshots].map(([n, s]) => [n, s.snapshotId]))),
    ...(inspectHost ? { inspectHost } : {}),
  };
}
