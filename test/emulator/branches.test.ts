import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, stateText } from "./fixtures";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

describe("local Neon API: creating branches", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  let project: any;
  let pid: string;
  let mainId: string;

  before(async () => {
    neon = await startTestNeon({ clock });
    // One hour of history, so a parent_timestamp two hours back is outside the window.
    project = await createProject(neon, { history_retention_seconds: 3600 });
    pid = project.project.id;
    mainId = project.branch.id;
    clock.advance(30 * 60 * 1000);
  });
  after(() => neon.close());

  it("branches from the default branch by default, inheriting its roles and databases, with no compute", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "dev" } });
    assert.equal(b.branch.name, "dev");
    assert.equal(b.branch.parent_id, mainId);
    assert.equal(b.branch.default, false);
    assert.equal(b.branch.protected, false);
    assert.equal(b.branch.init_source, "parent-data");
    assert.match(b.branch.parent_lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.deepEqual(b.endpoints, []);
    assert.equal(b.connection_uris, undefined);
    assert.deepEqual(b.roles.map((r: any) => r.name), ["neondb_owner"]);
    assert.equal(b.roles[0].password, undefined, "inherited roles are listed without their password");
    assert.deepEqual(b.databases.map((d: any) => [d.name, d.owner_name, d.branch_id]), [["neondb", "neondb_owner", b.branch.id]]);
    assert.deepEqual(b.operations.map((o: any) => o.action), ["create_branch"]);
  });

  it("generates a name when none is given and accepts no body at all", async () => {
    const res = await call(neon, "POST", `/projects/${pid}/branches`);
    assert.equal(res.status, 201);
    assert.match(res.body.branch.name, /^[a-z]+-[a-z]+-\d{6}$/);
    assert.equal(res.body.branch.parent_id, mainId);
  });

  it("branches from the given parent_id and answers 400 naming branch.parent_id for an unknown one", async () => {
    const dev = await createBranch(neon, pid, { branch: { name: "feature-parent" } });
    const child = await createBranch(neon, pid, { branch: { name: "feature-child", parent_id: dev.branch.id } });
    assert.equal(child.branch.parent_id, dev.branch.id);
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { parent_id: "br-no-such-branch-1" } }), 400, "branch.parent_id");
  });

  it("branches at a parent_lsn inside the parent's history and refuses one outside it or malformed", async () => {
    const earlier = await createBranch(neon, pid, { branch: { name: "lsn-source" } });
    const lsn = earlier.branch.parent_lsn;
    const at = await createBranch(neon, pid, { branch: { name: "lsn-child", parent_lsn: lsn } });
    assert.equal(at.branch.parent_lsn, lsn);
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { parent_lsn: "0/1" } }), 400, "branch.parent_lsn");
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { parent_lsn: "FFFF/0" } }), 400, "branch.parent_lsn");
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { parent_lsn: "latest" } }), 400, "branch.parent_lsn");
  });

  it("branches at a parent_timestamp inside the retention window and refuses one outside it or in the future", async () => {
    const inside = iso(clock.now() - 10 * 60 * 1000);
    const b = await createBranch(neon, pid, { branch: { name: "pitr", parent_timestamp: inside } });
    assert.equal(b.branch.parent_timestamp, inside);
    const before = stateText(neon);
    const outside = await call(neon, "POST", `/projects/${pid}/branches`, {
      branch: { name: "too-old", parent_timestamp: iso(clock.now() - 2 * 3600 * 1000) },
    });
    assertError(outside, 400, "branch.parent_timestamp", "retention");
    const future = await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "too-new", parent_timestamp: iso(clock.now() + 60_000) } });
    assertError(future, 400, "branch.parent_timestamp");
    assert.equal(stateText(neon), before);
  });

  it("refuses parent_lsn together with parent_timestamp", async () => {
    const res = await call(neon, "POST", `/projects/${pid}/branches`, {
      branch: { parent_lsn: "0/1000000", parent_timestamp: iso(clock.now()) },
    });
    assertError(res, 400, "mutually exclusive");
  });

  it("creates a schema-only branch as a new root: no parent_id and no parent LSN", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "schema-copy", init_source: "schema-only" } });
    assert.equal(b.branch.init_source, "schema-only");
    assert.equal(b.branch.parent_id, undefined);
    assert.equal(b.branch.parent_lsn, undefined);
    const got = await call(neon, "GET", `/projects/${pid}/branches/${b.branch.id}`);
    assert.equal(got.body.branch.parent_id, undefined);
  });

  it("creates a protected branch", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "prod-copy", protected: true } });
    assert.equal(b.branch.protected, true);
    assert.equal((await call(neon, "GET", `/projects/${pid}/branches/${b.branch.id}`)).body.branch.protected, true);
  });

  it("sets expires_at with its ttl_interval_seconds, and refuses a past or more than 30 days away expiry", async () => {
    const expiresAt = iso(clock.now() + 2 * 3600 * 1000);
    const b = await createBranch(neon, pid, { branch: { name: "ephemeral", expires_at: expiresAt } });
    assert.equal(b.branch.expires_at, expiresAt);
    assert.equal(b.branch.ttl_interval_seconds, 7200);
    const before = stateText(neon);
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "gone", expires_at: iso(clock.now() - 1000) } }), 400, "branch.expires_at");
    assertError(
      await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "far", expires_at: iso(clock.now() + 31 * 24 * 3600 * 1000) } }),
      400,
      "branch.expires_at",
    );
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "bad", expires_at: "tomorrow" } }), 400, "branch.expires_at");
    assert.equal(stateText(neon), before);
  });

  it("creates computes listed in endpoints[] in the same call and returns connection URIs for the read-write one", async () => {
    const b = await createBranch(neon, pid, {
      branch: { name: "with-computes" },
      endpoints: [{ type: "read_write", autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 1 }, { type: "read_only" }],
    });
    assert.deepEqual(b.endpoints.map((e: any) => [e.type, e.branch_id]), [
      ["read_write", b.branch.id],
      ["read_only", b.branch.id],
    ]);
    assert.deepEqual([b.endpoints[0].autoscaling_limit_min_cu, b.endpoints[0].autoscaling_limit_max_cu], [0.5, 1]);
    assert.deepEqual(b.operations.map((o: any) => [o.action, o.endpoint_id]), [
      ["create_branch", undefined],
      ["start_compute", b.endpoints[0].id],
      ["start_compute", b.endpoints[1].id],
    ]);
    assert.equal(b.connection_uris.length, 1);
    assert.equal(new URL(b.connection_uris[0].connection_uri).hostname, b.endpoints[0].host);
    // The inherited role keeps its password on the child, as the data (and pg_authid) is copied.
    assert.equal(b.connection_uris[0].connection_parameters.password, project.roles[0].password);
  });

  it("refuses two read_write computes in one call and creates nothing", async () => {
    const before = stateText(neon);
    const res = await call(neon, "POST", `/projects/${pid}/branches`, {
      branch: { name: "two-writers" },
      endpoints: [{ type: "read_write" }, { type: "read_write" }],
    });
    assertError(res, 400, "read_write");
    assert.equal(stateText(neon), before);
  });

  it("refuses compute limits in endpoints[] whose min would exceed the max the compute gets", async () => {
    const before = stateText(neon);
    assertError(
      await call(neon, "POST", `/projects/${pid}/branches`, { endpoints: [{ type: "read_write", autoscaling_limit_min_cu: 2, autoscaling_limit_max_cu: 1 }] }),
      400,
      "autoscaling_limit_min_cu",
    );
    // Only a min: the max is the project's default (2 CU), so 4 would leave min > max.
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { endpoints: [{ type: "read_write", autoscaling_limit_min_cu: 4 }] }), 400, "autoscaling_limit_min_cu");
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { endpoints: [{ type: "read_only", autoscaling_limit_max_cu: 0.1 }] }), 400, "endpoints.0.autoscaling_limit_max_cu");
    assert.equal(stateText(neon), before);
  });

  it("answers 409 to a duplicate branch name and creates nothing", async () => {
    await createBranch(neon, pid, { branch: { name: "taken" } });
    const before = stateText(neon);
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "taken" } }), 409, "taken");
    assertError(await call(neon, "POST", `/projects/${pid}/branches`, { branch: { name: "main" } }), 409, "main");
    assert.equal(stateText(neon), before);
  });

  it("gets a branch with its annotation and answers 404 for an unknown one", async () => {
    const got = await call(neon, "GET", `/projects/${pid}/branches/${mainId}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.branch.id, mainId);
    assert.equal(got.body.branch.default, true);
    assert.deepEqual(got.body.annotation.object, { type: "console/branch", id: mainId });
    assertError(await call(neon, "GET", `/projects/${pid}/branches/br-no-such-branch-1`), 404, "br-no-such-branch-1");
  });
});

describe("local Neon API: updating branches", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  let pid: string;
  let mainId: string;

  before(async () => {
    neon = await startTestNeon({ clock });
    const p = await createProject(neon);
    pid = p.project.id;
    mainId = p.branch.id;
  });
  after(() => neon.close());

  it("renames a branch and refuses a name another branch has", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "old-name" } });
    clock.advance(5000);
    const res = await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { name: "new-name" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.branch.name, "new-name");
    assert.notEqual(res.body.branch.updated_at, b.branch.updated_at);
    assert.equal((await call(neon, "GET", `/projects/${pid}/branches/${b.branch.id}`)).body.branch.name, "new-name");
    const before = stateText(neon);
    assertError(await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { name: "main" } }), 409, "main");
    assert.equal(stateText(neon), before);
  });

  it("protects and unprotects a branch", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "guarded" } });
    const on = await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { protected: true } });
    assert.equal(on.body.branch.protected, true);
    const off = await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { protected: false } });
    assert.equal(off.body.branch.protected, false);
  });

  it("sets expires_at, and removes it with null (ttl_interval_seconds goes with it)", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "temporary" } });
    const expiresAt = iso(clock.now() + 24 * 3600 * 1000);
    const set = await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { expires_at: expiresAt } });
    assert.equal(set.body.branch.expires_at, expiresAt);
    assert.equal(set.body.branch.ttl_interval_seconds, 86400);
    const cleared = await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { expires_at: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.branch.expires_at, undefined);
    assert.equal(cleared.body.branch.ttl_interval_seconds, undefined);
    const got = (await call(neon, "GET", `/projects/${pid}/branches/${b.branch.id}`)).body.branch;
    assert.equal(got.expires_at, undefined);
    assert.equal(neon.state().projects[pid].branches[b.branch.id].branch.expires_at, undefined);
  });

  it("refuses a past expires_at and any expiry on the default branch", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "not-in-the-past" } });
    const before = stateText(neon);
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { expires_at: iso(clock.now() - 1000) } }),
      400,
      "branch.expires_at",
    );
    assertError(
      await call(neon, "PATCH", `/projects/${pid}/branches/${mainId}`, { branch: { expires_at: iso(clock.now() + 3600_000) } }),
      400,
      "branch.expires_at",
    );
    assert.equal(stateText(neon), before);
  });

  it("answers 404 when updating an unknown branch", async () => {
    assertError(await call(neon, "PATCH", `/projects/${pid}/branches/br-no-such-branch-1`, { branch: { name: "x" } }), 404);
  });
});

describe("local Neon API: deleting branches and the default branch", () => {
  let neon: NeonLocal;
  let pid: string;
  let mainId: string;

  before(async () => {
    neon = await startTestNeon();
    const p = await createProject(neon);
    pid = p.project.id;
    mainId = p.branch.id;
  });
  after(() => neon.close());

  it("refuses to delete the default branch, with a clear message, changing nothing", async () => {
    const before = stateText(neon);
    assertError(await call(neon, "DELETE", `/projects/${pid}/branches/${mainId}`), 409, "default branch");
    assert.equal(stateText(neon), before);
  });

  it("refuses to delete a branch with children, naming them, changing nothing", async () => {
    const parent = await createBranch(neon, pid, { branch: { name: "parent" } });
    const child = await createBranch(neon, pid, { branch: { name: "child", parent_id: parent.branch.id } });
    const before = stateText(neon);
    assertError(await call(neon, "DELETE", `/projects/${pid}/branches/${parent.branch.id}`), 409, "child", child.branch.id);
    assert.equal(stateText(neon), before);
    // Once the child is gone, the parent can go.
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/branches/${child.branch.id}`)).status, 200);
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/branches/${parent.branch.id}`)).status, 200);
  });

  it("does not count a schema-only branch as a child of the branch it copied", async () => {
    const source = await createBranch(neon, pid, { branch: { name: "schema-source" } });
    await createBranch(neon, pid, { branch: { name: "schema-only-copy", parent_id: source.branch.id, init_source: "schema-only" } });
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/branches/${source.branch.id}`)).status, 200);
  });

  it("refuses to delete a protected branch until it is unprotected", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "keep-me", protected: true } });
    const before = stateText(neon);
    assertError(await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`), 409, "protected");
    assert.equal(stateText(neon), before);
    await call(neon, "PATCH", `/projects/${pid}/branches/${b.branch.id}`, { branch: { protected: false } });
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`)).status, 200);
  });

  it("answers 204 with no body for a branch that does not exist (again)", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "twice" } });
    assert.equal((await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`)).status, 200);
    const again = await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`);
    assert.equal(again.status, 204);
    assert.equal(again.body, undefined);
    const unknown = await call(neon, "DELETE", `/projects/${pid}/branches/br-never-existed-1`);
    assert.equal(unknown.status, 204);
  });

  it("deletes a branch with its computes and schedules their suspension and the timeline deletion", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "with-compute" }, endpoints: [{ type: "read_write" }, { type: "read_only" }] });
    const ids = b.endpoints.map((e: any) => e.id);
    const res = await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.branch.id, b.branch.id);
    assert.deepEqual(res.body.operations.map((o: any) => [o.action, o.endpoint_id ?? null]), [
      ["suspend_compute", ids[0]],
      ["suspend_compute", ids[1]],
      ["delete_timeline", null],
    ]);
    assertError(await call(neon, "GET", `/projects/${pid}/branches/${b.branch.id}`), 404);
    for (const id of ids) assertError(await call(neon, "GET", `/projects/${pid}/endpoints/${id}`), 404);
    const all = (await call(neon, "GET", `/projects/${pid}/endpoints`)).body.endpoints;
    assert.ok(!all.some((e: any) => ids.includes(e.id)));
  });

  it("moves the default flag with set_as_default: one default branch, the connection URI follows it, the delete rules too", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "next-main" }, endpoints: [{ type: "read_write" }] });
    const res = await call(neon, "POST", `/projects/${pid}/branches/${b.branch.id}/set_as_default`);
    assert.equal(res.status, 200);
    assert.equal(res.body.branch.default, true);
    const list = (await call(neon, "GET", `/projects/${pid}/branches`)).body.branches;
    assert.deepEqual(
      list.filter((x: any) => x.default).map((x: any) => x.id),
      [b.branch.id],
      "exactly one default branch",
    );
    assert.equal(list.find((x: any) => x.id === mainId).default, false);
    // The project's connection URI follows the default branch.
    const uri = (await call(neon, "GET", `/projects/${pid}/connection_uri?database_name=neondb&role_name=neondb_owner`)).body.uri;
    assert.equal(new URL(uri).hostname, b.endpoints[0].host);
    // The new default is protected as the old one was; the old one is refused only for its children now.
    assertError(await call(neon, "DELETE", `/projects/${pid}/branches/${b.branch.id}`), 409, "default branch");
    const oldMain = await call(neon, "DELETE", `/projects/${pid}/branches/${mainId}`);
    assertError(oldMain, 409, "child", b.branch.id);
    assert.ok(!oldMain.body.message.includes("default"));
  });

  it("refuses set_as_default for a branch with an expiry and answers 404 for an unknown branch", async () => {
    const b = await createBranch(neon, pid, { branch: { name: "expiring", expires_at: iso(Date.now() + 3600_000) } });
    const before = stateText(neon);
    assertError(await call(neon, "POST", `/projects/${pid}/branches/${b.branch.id}/set_as_default`), 400, "expiry");
    assert.equal(stateText(neon), before);
    assertError(await call(neon, "POST", `/projects/${pid}/branches/br-no-such-branch-1/set_as_default`), 404);
  });

  it("lists the computes of one branch only, and answers 404 for an unknown branch", async () => {
    const a = await createBranch(neon, pid, { branch: { name: "computes-a" }, endpoints: [{ type: "read_write" }, { type: "read_only" }] });
    await createBranch(neon, pid, { branch: { name: "computes-b" }, endpoints: [{ type: "read_write" }] });
    const res = await call(neon, "GET", `/projects/${pid}/branches/${a.branch.id}/endpoints`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.endpoints.map((e: any) => e.id).sort(), a.endpoints.map((e: any) => e.id).sort());
    const empty = await createBranch(neon, pid, { branch: { name: "computes-none" } });
    assert.deepEqual((await call(neon, "GET", `/projects/${pid}/branches/${empty.branch.id}/endpoints`)).body.endpoints, []);
    assertError(await call(neon, "GET", `/projects/${pid}/branches/br-no-such-branch-1/endpoints`), 404);
  });
});

