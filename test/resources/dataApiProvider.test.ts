import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import * as auth from "../../provider/resources/authIntegration/lifecycle";
import * as dataApi from "../../provider/resources/dataApi/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import * as snapshot from "../../provider/resources/snapshot/lifecycle";
import { call } from "../support/neonLocal";
import {
  checkAndCreate,
  createProjectThroughProvider,
  startNeonForProviderTests,
  stopNeonForProviderTests,
  withoutRetries,
} from "../support/providerContext";

const jwks = "https://idp.example.com/.well-known/jwks.json";

describe("DataApi provider against the local Neon API", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  /** Observers a test adds to act on an exchange as it happens (to inject a fault at the right moment). */
  const hooks: ((e: Exchange) => void)[] = [];

  before(async () => {
    neon = await startNeonForProviderTests({
      onExchange: (e) => {
        exchanges.push(e);
        for (const hook of hooks) hook(e);
      },
    });
  });
  after(() => stopNeonForProviderTests(neon));
  afterEach(() => {
    neon.faults.clear();
    hooks.length = 0;
  });

  const createDataApi = (inputs: Record<string, unknown>) => checkAndCreate(dataApi, inputs);

  const mark = () => {
    const from = exchanges.length;
    return () => exchanges.slice(from).map((e) => ({ method: e.method, operationId: e.operationId, status: e.status, body: e.requestBody }));
  };
  const record = (projectId: string, branchId: string, db = "neondb") => neon.state().projects[projectId].branches[branchId]?.dataApis[db];

  it("creates with external auth and settings, reads, updates settings in place, reads again and deletes", async () => {
    const p = await createProjectThroughProvider("data-api-crud");
    const inputs = { projectId: p.id, authProvider: "external", jwksUrl: jwks, jwtAudience: "app", providerName: "Clerk", settings: { dbSchemas: ["public", "api"], dbMaxRows: 500 } };
    const sent = mark();
    const created = await createDataApi(inputs);
    const outs = created.outs as Record<string, any>;
    assert.equal(created.id, `${p.id}/default/neondb`);
    assert.deepEqual(sent().filter((e) => e.method === "POST").map((e) => e.body), [
      { auth_provider: "external", jwks_url: jwks, jwt_audience: "app", provider_name: "Clerk", settings: { db_schemas: ["public", "api"], db_max_rows: 500 } },
    ]);
    const live = record(p.id, p.outs.defaultBranchId)!;
    assert.equal(outs.url, live.url);
    assert.equal(outs.status, "ready");
    assert.deepEqual(outs.availableSchemas, ["public", "api"]);
    assert.equal(outs.branchId, p.outs.defaultBranchId);
    assert.equal(outs.databaseName, "neondb");
    assert.deepEqual([outs.authProvider, outs.jwksUrl, outs.jwtAudience, outs.providerName], ["external", jwks, "app", "Clerk"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);

    assert.equal((await dataApi.diff(created.id, outs, inputs)).changes, false);
    const read1 = (await dataApi.read(created.id, outs)) as any;
    assert.equal(read1.props.url, outs.url);
    assert.equal(read1.props.jwksUrl, jwks, "auth options cannot be read back: carried from the previous outputs");
    assert.deepEqual(read1.inputs, inputs);
    assert.equal((await dataApi.diff(created.id, read1.props, inputs)).changes, false);

    const news = { ...inputs, settings: { dbSchemas: ["public", "api"], dbMaxRows: 50, openapiMode: "ignore-privileges" } };
    const d = await dataApi.diff(created.id, read1.props, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const sentUpdate = mark();
    const updated = (await dataApi.update(created.id, read1.props, news as never)).outs as Record<string, any>;
    assert.deepEqual(sentUpdate().filter((e) => e.method !== "GET").map((e) => [e.operationId, e.body]), [
      ["updateProjectBranchDataAPI", { settings: { db_max_rows: 50, openapi_mode: "ignore-privileges" } }],
    ]);
    assert.equal(record(p.id, p.outs.defaultBranchId)!.settings.db_max_rows, 50);
    assert.equal(updated.url, outs.url);
    assert.equal(updated.jwksUrl, jwks);

    const read2 = (await dataApi.read(created.id, updated)) as any;
    assert.equal(read2.props.settings.openapiMode, "ignore-privileges");
    assert.equal((await dataApi.diff(created.id, read2.props, news)).changes, false);

    await dataApi.del(created.id, read2.props);
    assert.equal(record(p.id, p.outs.defaultBranchId), undefined);
    await dataApi.del(created.id, read2.props); // already gone: still fine
  });

  it("detects settings drift on refresh, and the next up PATCHes it back", async () => {
    const p = await createProjectThroughProvider("data-api-drift");
    const inputs = { projectId: p.id, authProvider: "external", jwksUrl: jwks, settings: { dbMaxRows: 100 } };
    const created = await createDataApi(inputs);
    await call(neon, "PATCH", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/data-api/neondb`, { settings: { db_max_rows: 7 } });
    const read = (await dataApi.read(created.id, created.outs as never)) as any;
    assert.equal(read.inputs.settings.dbMaxRows, 7, "refresh reports the drifted setting");
    const d = await dataApi.diff(created.id, read.props, inputs);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    await dataApi.update(created.id, read.props, inputs as never);
    assert.equal(record(p.id, p.outs.defaultBranchId)!.settings.db_max_rows, 100);
  });

  it("replaces (deleting first) for new auth options, database, declared branch or project; updates for settings", async () => {
    const p = await createProjectThroughProvider("data-api-replace-keys");
    const inputs = { projectId: p.id, authProvider: "external", jwksUrl: jwks };
    const outs = (await createDataApi(inputs)).outs as Record<string, any>;
    const expect = async (news: Record<string, unknown>, replaces: string[]) => {
      const d = await dataApi.diff(`${p.id}/default/neondb`, outs, { ...inputs, ...news });
      assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, replaces, true], JSON.stringify(news));
    };
    await expect({ authProvider: "neon_auth" }, ["authProvider"]);
    await expect({ jwksUrl: "https://other.example.com/jwks" }, ["jwksUrl"]);
    await expect({ jwtAudience: "x" }, ["jwtAudience"]);
    await expect({ providerName: "Auth0" }, ["providerName"]);
    await expect({ addDefaultGrants: true }, ["addDefaultGrants"]);
    await expect({ skipAuthSchema: true }, ["skipAuthSchema"]);
    await expect({ databaseName: "app" }, ["databaseName"]);
    await expect({ branchId: "br-other-1" }, ["branchId"]);
    await expect({ projectId: "other-project-1" }, ["projectId"]);
    const settings = await dataApi.diff(`${p.id}/default/neondb`, outs, { ...inputs, settings: { dbAnonRole: "web_anon" } });
    assert.deepEqual([settings.changes, settings.replaces], [true, []]);
    assert.equal((await dataApi.diff(`${p.id}/default/neondb`, outs, { ...inputs, databaseName: "neondb", branchId: p.outs.defaultBranchId })).changes, false);
  });

  it("read of a Data API deleted outside Pulumi, or of a deleted project, reports it gone", async () => {
    const p = await createProjectThroughProvider("data-api-gone");
    const created = await createDataApi({ projectId: p.id, authProvider: "external", jwksUrl: jwks });
    await call(neon, "DELETE", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/data-api/neondb`);
    assert.deepEqual(await dataApi.read(created.id, created.outs as never), {});
    const again = await createDataApi({ projectId: p.id, authProvider: "external", jwksUrl: jwks });
    await call(neon, "DELETE", `/projects/${p.id}`);
    assert.deepEqual(await dataApi.read(again.id, again.outs as never), {});
    await dataApi.del(again.id, again.outs as never);
  });

  it("refuses to create over an existing Data API, saying how to adopt it; adopts it when asked and releases it on delete", async () => {
    const p = await createProjectThroughProvider("data-api-adopt");
    await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/data-api/neondb`, { auth_provider: "external", jwks_url: jwks });
    await assert.rejects(createDataApi({ projectId: p.id }), /the Data API is already enabled for database neondb .* Set adoptExisting: true/);
    const sent = mark();
    const adopted = await createDataApi({ projectId: p.id, adoptExisting: true, authProvider: "external", jwksUrl: jwks, settings: { dbMaxRows: 9 } });
    assert.deepEqual(sent().filter((e) => e.method !== "GET").map((e) => [e.operationId, e.body]), [["updateProjectBranchDataAPI", { settings: { db_max_rows: 9 } }]]);
    assert.equal((adopted.outs as any).adoptExisting, true);
    await dataApi.del(adopted.id, adopted.outs as never);
    assert.ok(record(p.id, p.outs.defaultBranchId), "an adopted Data API is released, not deleted");
  });

  it("after a create whose response was lost, takes the one found on as adopted (Neon cannot say when it was made): managed, released on destroy", async () => {
    const p = await createProjectThroughProvider("data-api-ambiguous");
    neon.faults.add({ match: { operationId: "createProjectBranchDataAPI" }, action: { kind: "commit_then_drop" } });
    const sent = mark();
    const created = await createDataApi({ projectId: p.id, authProvider: "external", jwksUrl: jwks, settings: { dbMaxRows: 7 } });
    // The lost POST and the look that finds it: no second POST.
    assert.deepEqual(
      sent().filter((e) => e.operationId?.endsWith("ProjectBranchDataAPI") && e.method !== "GET").map((e) => [e.method, e.status]),
      [["POST", 201]],
    );
    assert.equal((created.outs as any).url, record(p.id, p.outs.defaultBranchId)!.url);
    assert.equal((created.outs as any).adoptExisting, true, "managed as adopted");
    await dataApi.del(created.id, created.outs as never);
    assert.ok(record(p.id, p.outs.defaultBranchId), "released, not deleted: it may not have been this stack's");
  });

  it("after a create whose request was lost before Neon saw it, creates it with one more POST", async () => {
    const p = await createProjectThroughProvider("data-api-lost-request");
    neon.faults.add({ match: { operationId: "createProjectBranchDataAPI" }, action: { kind: "drop" }, times: 1 });
    const sent = mark();
    const created = await createDataApi({ projectId: p.id, authProvider: "external", jwksUrl: jwks });
    assert.deepEqual(
      sent().filter((e) => e.operationId?.endsWith("ProjectBranchDataAPI")).map((e) => [e.method, e.status === 0 ? "dropped" : e.status]),
      [["POST", "dropped"], ["GET", 404], ["POST", 201], ["GET", 200]],
    );
    assert.equal((created.outs as any).url, record(p.id, p.outs.defaultBranchId)!.url);
  });

  it("hands Pulumi the id and URL when the Data API was created but reading it back failed", async () => {
    const p = await createProjectThroughProvider("data-api-init-failure");
    hooks.push((e) => {
      if (e.operationId === "createProjectBranchDataAPI" && e.status === 201) {
        neon.faults.add({ match: { operationId: "getProjectBranchDataAPI" }, action: { kind: "status", status: 503 } });
      }
    });
    await withoutRetries(neon, async () => {
      await assert.rejects(createDataApi({ projectId: p.id, authProvider: "external", jwksUrl: jwks }), (err: any) => {
        assert.equal(err.name, "ResourceInitFailure");
        assert.equal(err.id, `${p.id}/default/neondb`);
        assert.equal(err.properties.url, record(p.id, p.outs.defaultBranchId)!.url);
        assert.equal(err.properties.jwksUrl, jwks);
        assert.match(err.message, /Neon Data API .* was created, but finishing it failed/);
        return true;
      });
    });
  });

  it("creates on a declared branch and database, with both in the Pulumi id", async () => {
    const p = await createProjectThroughProvider("data-api-declared");
    await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/databases`, { database: { name: "app", owner_name: "neondb_owner" } });
    await new Promise((r) => setTimeout(r, 30));
    const created = await createDataApi({ projectId: p.id, branchId: p.outs.defaultBranchId, databaseName: "app", authProvider: "external", jwksUrl: jwks });
    assert.equal(created.id, `${p.id}/${p.outs.defaultBranchId}/app`);
    assert.ok(record(p.id, p.outs.defaultBranchId, "app"));
    const read = (await dataApi.read(created.id, created.outs as never)) as any;
    assert.deepEqual([read.inputs.branchId, read.inputs.databaseName], [p.outs.defaultBranchId, "app"]);
  });
});

