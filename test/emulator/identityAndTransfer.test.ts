import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, paidOrgId, sponsoredOrgId, stateText } from "./fixtures";

describe("local Neon API: identity and organizations", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  it("GET /auth says the key is a personal API key of the local user", async () => {
    const res = await call(neon, "GET", "/auth");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { account_id: neon.state().user.id, auth_method: "api_key_user" });
  });

  it("GET /users/me describes the local user", async () => {
    const res = await call(neon, "GET", "/users/me");
    assert.equal(res.status, 200);
    const user = neon.state().user;
    assert.deepEqual([res.body.id, res.body.email, res.body.name, res.body.last_name], [user.id, user.email, user.name, user.last_name]);
    assert.equal(res.body.auth_accounts[0].email, user.email);
  });

  it("GET /users/me/organizations lists the sponsored free organization and the paid one", async () => {
    const res = await call(neon, "GET", "/users/me/organizations");
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.organizations.map((o: any) => [o.id, o.plan, o.name]),
      [
        [sponsoredOrgId, "free", "Agent sponsored"],
        [paidOrgId, "scale", "Agent paid"],
      ],
    );
  });

  it("GET /organizations/{id} returns one organization and 404 for an unknown one", async () => {
    const res = await call(neon, "GET", `/organizations/${paidOrgId}`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.id, res.body.plan, res.body.handle], [paidOrgId, "scale", paidOrgId]);
    assertError(await call(neon, "GET", "/organizations/org-no-such-org-1"), 404, "org-no-such-org-1");
  });

  it("serves the organizations it was started with", async () => {
    const custom = await startTestNeon({ organizations: [{ id: "org-solo-1", name: "Solo", plan: "launch" }] });
    try {
      const res = await call(custom, "GET", "/users/me/organizations");
      assert.deepEqual(res.body.organizations.map((o: any) => [o.id, o.plan]), [["org-solo-1", "launch"]]);
      // Projects go to the first organization when none is named.
      assert.equal((await createProject(custom)).project.org_id, "org-solo-1");
    } finally {
      await custom.close();
    }
  });
});

