/**
 * The tenant project (`Pulumi.yaml` at the root, the TenantEnvironment program in stacks/) through
 * the real Pulumi engine, with the lifecycle Pulumi's own provider tests use: preview, up, an empty
 * preview and a no-op up (zero Neon API calls), refresh (no changes), edits, destroy. Each edit is
 * previewed first (the preview must announce exactly the steps the update then takes, and call
 * nothing), applied, checked against what Neon holds, and followed by an empty preview. The edits
 * are the ones a platform makes: a tier move each way (in place: same project, same connection
 * string, the tier's limits, protection as a whole), checkpoints added and the active one moved by
 * name (the endpoint host stays), preview branches added and removed, a region change (a
 * replacement, refused while protected), and destroy.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { OpType } from "@pulumi/pulumi/automation";
import { NeonNotFoundError } from "../../provider/client";
import { tiers } from "../../provider/tenant/tiers";
import type { Engine } from "../../runner/engine";
import type { StoredResource } from "../../runner/stack";
import { callBudgets } from "../support/callBudgets";
import {
  changedResources,
  describeRequests,
  openTestStack,
  repoRoot,
  requireEngine,
  startNeonTarget,
  writesAmong,
  type NeonTarget,
  type StepRun,
  type TestStack,
  skipRestAfterFailure,
} from "../support/engineHarness";

/**
 * Programs of this repository load the package from node_modules as users' programs do
 * (tools/localPackage.ts), so Pulumi stores each provider as one `require` of its module.
 */
function assertProviderIsOneRequire(resource: StoredResource): void {
  const type = resource.type.split(":").pop()!;
  const dir = type === "NeonProject" ? "project" : type[0].toLowerCase() + type.slice(1);
  const text = String(resource.outputs?.__provider);
  const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.deepEqual(requires, [`neon-pulumi-dynamic/dist/provider/resources/${dir}/provider.js`], `${type}'s __provider`);
  assert.ok(text.length < 600, `${type}'s __provider is ${text.length} characters`);
}