describe("Branch-scoped resources across a restore of the default branch (the agent-platform pattern)", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startNeonForProviderTests();
  });
  after(() => stopNeonForProviderTests(neon));

  it("leaves Neon Auth, the Data API and the snapshot unchanged: no diff, same keys and URL, found on the new branch", async () => {
    const created = await createProjectThroughProvider("agent-tenant");
    const projectId = created.id;
    const projectOuts = created.outs;
    const oldBranch = projectOuts.defaultBranchId;

    const authInputs = { projectId, trustedDomains: ["https://agent.example.com"] };
    const dataApiInputs = { projectId, authProvider: "neon_auth", settings: { dbMaxRows: 200 } };
    const snapshotInputs = { projectId, name: "checkpoint-1" };
    const a = await auth.create((await auth.check({}, authInputs)).inputs as never);
    const api = await dataApi.create((await dataApi.check({}, dataApiInputs)).inputs as never);
    const snap = await snapshot.create((await snapshot.check({}, snapshotInputs)).inputs as never);
    const authOuts = a.outs as Record<string, any>;
    const apiOuts = api.outs as Record<string, any>;
    const snapOuts = snap.outs as Record<string, any>;

    // The stack moves the project's active branch to the snapshot: an update of NeonProject only.
    const restored = (await project.update(projectId, projectOuts, { name: "agent-tenant", activeSnapshotId: snap.id })).outs as Record<string, any>;
    const newBranch = restored.defaultBranchId;
    assert.notEqual(newBranch, oldBranch, "the restored default branch has a new id");
    assert.equal(neon.state().projects[projectId].branches[oldBranch], undefined, "the superseded branch is gone");

    // `pulumi up` with the same programs: no diff, no update, no replacement.
    assert.equal((await auth.diff(a.id, authOuts, authInputs)).changes, false);
    assert.equal((await dataApi.diff(api.id, apiOuts, dataApiInputs)).changes, false);
    assert.equal((await snapshot.diff(snap.id, snapOuts, snapshotInputs)).changes, false);

    // `pulumi refresh`: all three are still there, with the same keys, URL and snapshot.
    const authRead = (await auth.read(a.id, authOuts)) as any;
    assert.equal(authRead.id, a.id);
    assert.equal(authRead.props.branchId, newBranch, "outputs report the live branch");
    assert.equal(authRead.props.pubClientKey, authOuts.pubClientKey);
    assert.equal(authRead.props.secretServerKey, authOuts.secretServerKey);
    assert.equal(authRead.props.jwksUrl, authOuts.jwksUrl);
    assert.equal(authRead.inputs.branchId, undefined);
    const apiRead = (await dataApi.read(api.id, apiOuts)) as any;
    assert.equal(apiRead.id, api.id);
    assert.equal(apiRead.props.url, apiOuts.url, "the Data API URL is unchanged");
    assert.equal(apiRead.props.branchId, newBranch);
    const snapRead = (await snapshot.read(snap.id, snapOuts)) as any;
    assert.equal(snapRead.props.snapshotId, snap.id);

    // And `up` after the refresh still shows nothing to do.
    assert.equal((await auth.diff(a.id, authRead.props, authInputs)).changes, false);
    assert.equal((await dataApi.diff(api.id, apiRead.props, dataApiInputs)).changes, false);
    assert.equal((await snapshot.diff(snap.id, snapRead.props, snapshotInputs)).changes, false);

    // Later changes go to the branch that is the default now.
    const moreDomains = { ...authInputs, trustedDomains: ["https://agent.example.com", "https://two.example.com"] };
    await auth.update(a.id, authRead.props, moreDomains as never);
    assert.deepEqual(neon.state().projects[projectId].branches[newBranch].auth!.domains.map((d) => d.domain), moreDomains.trustedDomains);

    // Destroy finds them on the new branch too.
    await dataApi.del(api.id, apiRead.props);
    await auth.del(a.id, authRead.props);
    const branch = neon.state().projects[projectId].branches[newBranch];
    assert.equal(branch.auth, undefined);
    assert.deepEqual(Object.keys(branch.dataApis), []);
  });
});
