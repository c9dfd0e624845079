/**
 * The tenant project (`Pulumi.yaml` at the root, program in stacks/) through the real Pulumi engine,
 * with the lifecycle Pulumi's own provider tests use: preview, up, an empty preview and a no-op up
 * (zero Neon API calls), refresh (no changes), edits, destroy. Each edit is previewed first (the
 * preview must say exactly what the update then does), applied, checked against what Neon holds,
 * and followed by an empty preview. The state on disk is checked for secrets and for the form of
 * `__provider`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { OpType } from "@pulumi/pulumi/automation";
import { NeonNotFoundError } from "../../provider/client";
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
  this.bail(true); // each step builds on the one before

  let engine: Engine;
  let target: NeonTarget;
  let stack: TestStack;
  let tenant: string;
  /** Outputs after the last `up`. */
  let outputs: Record<string, { value: any; secret: boolean }>;

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget();
    tenant = `e2e-tenant-${Date.now().toString(36)}`;
    stack = await openTestStack({
      engine,
      target,
      projectDir: repoRoot,
      config: { "tenant:name": tenant, "tenant:orgId": target.organizations.start, "tenant:computeMaxCu": 4 },
    });
  });

  after(async () => {
    if (stack && target?.kind === "real") await destroyEverything(stack).catch(() => undefined);
    stack?.remove();
    await target?.close();
  });

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

  /** An empty preview and a no-op up: no changes, and not one Neon API call. */
  async function assertSettled(): Promise<void> {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), {}, "a preview right after an update shows no changes");
    assertCalls(preview, callBudgets.emptyPreview, "an empty preview");
  }

  function assertCalls(run: StepRun<unknown>, budget: number, what: string): void {
    if (run.requests === undefined) return; // the real Neon API has no request log to read
    assert.ok(run.requests.length <= budget, `${what} made ${run.requests.length} Neon API calls (budget ${budget}):\n${describeRequests(run.requests)}`);
  }

  async function neonProject() {
    return (await target.client.projects.get(outputs.projectId.value)).project;
  }

  it("previews a new tenant as its five resources to create, without calling Neon", async () => {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), {
      project: ["create"],
      compute: ["create"],
      auth: ["create"],
      "data-api": ["create"],
      checkpoint: ["create"],
    });
    assertCalls(preview, callBudgets.previewOfChanges, "the preview of a new tenant");
  });

  it("creates the tenant: project, adopted compute, Neon Auth, Data API and checkpoint, as Neon shows them", async () => {
    const up = await stack.run((o) => stack.runner.up(o));
    assert.equal(up.result && (up.result as { summary: { resourceChanges?: Record<string, number> } }).summary.resourceChanges?.create, 6); // and the stack
    outputs = await stack.runner.outputs();
    const project = await neonProject();
    assert.equal(project.name, tenant);
    if (target.organizations.start) assert.equal(project.org_id, target.organizations.start);
    const endpoint = (await target.client.endpoints.get(project.id, outputs.computeHost.value.split(".")[0])).endpoint;
    assert.equal(endpoint.autoscaling_limit_max_cu, 4);
    const snapshots = (await target.client.snapshots.list(project.id)).snapshots;
    assert.deepEqual(snapshots.map((s) => s.id), [outputs.checkpointId.value]);
    assert.match(outputs.dataApiUrl.value, /^https:\/\//);
    assert.equal(outputs.databaseUrl.secret, true);
    assert.equal(outputs.authSecretServerKey.secret, true);
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
    assert.ok(!raw.includes(outputs.databaseUrl.value), "the connection URI is in the state file in plain text");
    assert.ok(!raw.includes(outputs.authSecretServerKey.value), "the Neon Auth server key is in the state file in plain text");
    assert.doesNotMatch(raw, /npg_[A-Za-z0-9]+/, "a Neon password is in the state file in plain text");
    const state = stack.runner.readState()!;
    const resources = state.checkpoint.latest?.resources ?? [];
    const project = resources.find((r) => r.type === "pulumi-nodejs:dynamic/neon:NeonProject")!;
    for (const key of ["connectionUri", "pooledConnectionUri", "password"]) {
      assert.ok((project.outputs?.[key] as { ciphertext?: string })?.ciphertext, `${key} is stored as ciphertext`);
    }
    const dynamic = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/neon:"));
    assert.deepEqual(dynamic.map((r) => r.type.split(":").pop()).sort(), ["AuthIntegration", "DataApi", "Endpoint", "NeonProject", "Snapshot"]);
    for (const resource of dynamic) assertProviderIsOneRequire(resource);
  });

  it("resizes the compute in place", async () => {
    const before = outputs;
    stack.setConfig({ "tenant:computeMaxCu": 2 });
    await previewAndUp({ compute: ["update"] });
    assert.equal(outputs.computeHost.value, before.computeHost.value);
    const endpointId = outputs.computeHost.value.split(".")[0];
    assert.equal((await target.client.endpoints.get(outputs.projectId.value, endpointId)).endpoint.autoscaling_limit_max_cu, 2);
  });

  it("moves the tenant to another organization in place: same project, same connection string", async function () {
    if (!target.organizations.moveTo) {
      process.stdout.write("      (no NEON_E2E_MOVE_TO_ORG_ID: the tier move needs a second organization)\n");
      this.skip();
    }
    const before = outputs;
    stack.setConfig({ "tenant:orgId": target.organizations.moveTo });
    await previewAndUp({ project: ["update"] });
    assert.equal(outputs.projectId.value, before.projectId.value);
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
    assert.equal((await neonProject()).org_id, target.organizations.moveTo);
  });

  it("restores the active branch from the checkpoint in place, keeping the endpoint host", async () => {
    const before = outputs;
    const oldDefaultBranch = (await target.client.branches.list(before.projectId.value)).branches.find((b) => b.default)!.id;
    stack.setConfig({ "tenant:activeSnapshotId": outputs.checkpointId.value });
    await previewAndUp({ project: ["update"] });
    assert.equal(outputs.projectId.value, before.projectId.value);
    assert.equal(outputs.computeHost.value, before.computeHost.value, "the compute (and its host) moved to the restored branch");
    assert.equal(outputs.databaseUrl.value, before.databaseUrl.value);
    const branches = (await target.client.branches.list(outputs.projectId.value)).branches;
    const active = branches.find((b) => b.default)!;
    assert.notEqual(active.id, oldDefaultBranch, "the active branch is the one restored from the checkpoint");
    assert.ok(!branches.some((b) => b.id === oldDefaultBranch), "the superseded branch was removed");
  });

  it("adds a preview branch, then removes it", async () => {
    stack.setConfig({ "tenant:previewBranches": ["pr-17"] });
    await previewAndUp({ "preview-pr-17": ["create"] });
    const branchId = outputs.previewBranchIds.value["pr-17"];
    const created = (await target.client.branches.get(outputs.projectId.value, branchId)).branch;
    assert.equal(created.name, `${tenant}-pr-17`);
    assert.ok(created.expires_at, "the preview branch expires");
    const stored = stack.runner.readState()!.checkpoint.latest!.resources!.find((r) => r.urn.endsWith("::preview-pr-17"))!;
    assertProviderIsOneRequire(stored);

    stack.setConfig({ "tenant:previewBranches": [] });
    await previewAndUp({ "preview-pr-17": ["delete"] });
    await assert.rejects(target.client.branches.get(outputs.projectId.value, branchId), NeonNotFoundError);
  });

  it("previews a region change as a replacement of the project, without calling Neon", async () => {
    // A replacement is a new project, which cannot start from a checkpoint: `check` refuses an
    // activeSnapshotId there, so the edit that moves a tenant to another region drops it.
    const activeSnapshotId = stack.config()["tenant:activeSnapshotId"];
    stack.setConfig({ "tenant:region": "aws-eu-central-1", "tenant:protect": false, "tenant:activeSnapshotId": undefined });
    try {
      const preview = await stack.run((o) => stack.runner.preview(o));
      const project = preview.steps.get("project") ?? [];
      assert.ok(project.includes("replace"), `the project's steps: ${project.join(", ")}`);
      assertCalls(preview, callBudgets.previewOfChanges, "the preview of a replacement");
    } finally {
      stack.setConfig({ "tenant:region": undefined, "tenant:protect": undefined, "tenant:activeSnapshotId": activeSnapshotId });
    }
  });

  it("refuses to destroy the protected project and leaves it in Neon", async () => {
    const mark = target.mark();
    await assert.rejects(stack.run((o) => stack.runner.destroy(o)), /protect/);
    const project = await neonProject();
    assert.equal(project.id, outputs.projectId.value);
    const deletes = (target.requestsSince(mark) ?? []).filter((r) => r.method === "DELETE" && r.route === "/projects/{project_id}");
    assert.deepEqual(deletes, [], "no DELETE of the project reached Neon");
  });

  it("never wrote a stack file into the checkout (the runner's stack config is a copy)", () => {
    assert.ok(!fs.existsSync(`${repoRoot}/stacks/Pulumi.${stack.runner.stackName}.yaml`));
    assert.ok(!fs.existsSync(`${repoRoot}/Pulumi.${stack.runner.stackName}.yaml`));
  });

  it("destroys everything once unprotected, leaving nothing in Neon", async () => {
    await destroyEverything(stack);
    await assert.rejects(target.client.projects.get(outputs.projectId.value), NeonNotFoundError);
    assert.deepEqual(stack.runner.readState()?.checkpoint.latest?.resources ?? [], []);
  });
});

/** Unprotects (an `up` with `tenant:protect: false`), then destroys. */
async function destroyEverything(stack: TestStack): Promise<void> {
  stack.setConfig({ "tenant:protect": false });
  await stack.runner.up();
  await stack.runner.destroy();
}
