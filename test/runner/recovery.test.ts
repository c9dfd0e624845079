/**
 * The pure parts of the recovery after an interrupted update: which locks are provably stale, and
 * the edit of the exported deployment that records or drops pending creates.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pendingCreates, revealSecrets, withSettledCreates, type Deployment } from "../../runner/recovery/pendingCreates";
import { isStaleLock, liveLockMessage, lockHoldersIn, pulumiProcessRunning } from "../../runner/recovery/staleLock";

const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(value) });

describe("runner recovery: stale locks", () => {
  // As the DIY backend words it (pkg/backend/diy/lock.go).
  const lockError =
    "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
    "  file:///tmp/x/.pulumi/locks/organization/p/dev/1.json: created by ci@runner-7 (pid 4242) at 2026-11-29T10:00:00Z\n" +
    "  postgres://****:****@db/state/.pulumi/locks/organization/p/dev/2.json: created by ops@bastion (pid 17) at 2026-11-29T10:00:01Z";

  it("reads every holder from the CLI's message, and nothing from another error", () => {
    assert.deepEqual(lockHoldersIn(lockError), [
      { user: "ci", host: "runner-7", pid: 4242, at: "2026-11-29T10:00:00Z" },
      { user: "ops", host: "bastion", pid: 17, at: "2026-11-29T10:00:01Z" },
    ]);
    assert.equal(lockHoldersIn("error: update failed"), undefined);
  });

  it("takes a lock as stale only on this host and when its process is gone", () => {
    const holder = { user: "ci", host: "runner-7", pid: 4242, at: "" };
    assert.equal(isStaleLock(holder, "runner-7", () => false), true);
    assert.equal(isStaleLock(holder, "runner-7", () => true), false, "a live process keeps its lock");
    assert.equal(isStaleLock(holder, "other-host", () => false), false, "another host's pid says nothing here");
  });

  it("knows a running pulumi from a finished process or another program", () => {
    assert.equal(pulumiProcessRunning(process.pid), false, "node is not pulumi");
    const done = spawnSync("true");
    assert.equal(pulumiProcessRunning(done.pid!), false);
  });

  it("says whose the lock is and what to do", () => {
    const message = liveLockMessage("dev", lockHoldersIn(lockError)!, "runner-7");
    assert.match(message, /stack dev is locked .*ci@runner-7 \(pid 4242, since 2026-11-29T10:00:00Z\), still running; ops@bastion \(pid 17, since 2026-11-29T10:00:01Z\), on another host/);
    assert.match(message, /`pulumi cancel`/);
    assert.doesNotMatch(message, /postgres:\/\//, "no backend URL (it may carry credentials)");
  });
});

describe("runner recovery: the deployment edit", () => {
  const provider = "exports.handler = require(\"neon-pulumi-dynamic/dist/provider/resources/project/provider.js\")";
  const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
  const projectUrn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/neon:NeonProject::project";
  const branchUrn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/neon:Branch::preview";
  const deployment = (): Deployment => ({
    manifest: { time: "2026-11-29T10:00:00Z" },
    resources: [{ urn: stackUrn, type: "pulumi:pulumi:Stack", custom: false }],
    pending_operations: [
      {
        type: "creating",
        resource: {
          urn: projectUrn,
          type: "pulumi-nodejs:dynamic/neon:NeonProject",
          custom: true,
          parent: stackUrn,
          inputs: { __provider: provider, name: "acme", settings: secret({ token: "t" }) },
          additionalSecretOutputs: ["password", "connectionUri"],
        },
      },
      { type: "creating", resource: { urn: branchUrn, type: "pulumi-nodejs:dynamic/neon:Branch", custom: true, inputs: { __provider: provider, name: "preview-1" } } },
      { type: "updating", resource: { urn: "urn:other", type: "x", custom: true } },
    ],
  });

  it("lists the pending creates with their inputs' secrets revealed", () => {
    assert.deepEqual(pendingCreates(deployment()), [
      { urn: projectUrn, type: "pulumi-nodejs:dynamic/neon:NeonProject", inputs: { __provider: provider, name: "acme", settings: { token: "t" } } },
      { urn: branchUrn, type: "pulumi-nodejs:dynamic/neon:Branch", inputs: { __provider: provider, name: "preview-1" } },
    ]);
    assert.deepEqual(revealSecrets([secret(secret("nested"))]), ["nested"]);
  });

  it("records a create Neon made as a resource (secret outputs as the engine makes them, the provider kept) and drops one it did not", () => {
    const outs = { projectId: "p-1", name: "acme", password: "pw", connectionUri: "postgres://u:pw@h/db", settings: { token: "t" }, gone: undefined };
    const edited = withSettledCreates(
      deployment(),
      [
        { urn: projectUrn, created: { id: "p-1", outs } },
        { urn: branchUrn, created: undefined },
      ],
      "2026-11-29T10:05:00Z",
    );
    assert.deepEqual(edited.pending_operations, [{ type: "updating", resource: { urn: "urn:other", type: "x", custom: true } }], "only settled creates leave the pending list");
    assert.equal(edited.resources!.length, 2);
    assert.equal(edited.resources![0].urn, stackUrn, "recorded after what it depends on");
    const project = edited.resources![1];
    assert.equal(project.urn, projectUrn);
    assert.equal(project.id, "p-1");
    assert.equal(project.parent, stackUrn);
    assert.deepEqual(project.inputs, deployment().pending_operations![0].resource.inputs, "the inputs the create was given");
    assert.deepEqual(project.outputs, {
      projectId: "p-1",
      name: "acme",
      password: secret("pw"),
      connectionUri: secret("postgres://u:pw@h/db"),
      settings: secret({ token: "t" }),
      __provider: provider,
    });
    assert.equal(project.created, "2026-11-29T10:05:00Z");
  });

  it("completes a replacement that creates first: the old resource of the same URN is marked for deletion", () => {
    const replacing = deployment();
    replacing.resources!.push({ urn: projectUrn, type: "pulumi-nodejs:dynamic/neon:NeonProject", custom: true, id: "p-old", outputs: {} });
    const edited = withSettledCreates(replacing, [{ urn: projectUrn, created: { id: "p-new", outs: { projectId: "p-new" } } }], "now");
    const recorded = edited.resources!.filter((r) => r.urn === projectUrn).map((r) => [r.id, r.delete === true]);
    assert.deepEqual(recorded, [
      ["p-old", true],
      ["p-new", false],
    ]);
  });

  it("completes a replacement that deleted first: the old record (its object gone, maybe the same id) goes, not marked for deletion", () => {
    const replacing = deployment();
    replacing.resources!.push({ urn: projectUrn, type: "pulumi-nodejs:dynamic/neon:NeonProject", custom: true, id: "p-1", outputs: {}, pendingReplacement: true });
    const edited = withSettledCreates(replacing, [{ urn: projectUrn, created: { id: "p-1", outs: { projectId: "p-1" } } }], "now");
    assert.deepEqual(
      edited.resources!.filter((r) => r.urn === projectUrn).map((r) => [r.id, r.delete === true, r.pendingReplacement === true]),
      [["p-1", false, false]],
    );
  });

  it("leaves the deployment as it was when nothing is settled", () => {
    const before = deployment();
    assert.deepEqual(withSettledCreates(before, [], "now"), before);
  });
});
