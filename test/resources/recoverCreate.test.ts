/**
 * Each resource's recovery of a create an interrupted update left pending (provider/resources/
 * recovery.ts, run by the runner before the next update): the object Neon made is found and
 * described exactly as the create described it; an object older than the interrupted update is
 * refused, naming it; nothing found is nothing to record.
 */
import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { interruptedUpdate } from "../../provider/resources/common/ownership";
import { neonClientForCall } from "../../provider/resources/common/providerConfig";
import * as authIntegration from "../../provider/resources/authIntegration/lifecycle";
import * as branch from "../../provider/resources/branch/lifecycle";
import * as dataApi from "../../provider/resources/dataApi/lifecycle";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { createRecoveryByType } from "../../provider/resources/recovery";
import { checkAndCreate, createProjectThroughProvider, startNeonForProviderTests, stopNeonForProviderTests } from "../support/providerContext";

type Lifecycle = Parameters<typeof checkAndCreate>[0] & { recoverCreate: unknown };

interface Case {
  type: string;
  lifecycle: Lifecycle;
  /** Inputs for a create in `projectId` (a fresh project with Neon Auth where the case needs it). */
  inputs(projectId: string): Record<string, unknown>;
  needsAuth?: boolean;
  /** Outputs a second create makes differently by nature (one-time keys renewed). */
  renewed?: string[];
  /** Outputs of the remade object that may or may not differ (its creation time, in whole seconds). */
  remade?: string[];
  /** Neon does not say when it was made: one older than the update is managed as adopted, not refused. */
  olderIsAdopted?: boolean;
}

const cases: Case[] = [
  { type: "NeonProject", lifecycle: project, inputs: () => ({ name: `recover-${Math.random().toString(36).slice(2, 8)}` }) },
  { type: "Branch", lifecycle: branch, inputs: (projectId) => ({ projectId, name: "preview-1", protected: false }) },
  { type: "Endpoint", lifecycle: endpoint, inputs: (projectId) => ({ projectId, type: "read_only" }) },
  { type: "Snapshot", lifecycle: snapshot, inputs: (projectId) => ({ projectId, name: "baseline" }) },
  {
    type: "AuthIntegration",
    lifecycle: authIntegration,
    inputs: (projectId) => ({ projectId, trustedDomains: ["https://app.example.com"] }),
    // Renewed with a new integration: its keys, and the Neon Auth project behind it.
    renewed: ["pubClientKey", "secretServerKey", "authProviderProjectId", "baseUrl", "jwksUrl"],
    remade: ["createdAt"],
  },
  { type: "DataApi", lifecycle: dataApi, inputs: (projectId) => ({ projectId }), needsAuth: true, olderIsAdopted: true },
];

/** What the runner calls for a pending create of the case's type. */
function recoveryOf(c: Case) {
  return createRecoveryByType[`pulumi-nodejs:dynamic/neon:${c.type}`]!;
}

