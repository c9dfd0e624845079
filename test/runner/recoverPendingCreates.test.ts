/**
 * The runner's recovery of pending creates, driven with a stand-in for the stack (its exported
 * state, its import) against the local Neon API: what is written back, and when nothing is
 * (`pulumi stack import` clears every pending operation, so a partial write would lose the ones
 * not settled, and the next run would duplicate them).
 */
import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { neonClientForCall } from "../../provider/resources/common/providerConfig";
import { PendingCreateError } from "../../runner/errors";
import { recoverPendingCreates, type ExportedState, type RecoveryTarget } from "../../runner/recovery";
import type { Deployment } from "../../runner/recovery/pendingCreates";
import { createProjectThroughProvider, settledCall, startNeonForProviderTests, stopNeonForProviderTests } from "../support/providerContext";

const endpointType = "pulumi-nodejs:dynamic/neon:Endpoint";
const pendingEndpoint = (name: string, projectId: string, branchId: string) => ({
  type: "creating",
  resource: { urn: `urn:pulumi:dev::p::${endpointType}::${name}`, type: endpointType, custom: true, inputs: { __provider: "p", projectId, branchId, type: "read_only" } },
});

describe("the runner's recovery of pending creates", () => {
  let neon: NeonLocal;
  before(async () => {
    neon = await startNeonForProviderTests();
  });
  after(() => stopNeonForProviderTests(neon));

  function targetFor(deployment: Deployment, overrides: Partial<RecoveryTarget> = {}) {
    const imported: ExportedState[] = [];
    const lines: string[] = [];
    const target: RecoveryTarget = {
      stackName: "dev",
      hasPendingCreates: () => undefined,
      exportState: async () => ({ version: 3, deployment: structuredClone(deployment) }),
      importState: async (state) => void imported.push(state),
      neonClient: async () => neonClientForCall(),
      interruptedAtMs: Date.now() - 60_000,
      log: (line) => lines.push(line),
      ...overrides,
    };
    return { target, imported, lines };
  }

  async function projectWithBranch(name: string) {
    const { id, outs } = await createProjectThroughProvider(name);
    return { projectId: id, branchId: String(outs.defaultBranchId) };
  }

  it("never claims one object for two pending creates: the second, with nothing left, is dropped", async () => {
    const { projectId, branchId } = await projectWithBranch("recover-two-pending");
    const made = (await settledCall(neon, "POST", `/projects/${projectId}/endpoints`, { endpoint: { branch_id: branchId, type: "read_only" } })).body.endpoint.id;
    const { target, imported } = targetFor({ resources: [], pending_operations: [pendingEndpoint("ro-1", projectId, branchId), pendingEndpoint("ro-2", projectId, branchId)] });
    const report = await recoverPendingCreates(target);
    assert.deepEqual(report.recorded.map((r) => r.id), [made]);
    assert.equal(report.dropped.length, 1);
    assert.equal(imported.length, 1);
    assert.deepEqual(imported[0].deployment.resources!.map((r) => r.id), [made]);
    assert.deepEqual(imported[0].deployment.pending_operations, []);
  });

  it("writes nothing when a pending create cannot be settled (the import would clear it too), and says how to go on", async () => {
    const { projectId, branchId } = await projectWithBranch("recover-refused");
    await settledCall(neon, "POST", `/projects/${projectId}/endpoints`, { endpoint: { branch_id: branchId, type: "read_only" } });
    // The update "began" after the compute was made: it is not that update's.
    const { target, imported } = targetFor({ resources: [], pending_operations: [pendingEndpoint("ro", projectId, branchId)] }, { interruptedAtMs: Date.now() + 60_000 });
    await assert.rejects(recoverPendingCreates(target), (err: Error) => {
      assert.ok(err instanceof PendingCreateError);
      assert.match(err.message, /urn:pulumi:dev::p::pulumi-nodejs:dynamic\/neon:Endpoint::ro: .*already existed before that update began/);
      assert.match(err.message, /--discard-pending-creates/);
      return true;
    });
    assert.deepEqual(imported, [], "the state is left as it is");

    const discarding = targetFor({ resources: [], pending_operations: [pendingEndpoint("ro", projectId, branchId)] }, { interruptedAtMs: Date.now() + 60_000, discardUnsettled: true });
    await recoverPendingCreates(discarding.target);
    assert.deepEqual(discarding.imported[0].deployment.pending_operations, [], "dropped when asked");
    assert.deepEqual(discarding.imported[0].deployment.resources, []);
  });

  it("leaves another provider's pending create to the user unless asked to drop it", async () => {
    const foreign = { type: "creating", resource: { urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", custom: true, inputs: {} } };
    const { target, imported } = targetFor({ resources: [], pending_operations: [foreign] });
    await assert.rejects(recoverPendingCreates(target), /another provider \(aws:s3\/bucket:Bucket\)/);
    assert.deepEqual(imported, []);
  });

  it("writes nothing if the state changed while Neon was asked (another update ran)", async () => {
    const { projectId, branchId } = await projectWithBranch("recover-raced");
    let exports = 0;
    const base: Deployment = { resources: [], pending_operations: [pendingEndpoint("ro", projectId, branchId)] };
    const { target, imported } = targetFor(base, {
      exportState: async () => ({ version: 3, deployment: { ...structuredClone(base), ...(exports++ > 0 ? { manifest: { time: "later" } } : {}) } }),
    });
    await assert.rejects(recoverPendingCreates(target), /the state changed while its interrupted creates were being settled/);
    assert.deepEqual(imported, []);
  });

  it("does not export or ask Neon when the state has no pending create", async () => {
    let exported = false;
    const { target } = targetFor({}, { hasPendingCreates: () => false, exportState: async () => ((exported = true), { version: 3, deployment: {} }) });
    assert.deepEqual(await recoverPendingCreates(target), { recorded: [], dropped: [] });
    assert.equal(exported, false);
  });
});
