/**
 * Every example under examples/ through the real Pulumi engine: the lifecycle (preview, up, an
 * empty preview with no Neon API call, refresh, edits, destroy with nothing left in Neon) and the
 * claims its README makes, checked against what the local Neon API holds.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OpType } from "@pulumi/pulumi/automation";
import { NeonNotFoundError } from "../../provider/client";
import type { Engine } from "../../runner/engine";
import { callBudgets } from "../support/callBudgets";
import {
  changedResources,
  describeRequests,
  openTestStack,
  repoRoot,
  requireEngine,
  runCli,
  startNeonTarget,
  writesAmong,
  type NeonTarget,
  type StackConfig,
  type TestStack,
  skipRestAfterFailure,
} from "../support/engineHarness";

const examples = path.join(repoRoot, "examples");

describe("the examples through the real Pulumi engine", function () {
  this.timeout(240_000);
  let engine: Engine;
  let target: NeonTarget;

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget();
  });
  after(() => target?.close());

  /** Preview (no calls), up (the previewed steps), an empty preview (no calls); returns the outputs. */
  async function apply(stack: TestStack, expected: Record<string, OpType[]>): Promise<Record<string, { value: any; secret: boolean }>> {
    const preview = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(preview.steps), expected, "the preview announces these steps");
    assert.ok((preview.requests ?? []).length <= callBudgets.previewOfChanges, describeRequests(preview.requests ?? []));
    const up = await stack.run((o) => stack.runner.up(o));
    assert.deepEqual(changedResources(up.steps), expected, "the update takes the steps the preview announced");
    const settled = await stack.run((o) => stack.runner.preview(o));
    assert.deepEqual(changedResources(settled.steps), {}, "an empty preview after the update");
    assert.ok((settled.requests ?? []).length <= callBudgets.emptyPreview, describeRequests(settled.requests ?? []));
    return stack.runner.outputs();
  }

  async function refreshFindsNothing(stack: TestStack): Promise<void> {
    const refresh = await stack.run((o) => stack.runner.refresh(o));
    const changes = (refresh.result as { summary: { resourceChanges?: Record<string, number> } }).summary.resourceChanges ?? {};
    assert.deepEqual(Object.keys(changes).filter((op) => op !== "same"), [], JSON.stringify(changes));
    assert.ok(writesAmong(refresh.requests ?? []).length <= callBudgets.refreshWrites);
  }

  async function exampleStack(example: string, config: StackConfig, stackName?: string): Promise<TestStack> {
    return openTestStack({ engine, target, projectDir: path.join(examples, example), config, ...(stackName ? { stackName } : {}) });
  }

  describe("agent-checkpoints", function () {
    skipRestAfterFailure();
    let stack: TestStack;
    let outputs: Record<string, { value: any; secret: boolean }>;
    const defaultBranch = async () => (await target.client.branches.list(outputs.projectId.value)).branches.find((b) => b.default)!;

    before(async () => (stack = await exampleStack("agent-checkpoints", { "agent:name": "agent-7", "agent:checkpoints": ["turn-1"] })));
    after(() => stack?.remove());

    it("creates the database and a first checkpoint, then settles and refreshes clean", async () => {
      outputs = await apply(stack, { database: ["create"], "checkpoint-turn-1": ["create"] });
      assert.equal(outputs.databaseUrl.secret, true);
      await refreshFindsNothing(stack);
    });

    it("rolls back to a checkpoint and forward again by one config value, the connection string unchanged", async () => {
      const url = outputs.databaseUrl.value;
      stack.setConfig({ "agent:checkpoints": ["turn-1", "turn-2"] });
      outputs = await apply(stack, { "checkpoint-turn-2": ["create"] });
      stack.setConfig({ "agent:active": "turn-1" });
      outputs = await apply(stack, { "checkpoint-turn-1": ["update"] });
      assert.equal((await defaultBranch()).restored_from, outputs.checkpointIds.value["turn-1"]);
      stack.setConfig({ "agent:active": "turn-2" });
      outputs = await apply(stack, { "checkpoint-turn-1": ["update"], "checkpoint-turn-2": ["update"] });
      assert.equal((await defaultBranch()).restored_from, outputs.checkpointIds.value["turn-2"]);
      assert.equal(outputs.databaseUrl.value, url, "the same connection string across rollback and roll-forward");
      assert.equal((await target.client.branches.list(outputs.projectId.value)).branches.length, 1, "superseded branches are removed");
    });

    it("opens a checkpoint on a temporary branch without touching the live database, and closes it", async () => {
      const live = await defaultBranch();
      stack.setConfig({ "agent:inspect": "turn-1", "agent:inspectTtl": 1800 });
      outputs = await apply(stack, { inspect: ["create"], "inspect-compute": ["create"] });
      const branches = (await target.client.branches.list(outputs.projectId.value)).branches;
      const inspect = branches.find((b) => b.name === "inspect-turn-1")!;
      assert.equal(inspect.restored_from, outputs.checkpointIds.value["turn-1"]);
      assert.ok(Date.parse(inspect.expires_at!) - Date.now() <= 1800_000 + 60_000, "it expires");
      assert.equal((await defaultBranch()).id, live.id, "the live database is untouched");
      assert.match(outputs.inspectHost.value, /^ep-/);
      stack.setConfig({ "agent:inspect": undefined });
      outputs = await apply(stack, { inspect: ["delete"], "inspect-compute": ["delete"] });
      await assert.rejects(target.client.branches.get(outputs.projectId.value, inspect.id), NeonNotFoundError);
    });

    it("refuses an active checkpoint that is not a checkpoint, naming the key", async () => {
      stack.setConfig({ "agent:active": "turn-9" });
      await assert.rejects(stack.runner.preview(), /agent:active: must name one of agent:checkpoints \(turn-1, turn-2\), got "turn-9"/);
      stack.setConfig({ "agent:active": "turn-2" });
    });

    it("destroys everything", async () => {
      await stack.runner.destroy();
      await assert.rejects(target.client.projects.get(outputs.projectId.value), NeonNotFoundError);
    });
  });

  describe("auth-data-api", function () {
    skipRestAfterFailure();
    let stack: TestStack;
    let outputs: Record<string, { value: any; secret: boolean }>;
    let projectId: string;

    before(async () => (stack = await exampleStack("auth-data-api", { "app:name": "todo", "app:domains": ["https://todo.example.com"] })));
    after(() => stack?.remove());

    it("creates the database, Neon Auth and a Data API that trusts it, keys secret", async () => {
      outputs = await apply(stack, { database: ["create"], auth: ["create"], "data-api": ["create"] });
      projectId = outputs.databaseUrl.value && (await target.client.projects.list({})).projects.find((p) => p.name === "todo")!.id;
      const branch = (await target.client.branches.list(projectId)).branches.find((b) => b.default)!;
      const auth = await target.client.neonAuth.get(projectId, branch.id);
      assert.ok(auth);
      const domains = await target.client.neonAuth.listTrustedDomains(projectId, branch.id);
      assert.deepEqual(domains.domains.map((d) => d.domain), ["https://todo.example.com"]);
      const dataApi = await target.client.dataApi.get(projectId, branch.id, "neondb");
      assert.equal(dataApi.url, outputs.dataApiUrl.value);
      for (const key of ["authSecretServerKey", "authPublishableKey", "databaseUrl"]) assert.equal(outputs[key].secret, true, key);
      await refreshFindsNothing(stack);
    });

    it("adds a domain and allows localhost in place: same keys, same URLs", async () => {
      const before = outputs;
      stack.setConfig({ "app:domains": ["https://todo.example.com", "https://todo.app"], "app:allowLocalhost": true });
      outputs = await apply(stack, { auth: ["update"], "data-api": ["update"] });
      assert.equal(outputs.authSecretServerKey.value, before.authSecretServerKey.value);
      assert.equal(outputs.dataApiUrl.value, before.dataApiUrl.value);
      const branch = (await target.client.branches.list(projectId)).branches.find((b) => b.default)!;
      assert.deepEqual((await target.client.neonAuth.listTrustedDomains(projectId, branch.id)).domains.map((d) => d.domain).sort(), ["https://todo.app", "https://todo.example.com"]);
    });

    it("destroys the Data API, Neon Auth and the project", async () => {
      await stack.runner.destroy();
      await assert.rejects(target.client.projects.get(projectId), NeonNotFoundError);
    });
  });

  describe("provisioning", function () {
    skipRestAfterFailure();
    let stateDir: string;
    let databases: import("../../examples/provisioning/provision").UserDatabases;
    let first: import("../../examples/provisioning/provision").ProvisionedDatabase;

    before(async () => {
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-provisioning-"));
      const { userDatabases } = await import("../../examples/provisioning/provision");
      databases = userDatabases({ stateDir, env: target.env });
    });
    after(() => fs.rmSync(stateDir, { recursive: true, force: true }));

    it("creates a user's database in the free tier's organization and returns its connection string", async () => {
      first = await databases.provision({ id: "u42", plan: "free" });
      assert.match(first.changes, /created/);
      assert.match(first.databaseUrl, /^postgresql:\/\//);
      const project = (await target.client.projects.get(first.projectId)).project;
      assert.equal(project.name, "user-u42");
      if (target.kind === "local") assert.equal(project.org_id, "org-agent-sponsored-10000001");
    });

    it("changes nothing, and calls Neon for nothing, when called again with the same record", async () => {
      const mark = target.mark();
      const again = await databases.provision({ id: "u42", plan: "free" });
      assert.match(again.changes, /^no changes/);
      assert.deepEqual(target.requestsSince(mark) ?? [], []);
      assert.equal(again.databaseUrl, first.databaseUrl);
    });

    it("provisions two users side by side, and upgrades one in place with the Data API", async () => {
      const [other, upgraded] = await Promise.all([databases.provision({ id: "u43", plan: "free" }), databases.provision({ id: "u42", plan: "paid", dataApi: true })]);
      assert.notEqual(other.projectId, first.projectId);
      assert.equal(upgraded.projectId, first.projectId);
      assert.equal(upgraded.databaseUrl, first.databaseUrl);
      assert.match(upgraded.dataApiUrl ?? "", /^https:\/\//);
      if (target.kind === "local") assert.equal((await target.client.projects.get(first.projectId)).project.org_id, "org-agent-paid-10000002");
    });

    it("refuses to deprovision a paid user, and a bad user id, before anything runs", async () => {
      await assert.rejects(databases.deprovision("u42"), /user u42 is on the paid plan, whose database is protected from deletion/);
      await assert.rejects(databases.provision({ id: "U 42", plan: "free" }), /user id must be lower-case letters/);
      await assert.rejects(databases.provision({ id: "../escape", plan: "free" }), /user id must be lower-case letters/);
      assert.deepEqual(fs.readdirSync(stateDir).filter((f) => f.includes("escape")), [], "nothing was written for a bad id");
      assert.deepEqual(fs.readdirSync(path.join(stateDir, "users")).sort(), ["Pulumi.user-u42.yaml", "Pulumi.user-u43.yaml"]);
      assert.ok((await target.client.projects.get(first.projectId)).project);
    });

    it("deprovisions users once they are free, leaving nothing in Neon", async () => {
      const other = (await target.client.projects.list({})).projects.find((p) => p.name === "user-u43")!;
      // The downgrade keeps the Data API: a paid tenant's parts are protected until it is free.
      await databases.provision({ id: "u42", plan: "free", dataApi: true });
      await databases.deprovision("u42");
      await databases.deprovision("u43");
      await assert.rejects(target.client.projects.get(first.projectId), NeonNotFoundError);
      await assert.rejects(target.client.projects.get(other.id), NeonNotFoundError);
      await assert.rejects(databases.deprovision("u42"), /user u42 has no database/);
    });
  });

  describe("pr-preview-branch", function () {
    skipRestAfterFailure();
    let appProjectId: string;
    let stack: TestStack;
    let outputs: Record<string, { value: any; secret: boolean }>;
    let cliState: string;

    before(async () => {
      // The app whose pull requests get branches: a Neon project made outside this stack.
      const created = await target.client.projects.create({ project: { name: "the-app" } });
      appProjectId = created.project.id;
      stack = await exampleStack("pr-preview-branch", { "pr:projectId": appProjectId, "pr:ttl": "2d" }, "pr-17");
      cliState = fs.mkdtempSync(path.join(os.tmpdir(), "neon-pr-branch-cli-"));
    });
    after(async () => {
      stack?.remove();
      fs.rmSync(cliState, { recursive: true, force: true });
      await target.client.projects.delete(appProjectId).catch(() => undefined);
    });

    it("opens a branch with a compute and a TTL for the pull request, and keeps it on later pushes without calling Neon", async () => {
      outputs = await apply(stack, { branch: ["create"], compute: ["create"] });
      const branch = (await target.client.branches.get(appProjectId, outputs.branchId.value)).branch;
      assert.equal(branch.name, "pr-17");
      assert.ok(Date.parse(branch.expires_at!) - Date.now() <= 2 * 86400_000 + 60_000);
      const mark = target.mark();
      const push = await stack.run((o) => stack.runner.up(o));
      assert.deepEqual(changedResources(push.steps), {});
      assert.deepEqual(target.requestsSince(mark) ?? [], []);
      await refreshFindsNothing(stack);
    });

    it("removes the branch when the pull request closes", async () => {
      await stack.runner.destroy();
      await assert.rejects(target.client.branches.get(appProjectId, outputs.branchId.value), NeonNotFoundError);
      assert.ok((await target.client.projects.get(appProjectId)).project, "the app's project stays");
    });

    it("works through the commands the workflow runs (up, then destroy --remove)", async () => {
      const configFile = path.join(cliState, "pr-stack.yaml");
      fs.writeFileSync(configFile, `config:\n  pr:projectId: "${appProjectId}"\n  pr:ttl: 3d\n`);
      const env = { ...target.env, PULUMI_CONFIG_PASSPHRASE: "ci-passphrase", PULUMI_BACKEND_URL: `file://${path.join(cliState, "backend")}` };
      const common = ["--stack", "pr-18", "--project-dir", path.join(examples, "pr-preview-branch"), "--config-file", configFile, "--state-dir", path.join(cliState, "state")];
      const opened = await runCli(["up", ...common], env);
      assert.equal(opened.code, 0, opened.stderr);
      assert.match(opened.stdout, /pr-18: 3 created/);
      const branches = (await target.client.branches.list(appProjectId)).branches;
      assert.ok(branches.some((b) => b.name === "pr-18"));
      const closed = await runCli(["destroy", "--remove", ...common], env);
      assert.equal(closed.code, 0, closed.stderr);
      assert.ok(!(await target.client.branches.list(appProjectId)).branches.some((b) => b.name === "pr-18"));
      assert.deepEqual(fs.readdirSync(path.join(cliState, "backend", ".pulumi", "stacks", "pr-preview-branch")).filter((f) => f.endsWith(".json")), [], "the stack is removed");
    });

    it("refuses a stack that is not named after a pull request", async () => {
      const wrong = await exampleStack("pr-preview-branch", { "pr:projectId": appProjectId }, "feature-x");
      try {
        await assert.rejects(wrong.runner.preview(), /the stack must be named pr-<pull request number>, got "feature-x"/);
      } finally {
        wrong.remove();
      }
    });
  });
});