describe("the tenant stack through the real Pulumi engine", function () {
  this.timeout(180_000);
  skipRestAfterFailure(); // each step builds on the one before

  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;
  let tenant: string;
  /** Outputs after the last `up`. */
  let outputs: Record<string, { value: any; secret: boolean }>;

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget();
    tenant = `e2e-${Date.now().toString(36)}`;
    stack = await openTestStack({
      engine,
      target,
      projectDir: repoRoot,
      config: {
        "tenant:id": tenant,
        "tenant:tier": "free",
        "tenant:auth": { enabled: true, trustedDomains: [`https://${tenant}.example.com`] },
        "tenant:dataApi": { enabled: true },
        "tenant:checkpoints": ["baseline"],
        // Against the local Neon API the organizations come from Pulumi.yaml, as for `npm start`.
        ...(target.kind === "real"
          ? { "platform:organizations": { sponsored: target.organizations.start, paid: target.organizations.moveTo ?? target.organizations.start } }
          : {}),
      },
    });
  });

  after(async () => {
    if (stack && target?.kind === "real") await destroyEverything().catch(() => undefined);
    stack?.remove();
    await target?.close();
  });

  async function destroyEverything(): Promise<void> {
    stack.setConfig({ "tenant:tier": "free", "tenant:previewBranches": undefined });
    await stack.runner.up();
    await stack.runner.destroy();
  }

  /** Preview (asserting it calls nothing), then up; the update must do what the preview said, then settle. */
  async function previewAndUp(expected: Record<string, OpType[]>): Promise<StepRun<unknown>> {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), expected, "the preview announces these steps");
    assertCalls(preview, callBudgets.previewOfChanges, "the preview");
    const up = await stack.run((o) => stack.runner.up(o));
    assert.deepEqual(changedResources(up.steps), expected, "the update takes the steps the preview announced");
    outputs = await stack.runner.outputs();
    await assertSettled();
    return up;
  }

  /** An empty preview: no changes, and not one Neon API call. */
  async function assertSettled(): Promise<void> {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), {}, "a preview right after an update shows no changes");
    assertCalls(preview, callBudgets.emptyPreview, "an empty preview");
  }

  function assertCalls(run: StepRun<unknown>, budget: number, what: string): void {
    if (run.requests === undefined) return; // the real Neon API has no request log to read
    assert.ok(run.requests.length <= budget, `${what} made ${run.requests.length} Neon API calls (budget ${budget}):\n${describeRequests(run.requests)}`);
  }

  const projectId = () => outputs.projectId.value as string;
  const neonProject = async () => (await target.client.projects.get(projectId())).project;
  const defaultBranch = async () => (await target.client.branches.list(projectId())).branches.find((b) => b.default)!;
  const defaultEndpoint = async () => (await target.client.endpoints.get(projectId(), outputs.computeHost.value.split(".")[0])).endpoint;
  const storedResources = () => (stack.runner.readState()?.checkpoint.latest?.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/neon:"));

  it("fails the preview of a bad tenant config before registering anything, naming the key and the allowed values", async () => {
    stack.setConfig({ "tenant:tier": "gold" });
    const mark = target.mark();
    await assert.rejects(stack.runner.preview(), /tenant:tier: must be one of free, paid, got "gold"/);
    assert.deepEqual(target.requestsSince(mark) ?? [], []);
    stack.setConfig({ "tenant:tier": "free" });
  });

  it("previews a new free tenant as the component and its four resources, without calling Neon", async () => {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), {
      tenant: ["create"],
      project: ["create"],
      "checkpoint-baseline": ["create"],
      auth: ["create"],
      "data-api": ["create"],
    });
    assertCalls(preview, callBudgets.previewOfChanges, "the preview of a new tenant");
  });

  it("creates it in the sponsored organization with the free tier's limits, as Neon shows", async () => {
    const up = await stack.run((o) => stack.runner.up(o));
    outputs = await stack.runner.outputs();
    assert.equal(outputs.tier.value, "free");
    const project = await neonProject();
    assert.equal(project.name, tenant);
    assert.equal(project.org_id, outputs.organizationId.value);
    if (target.kind === "local") assert.equal(project.org_id, "org-agent-sponsored-10000001");
    assert.equal(project.history_retention_seconds, tiers.free.historyRetentionSeconds);
    assert.equal((await defaultEndpoint()).autoscaling_limit_max_cu, tiers.free.computeMaxCu);
    const snapshots = (await target.client.snapshots.list(project.id)).snapshots;
    assert.deepEqual(snapshots.map((s) => [s.id, s.name]), [[outputs.checkpointIds.value.baseline, "baseline"]]);
    assert.match(outputs.dataApiUrl.value, /^https:\/\//);
    for (const secret of ["databaseUrl", "pooledDatabaseUrl", "authSecretServerKey", "authPublishableKey", "previewBranchUris"]) {
      assert.equal(outputs[secret].secret, true, `${secret} is secret`);
    }
    if (up.requests) assert.ok(writesAmong(up.requests).length > 0);
  });

  it("then shows an empty preview and runs a no-op up, neither calling Neon", async () => {
    await assertSettled();
    const up = await stack.run((o) => stack.runner.up(o));
    assert.deepEqual(changedResources(up.steps), {});
    assertCalls(up, callBudgets.noOpUp, "a no-op up");
  });

  it("refreshes without changes and without writing", async () => {
    const refresh = await stack.run((o) => stack.runner.refresh(o));
    const changes = (refresh.result as { summary: { resourceChanges?: Record<string, number> } }).summary.resourceChanges ?? {};
    assert.deepEqual(Object.keys(changes).filter((op) => op !== "same"), [], `refresh changed: ${JSON.stringify(changes)}`);
    if (refresh.requests) {
      const writes = writesAmong(refresh.requests);
      assert.ok(writes.length <= callBudgets.refreshWrites, `refresh wrote:\n${describeRequests(writes)}`);
      assert.ok(refresh.requests.length > 0, "refresh reads every resource");
    }
    await assertSettled();
  });

  it("keeps secrets encrypted, the API key out and __provider a one-line require in the state on disk", () => {
    const raw = fs.readFileSync(stack.runner.stateFile!, "utf8");
    assert.ok(!raw.includes(target.env.NEON_API_KEY), "the API key is in the state file");
    for (const secret of ["databaseUrl", "authSecretServerKey", "authPublishableKey"]) {
      assert.ok(!raw.includes(outputs[secret].value), `${secret} is in the state file in plain text`);
    }
    assert.doesNotMatch(raw, /npg_[A-Za-z0-9]+/, "a Neon password is in the state file in plain text");
    const project = storedResources().find((r) => r.type.endsWith(":NeonProject"))!;
    for (const key of ["connectionUri", "pooledConnectionUri", "password"]) {
      assert.ok((project.outputs?.[key] as { ciphertext?: string })?.ciphertext, `${key} is stored as ciphertext`);
    }
    assert.deepEqual(storedResources().map((r) => r.type.split(":").pop()).sort(), ["AuthIntegration", "DataApi", "NeonProject", "Snapshot"]);
    for (const resource of storedResources()) assertProviderIsOneRequire(resource);
  });

  it("previews a region change of the free tenant as a replacement of its project", async () => {
    stack.setConfig({ "tenant:region": "aws-eu-central-1" });
    try {
      const preview = await stack.run((o) => stack.runner.preview(o));
      assert.ok((preview.steps.get("project") ?? []).includes("replace"), `the project's steps: ${preview.steps.get("project")?.join(", ")}`);
      assertCalls(preview, callBudgets.previewOfChanges, "the preview of a replacement");
    } finally {
      stack.setConfig({ "tenant:region": undefined });
    }
  });

  it("upgrades to paid in place: same project and connection string, the paid organization and limits, protected as a whole", async () => {
    const before = outputs;
    stack.setConfig({ "tenant:tier": "paid" });
    await previewAndUp({ project: ["update"] });
    assert.equal(outputs.projectId.value, before.projectId.value);
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
    assert.equal(outputs.computeHost.value, before.computeHost.value);
    const project = await neonProject();
    assert.equal(project.org_id, outputs.organizationId.value);
    if (target.kind === "local") assert.equal(project.org_id, "org-agent-paid-10000002");
    assert.equal(project.history_retention_seconds, tiers.paid.historyRetentionSeconds);
    assert.equal((await defaultEndpoint()).autoscaling_limit_max_cu, tiers.paid.computeMaxCu);
    for (const resource of storedResources()) assert.equal(resource.protect, true, `${resource.urn} is protected`);
  });

  it("refuses to preview a region change of the protected tenant (it would replace the project)", async () => {
    stack.setConfig({ "tenant:region": "aws-eu-central-1" });
    try {
      await assert.rejects(stack.runner.preview(), /protect/);
    } finally {
      stack.setConfig({ "tenant:region": undefined });
    }
  });

  it("takes a new checkpoint and makes it active by name, keeping the endpoint host", async () => {
    const before = outputs;
    stack.setConfig({ "tenant:checkpoints": ["baseline", "before-import"], "tenant:activeCheckpoint": "before-import" });
    await previewAndUp({ "checkpoint-before-import": ["create"] });
    assert.equal((await defaultBranch()).restored_from, outputs.checkpointIds.value["before-import"]);
    assert.equal(outputs.computeHost.value, before.computeHost.value);
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
  });

  it("rolls the active branch back to another checkpoint by changing one config value, in place", async () => {
    const before = outputs;
    const branchBefore = await defaultBranch();
    stack.setConfig({ "tenant:activeCheckpoint": "baseline" });
    await previewAndUp({ "checkpoint-baseline": ["update"], "checkpoint-before-import": ["update"] });
    const branch = await defaultBranch();
    assert.equal(branch.restored_from, outputs.checkpointIds.value.baseline);
    assert.notEqual(branch.id, branchBefore.id);
    assert.equal(outputs.computeHost.value, before.computeHost.value, "the compute (and its host) moved to the restored branch");
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
    await assert.rejects(target.client.branches.get(projectId(), branchBefore.id), NeonNotFoundError, "the superseded branch was removed");
  });

  it("adds a preview branch from a checkpoint, with a compute and a secret connection URI, then removes it", async () => {
    stack.setConfig({ "tenant:previewBranches": [{ name: "pr-17", from: "baseline", ttl: "2d" }] });
    await previewAndUp({ "preview-pr-17": ["create"], "preview-pr-17-compute": ["create"] });
    const branches = (await target.client.branches.list(projectId())).branches;
    const preview = branches.find((b) => b.name === "preview-pr-17")!;
    assert.ok(preview.expires_at, "the preview branch expires");
    assert.ok(Date.parse(preview.expires_at!) - Date.now() <= 2 * 86400_000 + 60_000);
    assert.equal(outputs.previewBranchUris.secret, true);
    const { endpoints } = await target.client.branches.listEndpoints(projectId(), preview.id);
    assert.match(outputs.previewBranchUris.value["pr-17"], new RegExp(`@${endpoints[0].host.replace(/\./g, "\\.")}/`));
    const stored = storedResources().find((r) => r.urn.endsWith("::preview-pr-17"))!;
    assert.ok(!stored.protect, "preview branches are never protected");
    assertProviderIsOneRequire(stored);

    stack.setConfig({ "tenant:previewBranches": [] });
    await previewAndUp({ "preview-pr-17": ["delete"], "preview-pr-17-compute": ["delete"] });
    await assert.rejects(target.client.branches.get(projectId(), preview.id), NeonNotFoundError);
  });

  it("refuses to destroy the paid tenant, deleting nothing in Neon but its preview branch", async () => {
    stack.setConfig({ "tenant:previewBranches": [{ name: "pr-18" }] });
    await stack.runner.up();
    outputs = await stack.runner.outputs();
    const previewBranchId = storedResources().find((r) => r.urn.endsWith("::preview-pr-18"))!.id;
    const previewComputeId = storedResources().find((r) => r.urn.endsWith("::preview-pr-18-compute"))!.id;
    const mark = target.mark();
    await assert.rejects(stack.run((o) => stack.runner.destroy(o)), /protect/);
    const deletes = (target.requestsSince(mark) ?? []).filter((r) => r.method === "DELETE").map((r) => r.path);
    if (target.kind === "local") {
      assert.deepEqual(deletes.sort(), [`/projects/${projectId()}/branches/${previewBranchId}`, `/projects/${projectId()}/endpoints/${previewComputeId}`].sort());
    }
    assert.equal(storedResources().find((r) => r.urn.endsWith("::preview-pr-18")), undefined, "the preview branch was deleted");
    assert.equal((await neonProject()).id, projectId());
    assert.equal((await target.client.snapshots.list(projectId())).snapshots.length, 2, "both checkpoints are kept");
    assert.deepEqual(storedResources().map((r) => r.type.split(":").pop()).sort(), ["AuthIntegration", "DataApi", "NeonProject", "Snapshot", "Snapshot"]);
  });

  it("downgrades to free in place (history lowered before the move), then destroys everything, leaving nothing in Neon", async () => {
    const before = outputs;
    stack.setConfig({ "tenant:tier": "free", "tenant:previewBranches": undefined });
    await previewAndUp({ project: ["update"] });
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
    const project = await neonProject();
    assert.equal(project.org_id, outputs.organizationId.value);
    assert.equal(project.history_retention_seconds, tiers.free.historyRetentionSeconds);

    await stack.runner.destroy();
    await assert.rejects(target.client.projects.get(projectId()), NeonNotFoundError);
    assert.deepEqual(storedResources(), []);
  });

  it("never wrote a stack file into the checkout (the runner's stack config is a copy)", () => {
    assert.ok(!fs.existsSync(`${repoRoot}/stacks/Pulumi.${stack.runner.stackName}.yaml`));
    assert.ok(!fs.existsSync(`${repoRoot}/Pulumi.${stack.runner.stackName}.yaml`));
  });
});