describe("local Neon API: moving projects between organizations", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  const transfer = (source: string, body: unknown) => call(neon, "POST", `/organizations/${source}/projects/transfer`, body);

  /** Everything a client keeps about a project that a move must not change. */
  async function fingerprint(pid: string) {
    const branches = (await call(neon, "GET", `/projects/${pid}/branches`)).body.branches.map((b: any) => b.id).sort();
    const hosts = (await call(neon, "GET", `/projects/${pid}/endpoints`)).body.endpoints.map((e: any) => e.host).sort();
    const uri = (await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=neondb&role_name=neondb_owner`)).body.uri;
    const pooled = (await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=neondb&role_name=neondb_owner&pooled=true`)).body.uri;
    return { branches, hosts, uri, pooled };
  }

  it("moves projects from the sponsored to the paid organization, keeping ids, hosts and connection URIs", async () => {
    const a = await createProject(neon, { org_id: sponsoredOrgId, name: "tenant-a" });
    const b = await createProject(neon, { org_id: sponsoredOrgId, name: "tenant-b" });
    await createBranch(neon, b.project.id, { branch: { name: "preview" }, endpoints: [{ type: "read_write" }] });
    const stays = await createProject(neon, { org_id: sponsoredOrgId, name: "tenant-c" });
    const before = { a: await fingerprint(a.project.id), b: await fingerprint(b.project.id) };

    const res = await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: [a.project.id, b.project.id] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});

    for (const p of [a, b]) {
      const got = (await call(neon, "GET", `/projects/${p.project.id}`)).body.project;
      assert.equal(got.org_id, paidOrgId);
      assert.equal(got.id, p.project.id);
      assert.equal(got.name, p.project.name);
    }
    assert.deepEqual({ a: await fingerprint(a.project.id), b: await fingerprint(b.project.id) }, before);
    assert.equal((await call(neon, "GET", `/projects/${stays.project.id}`)).body.project.org_id, sponsoredOrgId);
    const paid = (await call(neon, "GET", `/projects?org_id=${paidOrgId}&limit=400`)).body.projects.map((p: any) => p.id);
    assert.ok(paid.includes(a.project.id) && paid.includes(b.project.id));
    const sponsored = (await call(neon, "GET", `/projects?org_id=${sponsoredOrgId}&limit=400`)).body.projects.map((p: any) => p.id);
    assert.ok(!sponsored.includes(a.project.id) && sponsored.includes(stays.project.id));
  });

  it("refuses more than 400 project ids (and none) with 400 naming project_ids, changing nothing", async () => {
    const p = await createProject(neon, { org_id: sponsoredOrgId });
    const before = stateText(neon);
    const ids = [p.project.id, ...Array.from({ length: 400 }, (_, i) => `filler-project-${i}`)];
    assertError(await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: ids }), 400, "project_ids", "at most 400");
    assertError(await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: [] }), 400, "project_ids", "at least 1");
    assert.equal(stateText(neon), before);
  });

  it("refuses an unknown destination organization with 400 naming destination_org_id", async () => {
    const p = await createProject(neon, { org_id: sponsoredOrgId });
    const before = stateText(neon);
    assertError(await transfer(sponsoredOrgId, { destination_org_id: "org-no-such-org-1", project_ids: [p.project.id] }), 400, "destination_org_id");
    assert.equal(stateText(neon), before);
  });

  it("refuses a project that is not in the source organization, and moves none of the others", async () => {
    const mine = await createProject(neon, { org_id: sponsoredOrgId });
    const elsewhere = await createProject(neon, { org_id: paidOrgId });
    const before = stateText(neon);
    const res = await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: [mine.project.id, elsewhere.project.id] });
    assertError(res, 400, elsewhere.project.id, sponsoredOrgId);
    assert.equal(stateText(neon), before);
    assert.equal((await call(neon, "GET", `/projects/${mine.project.id}`)).body.project.org_id, sponsoredOrgId);
  });

  it("answers 404 for an unknown project id and for an unknown source organization", async () => {
    const p = await createProject(neon, { org_id: sponsoredOrgId });
    const before = stateText(neon);
    assertError(await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: [p.project.id, "no-such-project-1"] }), 404, "no-such-project-1");
    assertError(await transfer("org-no-such-org-1", { destination_org_id: paidOrgId, project_ids: [p.project.id] }), 404, "org-no-such-org-1");
    assert.equal(stateText(neon), before);
  });

  it("answers 406 with limits when a project's history retention exceeds the free plan, moving nothing", async () => {
    const fits = await createProject(neon, { org_id: paidOrgId, history_retention_seconds: 3600 });
    const tooLong = await createProject(neon, { org_id: paidOrgId, history_retention_seconds: 604800 });
    const before = stateText(neon);
    const res = await transfer(paidOrgId, { destination_org_id: sponsoredOrgId, project_ids: [fits.project.id, tooLong.project.id] });
    assert.equal(res.status, 406);
    assert.deepEqual(res.body.limits, [{ name: "history_retention_seconds", expected: "<= 21600", actual: "604800" }]);
    assert.equal(stateText(neon), before);
    // The one that fits moves on its own.
    assert.equal((await transfer(paidOrgId, { destination_org_id: sponsoredOrgId, project_ids: [fits.project.id] })).status, 200);
    assert.equal((await call(neon, "GET", `/projects/${fits.project.id}`)).body.project.org_id, sponsoredOrgId);
  });

  it("records the transfer in the request log with its route", async () => {
    const p = await createProject(neon, { org_id: sponsoredOrgId });
    await transfer(sponsoredOrgId, { destination_org_id: paidOrgId, project_ids: [p.project.id] });
    const entry = neon.requestLog.at(-1)!;
    assert.deepEqual(
      [entry.method, entry.route, entry.operationId, entry.status],
      ["POST", "/organizations/{source_org_id}/projects/transfer", "transferProjectsFromOrgToOrg", 200],
    );
  });
});