describe("local Neon API: listing branches", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  let pid: string;
  const names = ["main", "delta", "alpha", "echo", "charlie", "bravo", "foxtrot"];

  before(async () => {
    neon = await startTestNeon({ clock });
    pid = (await createProject(neon)).project.id;
    for (const name of names.slice(1)) {
      clock.advance(1000);
      await createBranch(neon, pid, { branch: { name } });
    }
  });
  after(() => neon.close());

  async function walk(sortBy: string, sortOrder: string, limit: number): Promise<{ names: string[]; pages: number }> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 1; pages < 50; pages++) {
      const qs = new URLSearchParams({ sort_by: sortBy, sort_order: sortOrder, limit: String(limit) });
      if (cursor) qs.set("cursor", cursor);
      const res = await call(neon, "GET", `/projects/${pid}/branches?${qs}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.branches.length <= limit);
      assert.deepEqual([res.body.pagination.sort_by, res.body.pagination.sort_order], [sortBy, sortOrder]);
      seen.push(...res.body.branches.map((b: any) => b.name));
      for (const b of res.body.branches) assert.ok(res.body.annotations[b.id], "each listed branch has its annotation");
      cursor = res.body.pagination.next;
      if (cursor === undefined) return { names: seen, pages };
    }
    assert.fail("pagination did not end");
  }

  it("walks all branches by name ascending with limit and pagination.next: none twice, none missing", async () => {
    const { names: seen, pages } = await walk("name", "asc", 3);
    assert.deepEqual(seen, [...names].sort());
    assert.equal(pages, 3);
  });

  it("walks all branches by created_at descending, newest first", async () => {
    const { names: seen } = await walk("created_at", "desc", 2);
    assert.deepEqual(seen, [...names].reverse());
  });

  it("walks by updated_at ascending with a page size that divides the count exactly", async () => {
    const { names: seen } = await walk("updated_at", "asc", 7);
    assert.deepEqual(seen, names);
  });

  it("returns every branch without pagination.next when no limit is given, sorted by updated_at descending", async () => {
    const res = await call(neon, "GET", `/projects/${pid}/branches`);
    assert.equal(res.body.branches.length, names.length);
    assert.equal(res.body.pagination.next, undefined);
    assert.deepEqual([res.body.pagination.sort_by, res.body.pagination.sort_order], ["updated_at", "desc"]);
    assert.deepEqual(res.body.branches.map((b: any) => b.name), [...names].reverse());
  });

  it("searches branches by partial name, case-insensitively, and by partial id", async () => {
    const res = await call(neon, "GET", `/projects/${pid}/branches?search=CHARL`);
    assert.deepEqual(res.body.branches.map((b: any) => b.name), ["charlie"]);
    const bravo = Object.values(neon.state().projects[pid].branches).find((b) => b.branch.name === "bravo")!;
    const byId = await call(neon, "GET", `/projects/${pid}/branches?search=${bravo.branch.id.slice(-8)}`);
    assert.deepEqual(byId.body.branches.map((b: any) => b.name), ["bravo"]);
  });

  it("refuses a cursor from another sort order or sort key, and a garbage cursor, with 400 naming cursor", async () => {
    const first = await call(neon, "GET", `/projects/${pid}/branches?sort_by=name&sort_order=asc&limit=2`);
    const next = first.body.pagination.next;
    assert.equal(typeof next, "string");
    assertError(await call(neon, "GET", `/projects/${pid}/branches?sort_by=name&sort_order=desc&limit=2&cursor=${next}`), 400, "cursor");
    assertError(await call(neon, "GET", `/projects/${pid}/branches?sort_by=created_at&sort_order=asc&limit=2&cursor=${next}`), 400, "cursor");
    assertError(await call(neon, "GET", `/projects/${pid}/branches?limit=2&cursor=garbage`), 400, "cursor");
  });

  it("refuses an unknown sort_by and a limit of 0", async () => {
    assertError(await call(neon, "GET", `/projects/${pid}/branches?sort_by=size`), 400, "sort_by");
    assertError(await call(neon, "GET", `/projects/${pid}/branches?limit=0`), 400, "limit");
  });
});