describe("recovering a create an interrupted update left pending", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startNeonForProviderTests();
  });
  after(() => stopNeonForProviderTests(neon));

  it("knows every resource type by the token Pulumi records", () => {
    assert.deepEqual(Object.keys(createRecoveryByType).sort(), cases.map((c) => `pulumi-nodejs:dynamic/neon:${c.type}`).sort());
    for (const c of cases) assert.equal(createRecoveryByType[`pulumi-nodejs:dynamic/neon:${c.type}`]!.recover, c.lifecycle.recoverCreate);
  });

  for (const c of cases) {
    describe(c.type, () => {
      async function freshProject(): Promise<string> {
        const { id } = await createProjectThroughProvider(`recover-${c.type.toLowerCase()}`);
        if (c.needsAuth) await checkAndCreate(authIntegration, { projectId: id });
        return id;
      }

      it("finds the object the interrupted update made, with the outputs its create gave", async () => {
        const projectId = await freshProject();
        const startedAt = Date.now() - 1; // the interrupted update began just before the create
        const inputs = (await c.lifecycle.check({}, c.inputs(projectId))).inputs as Record<string, unknown>;
        const created = (await c.lifecycle.create(inputs as never)) as { id: string; outs: Record<string, unknown> };
        const client = neonClientForCall();
        const recovered = await recoveryOf(c).fromRecordedInputs(client, inputs, interruptedUpdate(client, c.type, startedAt));
        assert.ok(recovered, "found");
        assert.equal(recovered.id, created.id);
        const differing = [...(c.renewed ?? []), ...(c.remade ?? [])];
        const comparable = (outs: Record<string, unknown>) => Object.fromEntries(Object.entries(outs).filter(([k]) => !differing.includes(k)));
        assert.deepEqual(comparable(recovered.outs), comparable(created.outs));
        for (const key of c.renewed ?? []) assert.ok(typeof recovered.outs[key] === "string" && recovered.outs[key] !== created.outs[key], `${key} renewed`);
      });

      it(c.olderIsAdopted ? "takes one that existed before the interrupted update began on as adopted (released on destroy)" : "refuses one that existed before the interrupted update began, naming it", async () => {
        const projectId = await freshProject();
        const inputs = (await c.lifecycle.check({}, c.inputs(projectId))).inputs as Record<string, unknown>;
        const created = (await c.lifecycle.create(inputs as never)) as { id: string };
        const client = neonClientForCall();
        // The update "began" ten seconds after the object was made.
        const outcome = interruptedUpdate(client, c.type, Date.now() + 10_000);
        if (c.olderIsAdopted) {
          const adopted = await recoveryOf(c).fromRecordedInputs(client, inputs, outcome);
          assert.equal(adopted?.id, created.id);
          assert.equal(adopted?.outs.adoptExisting, true);
          return;
        }
        const name = c.type === "DataApi" ? /Data API/ : new RegExp(created.id.split("/")[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        await assert.rejects(recoveryOf(c).fromRecordedInputs(client, inputs, outcome), (err: Error) => {
          assert.match(err.message, /interrupted|stopped before Pulumi recorded/);
          assert.match(err.message, name);
          return true;
        });
      });

      it("has nothing to record when Neon has nothing", async () => {
        const projectId = await freshProject();
        const inputs = (await c.lifecycle.check({}, c.inputs(projectId))).inputs as Record<string, unknown>;
        const client = neonClientForCall();
        assert.equal(await recoveryOf(c).fromRecordedInputs(client, inputs, interruptedUpdate(client, c.type, Date.now() - 1)), undefined);
      });
    });
  }

  it("refuses recorded inputs this version cannot read, naming the field, and asks Neon nothing", async () => {
    const client = neonClientForCall();
    const requestsBefore = neon.requestLog.length;
    const endpointRecovery = createRecoveryByType["pulumi-nodejs:dynamic/neon:Endpoint"]!;
    await assert.rejects(
      endpointRecovery.fromRecordedInputs(client, { __provider: "exports.handler = …", projectId: 42 }, interruptedUpdate(client, "endpoint", Date.now() - 1)),
      (err: Error) => {
        assert.match(err.message, /cannot be read by this version of the package \(projectId: /);
        return true;
      },
    );
    assert.equal(neon.requestLog.length, requestsBefore);
  });

  it("names what it cannot read in the recorded inputs, never their values (secrets among them)", async () => {
    const client = neonClientForCall();
    const secret = "recorded-client-secret-4f9a";
    const recorded = { projectId: "some-project", oauthProviders: [{ id: "okta", clientId: "my-app", clientSecret: secret }] };
    await assert.rejects(
      createRecoveryByType["pulumi-nodejs:dynamic/neon:AuthIntegration"]!.fromRecordedInputs(client, recorded, interruptedUpdate(client, "auth", Date.now() - 1)),
      (err: Error) => {
        assert.match(err.message, /oauthProviders\.0\.id: /);
        assert.ok(!err.message.includes(secret) && !err.message.includes("my-app"), err.message);
        return true;
      },
    );
  });

  it("settles a pending create an older version recorded with an argument this version no longer has", async () => {
    const { id: projectId } = await createProjectThroughProvider("recover-older-record");
    const startedAt = Date.now() - 1;
    const inputs = { projectId, name: "preview-older" };
    const created = await checkAndCreate(branch, inputs);
    const client = neonClientForCall();
    const recorded = { ...inputs, __provider: "exports.handler = …", retiredArgument: "an older version's" };
    const recovered = await createRecoveryByType["pulumi-nodejs:dynamic/neon:Branch"]!.fromRecordedInputs(client, recorded, interruptedUpdate(client, "preview-older", startedAt));
    assert.equal(recovered?.id, created.id);
    assert.equal(recovered?.outs.retiredArgument, undefined);
  });

  it("takes nothing for an adoption (it made nothing)", async () => {
    const { id } = await createProjectThroughProvider("recover-adoption");
    const client = neonClientForCall();
    assert.equal(await project.recoverCreate(client, { adoptId: id } as never, interruptedUpdate(client, "project", Date.now() - 60_000)), undefined);
  });

  it("in a replacement that creates first, tells the new object from the old one the stack records", async () => {
    const name = `recover-replaced-${Math.random().toString(36).slice(2, 8)}`;
    const startedAt = Date.now() - 60_000; // both projects are younger than the update's start
    const old = await project.create({ name } as never);
    const replacement = await project.create({ name } as never);
    const client = neonClientForCall();
    const recovered = await project.recoverCreate(client, { name } as never, interruptedUpdate(client, "project", startedAt, Date.now, new Set([old.id])));
    assert.equal(recovered?.id, replacement.id);
    // Without knowing which one the stack records, two candidates are refused, both named.
    await assert.rejects(project.recoverCreate(client, { name } as never, interruptedUpdate(client, "project", startedAt)), (err: Error) => {
      assert.ok(err.message.includes(old.id) && err.message.includes(replacement.id), err.message);
      return true;
    });
  });

  it("refuses to guess without the interrupted update's start", async () => {
    const { id } = await createProjectThroughProvider("recover-unknown-start");
    const client = neonClientForCall();
    const inputs = { projectId: id, name: "preview-1" };
    await checkAndCreate(branch, inputs);
    await assert.rejects(branch.recoverCreate(client, inputs as never, interruptedUpdate(client, "preview", undefined)), /not known on Neon's clock/);
  });
});
