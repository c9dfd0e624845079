/**
 * A branch of the app's Neon project for one pull request (the stack `pr-<number>`), with its own
 * compute, that Neon deletes by itself after its TTL if the pull request is never closed.
 *
 * Config (namespace `pr`):
 *   pr:projectId  the app's Neon project (required; the workflow passes it)
 *   pr:ttl        how long the branch may live: 7d, 12h, … (default 3d)
 */
import * as pulumi from "@pulumi/pulumi";
import { Branch, Endpoint, parseTtl } from "neon-pulumi-dynamic";

export async function pullRequestBranchProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("pr");
  const stack = pulumi.getStack();
  const number = /^pr-(\d+)$/.exec(stack)?.[1];
  if (!number) throw new pulumi.RunError(`the stack must be named pr-<pull request number>, got "${stack}"`);
  const ttl = config.get("ttl") ?? "3d";
  const ttlSeconds = parseTtl(ttl);
  if (ttlSeconds === undefined) throw new pulumi.RunError(`pr:ttl: must be a duration such as 3d, 12h or 30m, got "${ttl}"`);

  const projectId = config.require("projectId");
  const branch = new Branch("branch", { projectId, name: `pr-${number}`, ttlSeconds });
  const compute = new Endpoint("compute", { projectId, branchId: branch.branchId, type: "read_write", autoscalingLimitMaxCu: 1 });

  return { branchId: branch.branchId, branchName: branch.name, host: compute.host, expiresAt: branch.expiresAt };
}
