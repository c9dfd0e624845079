import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, startNeonWithProject, stateText } from "./fixtures";

describe("local Neon API: roles", () => {
  let neon: NeonLocal;
  let project: any;
  let pid: string;
  let base: string;

  before(async () => {
    ({ neon, created: project, branchPath: base } = await startNeonWithProject());
    pid = project.project.id;
  });
  after(() => neon.close());

  it("lists the branch's roles without passwords", async () => {
    const res = await call(neon, "GET", `${base}/roles`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.roles.map((r: any) => [r.name, r.branch_id, r.authentication_method]), [["neondb_owner", project.branch.id, "password"]]);
    assert.equal(res.body.roles[0].password, undefined);
  });

  it("creates a role that carries its password once, then gets it without the password", async () => {
    const res = await call(neon, "POST", `${base}/roles`, { role: { name: "app_user" } });
    assert.equal(res.status, 201);
    assert.equal(res.body.role.name, "app_user");
    assert.equal(res.body.role.branch_id, project.branch.id);
    assert.match(res.body.role.password, /^npg_[A-Za-z0-9]{12}$/);
    assert.deepEqual(res.body.operations.map((o: any) => [o.action, o.endpoint_id]), [["apply_config", project.endpoints[0].id]]);
    const got = await call(neon, "GET", `${base}/roles/app_user`);
    assert.equal(got.status, 200);
    assert.equal(got.body.role.name, "app_user");
    assert.equal(got.body.role.password, undefined);
    const listed = (await call(neon, "GET", `${base}/roles`)).body.roles.map((r: any) => r.name);
    assert.deepEqual(listed.sort(), ["app_user", "neondb_owner"]);
  });

  it("creates a no_login role without a password in the response", async () => {
    const res = await call(neon, "POST", `${base}/roles`, { role: { name: "readonly_group", no_login: true } });
    assert.equal(res.status, 201);
    assert.equal(res.body.role.authentication_method, "no_login");
    assert.equal(res.body.role.password, undefined);
  });

  it("answers 409 to a role name the branch already has, changing nothing", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "POST", `${base}/roles`, { role: { name: "neondb_owner" } }), 409, "neondb_owner");
    assert.equal(stateText(neon), before);
  });

  it("refuses a role name longer than 63 bytes or empty, naming role.name", async () => {
    assertError(await call(neon, "POST", `${base}/roles`, { role: { name: "r".repeat(64) } }), 400, "role.name");
    assertError(await call(neon, "POST", `${base}/roles`, { role: { name: "é".repeat(32) } }), 400, "role.name");
    assertError(await call(neon, "POST", `${base}/roles`, { role: { name: "" } }), 400, "role.name");
    assertError(await call(neon, "POST", `${base}/roles`, { role: {} }), 400, "role.name");
  });

  it("answers 404 for an unknown role and for an unknown branch", async () => {
    assertError(await call(neon, "GET", `${base}/roles/ghost`), 404, "ghost");
    assertError(await call(neon, "GET", `/projects/${pid}/branches/br-no-such-branch-1/roles`), 404);
    assertError(await call(neon, "POST", `/projects/${pid}/branches/br-no-such-branch-1/roles`, { role: { name: "x" } }), 404);
  });

  it("reveals the password the role was created with, for the project's first role too", async () => {
    const created = await call(neon, "POST", `${base}/roles`, { role: { name: "reveal_me" } });
    const revealed = await call(neon, "GET", `${base}/roles/reveal_me/reveal_password`);
    assert.equal(revealed.status, 200);
    assert.deepEqual(revealed.body, { password: created.body.role.password });
    const owner = await call(neon, "GET", `${base}/roles/neondb_owner/reveal_password`);
    assert.equal(owner.body.password, project.roles[0].password);
  });

  it("answers 404 to reveal_password for an unknown role", async () => {
    assertError(await call(neon, "GET", `${base}/roles/ghost/reveal_password`), 404, "ghost");
  });

  it("resets a password: the new one is returned, revealed and used in connection URIs; the old one is gone", async () => {
    const old = project.roles[0].password;
    const res = await call(neon, "POST", `${base}/roles/neondb_owner/reset_password`);
    assert.equal(res.status, 200);
    assert.match(res.body.role.password, /^npg_/);
    assert.notEqual(res.body.role.password, old);
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["apply_config"]);
    assert.equal((await call(neon, "GET", `${base}/roles/neondb_owner/reveal_password`)).body.password, res.body.role.password);
    const uri = (await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=neondb&role_name=neondb_owner`)).body.uri;
    assert.equal(decodeURIComponent(new URL(uri).password), res.body.role.password);
    assertError(await call(neon, "POST", `${base}/roles/ghost/reset_password`), 404, "ghost");
  });

  it("refuses to delete a role that owns a database (409), changing nothing", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "DELETE", `${base}/roles/neondb_owner`), 409, "neondb");
    assert.equal(stateText(neon), before);
  });

  it("deletes a role (200 with the role), then 404 on GET and 204 on a second DELETE", async () => {
    await call(neon, "POST", `${base}/roles`, { role: { name: "short_lived" } });
    const del = await call(neon, "DELETE", `${base}/roles/short_lived`);
    assert.equal(del.status, 200);
    assert.equal(del.body.role.name, "short_lived");
    assert.equal(del.body.role.password, undefined);
    assertError(await call(neon, "GET", `${base}/roles/short_lived`), 404);
    const again = await call(neon, "DELETE", `${base}/roles/short_lived`);
    assert.equal(again.status, 204);
    assert.equal(again.body, undefined);
  });

  it("keeps roles per branch: a role created on a child is not on its parent", async () => {
    const child = await createBranch(neon, pid, { branch: { name: "role-child" } });
    const res = await call(neon, "POST", `/projects/${pid}/branches/${child.branch.id}/roles`, { role: { name: "child_only" } });
    assert.equal(res.status, 201);
    assertError(await call(neon, "GET", `${base}/roles/child_only`), 404);
  });

  it("answers 412 to reveal_password when the project does not store passwords (and 404 first for an unknown role)", async () => {
    const p = await createProject(neon, { store_passwords: false });
    assert.equal(p.project.store_passwords, false);
    const path = `/projects/${p.project.id}/branches/${p.branch.id}/roles`;
    assertError(await call(neon, "GET", `${path}/neondb_owner/reveal_password`), 412, "passwords");
    assertError(await call(neon, "GET", `${path}/ghost/reveal_password`), 404);
    // A reset still hands the new password out, once.
    const reset = await call(neon, "POST", `${path}/neondb_owner/reset_password`);
    assert.match(reset.body.role.password, /^npg_/);
  });
});

describe("local Neon API: databases", () => {
  let neon: NeonLocal;
  let project: any;
  let pid: string;
  let base: string;

  before(async () => {
    ({ neon, created: project, branchPath: base } = await startNeonWithProject());
    pid = project.project.id;
    await call(neon, "POST", `${base}/roles`, { role: { name: "shop_owner" } });
  });
  after(() => neon.close());

  it("lists the branch's databases", async () => {
    const res = await call(neon, "GET", `${base}/databases`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.databases.map((d: any) => [d.name, d.owner_name]), [["neondb", "neondb_owner"]]);
  });

  it("creates a database owned by an existing role, with a new numeric id, and gets it", async () => {
    const res = await call(neon, "POST", `${base}/databases`, { database: { name: "shop", owner_name: "shop_owner" } });
    assert.equal(res.status, 201);
    assert.deepEqual([res.body.database.name, res.body.database.owner_name, res.body.database.branch_id], ["shop", "shop_owner", project.branch.id]);
    assert.equal(typeof res.body.database.id, "number");
    assert.notEqual(res.body.database.id, project.databases[0].id);
    assert.deepEqual(res.body.operations.map((o: any) => o.action), ["apply_config"]);
    const got = await call(neon, "GET", `${base}/databases/shop`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.database, res.body.database);
  });

  it("refuses a database whose owner role does not exist (400 naming database.owner_name), changing nothing", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "POST", `${base}/databases`, { database: { name: "orphan", owner_name: "nobody" } }), 400, "database.owner_name", "nobody");
    assert.equal(stateText(neon), before);
  });

  it("answers 409 to a database name the branch already has", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "POST", `${base}/databases`, { database: { name: "neondb", owner_name: "shop_owner" } }), 409, "neondb");
    assert.equal(stateText(neon), before);
  });

  it("refuses a database body without owner_name, naming the field", async () => {
    assertError(await call(neon, "POST", `${base}/databases`, { database: { name: "x" } }), 400, "database.owner_name");
  });

  it("answers 404 for an unknown database", async () => {
    assertError(await call(neon, "GET", `${base}/databases/nodb`), 404, "nodb");
    assertError(await call(neon, "PATCH", `${base}/databases/nodb`, { database: { name: "x" } }), 404, "nodb");
  });

  it("renames a database: the old name answers 404, the new one keeps id and owner, connection URIs use it", async () => {
    const created = (await call(neon, "POST", `${base}/databases`, { database: { name: "draft", owner_name: "shop_owner" } })).body.database;
    const res = await call(neon, "PATCH", `${base}/databases/draft`, { database: { name: "final" } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.database.name, res.body.database.id, res.body.database.owner_name], ["final", created.id, "shop_owner"]);
    assertError(await call(neon, "GET", `${base}/databases/draft`), 404);
    assert.equal((await call(neon, "GET", `${base}/databases/final`)).body.database.id, created.id);
    const uri = await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=final&role_name=shop_owner`);
    assert.equal(new URL(uri.body.uri).pathname, "/final");
  });

  it("changes a database's owner, and refuses an unknown owner or a name already taken", async () => {
    await call(neon, "POST", `${base}/databases`, { database: { name: "handover", owner_name: "shop_owner" } });
    const res = await call(neon, "PATCH", `${base}/databases/handover`, { database: { owner_name: "neondb_owner" } });
    assert.equal(res.body.database.owner_name, "neondb_owner");
    const before = stateText(neon);
    assertError(await call(neon, "PATCH", `${base}/databases/handover`, { database: { owner_name: "nobody" } }), 400, "database.owner_name");
    assertError(await call(neon, "PATCH", `${base}/databases/handover`, { database: { name: "neondb" } }), 409, "neondb");
    assert.equal(stateText(neon), before);
  });

  it("deletes a database (200 with it), then 404 on GET and 204 on a second DELETE; its owner can then be deleted", async () => {
    await call(neon, "POST", `${base}/roles`, { role: { name: "temp_owner" } });
    await call(neon, "POST", `${base}/databases`, { database: { name: "temp", owner_name: "temp_owner" } });
    assertError(await call(neon, "DELETE", `${base}/roles/temp_owner`), 409, "temp");
    const del = await call(neon, "DELETE", `${base}/databases/temp`);
    assert.equal(del.status, 200);
    assert.equal(del.body.database.name, "temp");
    assertError(await call(neon, "GET", `${base}/databases/temp`), 404);
    assert.equal((await call(neon, "DELETE", `${base}/databases/temp`)).status, 204);
    assert.equal((await call(neon, "DELETE", `${base}/roles/temp_owner`)).status, 200);
  });

  it("copies databases to a parent-data child with new ids, independent of the parent afterwards", async () => {
    const child = await createBranch(neon, pid, { branch: { name: "db-child" } });
    const parentDbs = (await call(neon, "GET", `${base}/databases`)).body.databases;
    const childDbs = child.databases;
    assert.deepEqual(childDbs.map((d: any) => d.name).sort(), parentDbs.map((d: any) => d.name).sort());
    for (const d of childDbs) assert.ok(!parentDbs.some((p: any) => p.id === d.id), "each copy has its own id");
    await call(neon, "DELETE", `/projects/${pid}/branches/${child.branch.id}/databases/shop`);
    assert.equal((await call(neon, "GET", `${base}/databases/shop`)).status, 200);
  });
});

describe("local Neon API: databases and what serves them", () => {
  let neon: NeonLocal;
  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  it("moves the Data API and Neon Auth with a renamed database, and drops the Data API with a dropped one", async () => {
    const project = await createProject(neon);
    const base = `/projects/${project.project.id}/branches/${project.branch.id}`;
    assert.equal((await call(neon, "POST", `${base}/auth`, { auth_provider: "better_auth" })).status, 201);
    const created = await call(neon, "POST", `${base}/data-api/neondb`, {});
    assert.equal(created.status, 201);
    assert.equal((await call(neon, "PATCH", `${base}/databases/neondb`, { database: { name: "appdb" } })).status, 200);
    assert.equal((await call(neon, "GET", `${base}/data-api/appdb`)).body.url, created.body.url);
    assert.equal((await call(neon, "GET", `${base}/auth`)).body.db_name, "appdb");
    assert.equal((await call(neon, "DELETE", `${base}/databases/appdb`)).status, 200);
    assert.equal(neon.state().projects[project.project.id].branches[project.branch.id].dataApis.appdb, undefined);
  });
});
