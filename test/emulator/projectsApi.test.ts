import assert from "node:assert/strict";
import { ManualClock, type NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";
import { assertError, createBranch, createProject, paidOrgId, sponsoredOrgId, stateText } from "./fixtures";

describe("local Neon API: project listing", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();
  const paidIds: string[] = [];
  const sponsoredIds: string[] = [];

  before(async () => {
    neon = await startTestNeon({ clock });
    // One second apart, so creation order is also created_at order (Neon prints whole seconds).
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      paidIds.push((await createProject(neon, { name: `shop-${i}`, org_id: paidOrgId })).project.id);
    }
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      sponsoredIds.push((await createProject(neon, { name: `blog-${i}`, org_id: sponsoredOrgId })).project.id);
    }
  });
  after(() => neon.close());

  /** Follows `pagination.cursor` until a page comes back empty; returns the ids in order and the page sizes. */
  async function walk(query: string, limit: number): Promise<{ ids: string[]; pages: number[] }> {
    const ids: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const qs = new URLSearchParams(query);
      qs.set("limit", String(limit));
      if (cursor) qs.set("cursor", cursor);
      const res = await call(neon, "GET", `/projects?${qs}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.projects.length <= limit, "a page never exceeds the limit");
      if (res.body.projects.length === 0) return { ids, pages };
      pages.push(res.body.projects.length);
      ids.push(...res.body.projects.map((p: any) => p.id));
      cursor = res.body.pagination.cursor;
    }
    assert.fail("pagination did not end");
  }

  it("walks every project of an organization with cursor and limit: none twice, none missing, in creation order", async () => {
    const { ids, pages } = await walk(`org_id=${paidOrgId}`, 3);
    assert.deepEqual(pages, [3, 3, 1]);
    assert.equal(new Set(ids).size, ids.length, "no duplicates");
    assert.deepEqual(ids, paidIds);
  });

  it("keeps walking when the project a cursor points at is deleted between pages", async () => {
    const own = await startTestNeon({ clock: new ManualClock() });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await createProject(own, { name: `tmp-${i}` })).project.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const res = await call(own, "GET", `/projects?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        if (res.body.projects.length === 0) break;
        // A cleanup loop: delete what the page listed before asking for the next one.
        for (const p of res.body.projects) {
          seen.push(p.id);
          assert.equal((await call(own, "DELETE", `/projects/${p.id}`)).status, 200);
        }
        cursor = res.body.pagination.cursor;
      }
      assert.deepEqual([...seen].sort(), [...ids].sort());
      assert.deepEqual(Object.keys(own.state().projects), []);
    } finally {
      await own.close();
    }
  });

  it("refuses a cursor it did not hand out with a 400 naming cursor", async () => {
    assertError(await call(neon, "GET", "/projects?cursor=not-a-cursor"), 400, "cursor");
  });

  it("walks all projects of the account when no org_id is given", async () => {
    const { ids } = await walk("", 4);
    assert.deepEqual([...ids].sort(), [...paidIds, ...sponsoredIds].sort());
    assert.equal(new Set(ids).size, 10);
  });

  it("filters by org_id and lists each project with its org_id and org_name", async () => {
    const res = await call(neon, "GET", `/projects?org_id=${sponsoredOrgId}&limit=100`);
    assert.deepEqual(res.body.projects.map((p: any) => p.id), sponsoredIds);
    for (const p of res.body.projects) {
      assert.equal(p.org_id, sponsoredOrgId);
      assert.equal(p.org_name, "Agent sponsored");
    }
  });

  it("defaults to pages of 10 projects", async () => {
    const res = await call(neon, "GET", "/projects");
    assert.equal(res.body.projects.length, 10);
  });

  it("searches by partial name and by partial project id", async () => {
    const byName = await call(neon, "GET", "/projects?search=BLOG-&limit=100");
    assert.deepEqual(byName.body.projects.map((p: any) => p.id), sponsoredIds);
    const id = paidIds[4];
    const byId = await call(neon, "GET", `/projects?search=${id.slice(-8)}`);
    assert.ok(byId.body.projects.some((p: any) => p.id === id));
    const none = await call(neon, "GET", "/projects?search=no-such-project");
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.projects, []);
  });

  it("combines search and org_id", async () => {
    const res = await call(neon, "GET", `/projects?search=shop&org_id=${sponsoredOrgId}`);
    assert.deepEqual(res.body.projects, []);
  });

  it("refuses a limit outside 1–400 with a 400 naming limit", async () => {
    assertError(await call(neon, "GET", "/projects?limit=0"), 400, "limit");
    assertError(await call(neon, "GET", "/projects?limit=401"), 400, "limit");
    assertError(await call(neon, "GET", "/projects?limit=ten"), 400, "limit");
  });

  it("reads timeout as the integer (milliseconds) Neon's spec makes it, refusing other text with a 400 naming timeout", async () => {
    assert.equal((await call(neon, "GET", "/projects?timeout=5000")).status, 200);
    assertError(await call(neon, "GET", "/projects?timeout=soon"), 400, "timeout");
  });
});

describe("local Neon API: creating projects", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  it("uses the custom branch, role and database names everywhere, including the connection URI", async () => {
    const b = await createProject(neon, { name: "custom", branch: { name: "trunk", role_name: "app", database_name: "appdb" } });
    assert.equal(b.branch.name, "trunk");
    assert.deepEqual(b.roles.map((r: any) => r.name), ["app"]);
    assert.deepEqual(b.databases.map((d: any) => [d.name, d.owner_name]), [["appdb", "app"]]);
    const uri = new URL(b.connection_uris[0].connection_uri);
    assert.equal(uri.username, "app");
    assert.equal(decodeURIComponent(uri.password), b.roles[0].password);
    assert.equal(uri.pathname, "/appdb");
    assert.deepEqual(
      { ...b.connection_uris[0].connection_parameters, password: undefined, host: undefined, pooler_host: undefined },
      { database: "appdb", role: "app", password: undefined, host: undefined, pooler_host: undefined },
    );
    const roles = await call(neon, "GET", `/projects/${b.project.id}/branches/${b.branch.id}/roles`);
    assert.deepEqual(roles.body.roles.map((r: any) => r.name), ["app"]);
  });

  it("names the owner role after a custom database when no role name is given", async () => {
    const b = await createProject(neon, { branch: { database_name: "shop" } });
    assert.deepEqual(b.databases.map((d: any) => [d.name, d.owner_name]), [["shop", "shop_owner"]]);
  });

  it("gives the created compute the min/max CU and suspend timeout of default_endpoint_settings", async () => {
    const b = await createProject(neon, {
      default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 4, suspend_timeout_seconds: 600 },
    });
    assert.equal(b.endpoints[0].autoscaling_limit_min_cu, 0.5);
    assert.equal(b.endpoints[0].autoscaling_limit_max_cu, 4);
    assert.equal(b.endpoints[0].suspend_timeout_seconds, 600);
    assert.equal(b.project.default_endpoint_settings.autoscaling_limit_max_cu, 4);
    // Later computes of the project take the same defaults.
    const child = await createBranch(neon, b.project.id, { endpoints: [{ type: "read_only" }] });
    assert.deepEqual([child.endpoints[0].autoscaling_limit_min_cu, child.endpoints[0].autoscaling_limit_max_cu], [0.5, 4]);
  });

  it("refuses default_endpoint_settings with min CU above max CU, naming the field, and creates nothing", async () => {
    const before = stateText(neon);
    const res = await call(neon, "POST", "/projects", {
      project: { default_endpoint_settings: { autoscaling_limit_min_cu: 2, autoscaling_limit_max_cu: 1 } },
    });
    assertError(res, 400, "project.default_endpoint_settings", "autoscaling_limit_min_cu");
    assert.equal(stateText(neon), before);
  });

  it("refuses a default min CU above the default max CU Neon would otherwise give the compute", async () => {
    const res = await call(neon, "POST", "/projects", { project: { default_endpoint_settings: { autoscaling_limit_min_cu: 4 } } });
    assertError(res, 400, "autoscaling_limit_min_cu");
    const ok = await createProject(neon, { default_endpoint_settings: { autoscaling_limit_min_cu: 4, autoscaling_limit_max_cu: 8 } });
    assert.deepEqual([ok.endpoints[0].autoscaling_limit_min_cu, ok.endpoints[0].autoscaling_limit_max_cu], [4, 8]);
  });

  it("refuses a compute unit below 0.25 in default_endpoint_settings", async () => {
    const res = await call(neon, "POST", "/projects", { project: { default_endpoint_settings: { autoscaling_limit_min_cu: 0.1 } } });
    assertError(res, 400, "project.default_endpoint_settings.autoscaling_limit_min_cu");
  });

  it("stores quota, allowed_ips, enable_logical_replication and maintenance_window settings and returns them on GET", async () => {
    const settings = {
      quota: { active_time_seconds: 3600, compute_time_seconds: 1800, logical_size_bytes: 1073741824 },
      allowed_ips: { ips: ["203.0.113.0/24", "198.51.100.7"], protected_branches_only: true },
      enable_logical_replication: true,
      maintenance_window: { weekdays: [6, 7], start_time: "01:00", end_time: "03:30" },
    };
    const b = await createProject(neon, { settings });
    assert.deepEqual(b.project.settings, settings);
    const got = await call(neon, "GET", `/projects/${b.project.id}`);
    assert.deepEqual(got.body.project.settings, settings);
  });

  it("refuses a maintenance window with a malformed time, naming the field", async () => {
    const res = await call(neon, "POST", "/projects", {
      project: { settings: { maintenance_window: { weekdays: [1], start_time: "25:00", end_time: "02:00" } } },
    });
    assertError(res, 400, "project.settings.maintenance_window.start_time");
  });

  it("refuses a negative quota, naming the field", async () => {
    const res = await call(neon, "POST", "/projects", { project: { settings: { quota: { active_time_seconds: -1 } } } });
    assertError(res, 400, "project.settings.quota.active_time_seconds");
  });

  it("caps history retention at the sponsored free plan's 21600 s and defaults to it there", async () => {
    const before = stateText(neon);
    const refused = await call(neon, "POST", "/projects", { project: { org_id: sponsoredOrgId, history_retention_seconds: 21601 } });
    assertError(refused, 400, "project.history_retention_seconds", "21600");
    assert.equal(stateText(neon), before, "nothing was created");
    const atLimit = await createProject(neon, { org_id: sponsoredOrgId, history_retention_seconds: 21600 });
    assert.equal(atLimit.project.history_retention_seconds, 21600);
    const byDefault = await createProject(neon, { org_id: sponsoredOrgId });
    assert.equal(byDefault.project.history_retention_seconds, 21600);
  });

  it("allows a longer history retention in the paid organization (default one day)", async () => {
    const week = await createProject(neon, { org_id: paidOrgId, history_retention_seconds: 604800 });
    assert.equal(week.project.history_retention_seconds, 604800);
    assert.equal(week.project.org_id, paidOrgId);
    const byDefault = await createProject(neon, { org_id: paidOrgId });
    assert.equal(byDefault.project.history_retention_seconds, 86400);
  });

  it("refuses an unknown org_id with a 400 naming project.org_id", async () => {
    assertError(await call(neon, "POST", "/projects", { project: { org_id: "org-nope-1" } }), 400, "project.org_id");
  });

  it("puts the project, its proxy host and its compute hosts in the requested region", async () => {
    const b = await createProject(neon, { region_id: "aws-eu-central-1", pg_version: 16 });
    assert.equal(b.project.region_id, "aws-eu-central-1");
    assert.equal(b.project.platform_id, "aws");
    assert.equal(b.project.proxy_host, "eu-central-1.aws.neon.tech");
    assert.equal(b.project.pg_version, 16);
    assert.equal(b.endpoints[0].region_id, "aws-eu-central-1");
    assert.match(b.endpoints[0].host, /^ep-[a-z-]+\d{8}\.eu-central-1\.aws\.neon\.tech$/);
  });

  it("refuses an unknown region and an unsupported pg_version, naming the field", async () => {
    assertError(await call(neon, "POST", "/projects", { project: { region_id: "aws-mars-1" } }), 400, "project.region_id");
    assertError(await call(neon, "POST", "/projects", { project: { pg_version: 13 } }), 400, "project.pg_version");
    assertError(await call(neon, "POST", "/projects", { project: { pg_version: 19 } }), 400, "project.pg_version");
  });
});

describe("local Neon API: reading, updating and deleting a project", () => {
  let neon: NeonLocal;

  before(async () => {
    neon = await startTestNeon();
  });
  after(() => neon.close());

  it("gets a project by id and answers 404 for an unknown one", async () => {
    const b = await createProject(neon, { name: "readable" });
    const got = await call(neon, "GET", `/projects/${b.project.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.project.id, b.project.id);
    assert.equal(got.body.project.name, "readable");
    assert.equal(got.body.project.created_at, b.project.created_at);
    assertError(await call(neon, "GET", "/projects/no-such-project-1"), 404, "no-such-project-1");
  });

  it("merges settings key by key on PATCH: keys not sent are kept, keys sent are replaced", async () => {
    const b = await createProject(neon, {
      settings: { quota: { active_time_seconds: 100 }, allowed_ips: { ips: ["192.0.2.1"] } },
    });
    const id = b.project.id;
    const first = await call(neon, "PATCH", `/projects/${id}`, { project: { settings: { enable_logical_replication: true } } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.project.settings, {
      quota: { active_time_seconds: 100 },
      allowed_ips: { ips: ["192.0.2.1"] },
      enable_logical_replication: true,
    });
    // Settings reach the computes through an apply_config operation.
    assert.deepEqual(first.body.operations.map((o: any) => [o.action, o.endpoint_id]), [["apply_config", b.endpoints[0].id]]);
    const second = await call(neon, "PATCH", `/projects/${id}`, { project: { settings: { allowed_ips: { ips: [] } } } });
    assert.deepEqual(second.body.project.settings, {
      quota: { active_time_seconds: 100 },
      allowed_ips: { ips: [] },
      enable_logical_replication: true,
    });
    const got = await call(neon, "GET", `/projects/${id}`);
    assert.deepEqual(got.body.project.settings, second.body.project.settings);
  });

  it("renames a project without touching its settings and without operations", async () => {
    const b = await createProject(neon, { name: "before", settings: { enable_logical_replication: true } });
    const res = await call(neon, "PATCH", `/projects/${b.project.id}`, { project: { name: "after" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.project.name, "after");
    assert.deepEqual(res.body.project.settings, { enable_logical_replication: true });
    assert.deepEqual(res.body.operations, []);
  });

  it("merges default_endpoint_settings on PATCH and refuses a result with min CU above max CU", async () => {
    const b = await createProject(neon, { default_endpoint_settings: { autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2 } });
    const id = b.project.id;
    const ok = await call(neon, "PATCH", `/projects/${id}`, { project: { default_endpoint_settings: { autoscaling_limit_max_cu: 3 } } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.project.default_endpoint_settings.autoscaling_limit_min_cu, 1);
    assert.equal(ok.body.project.default_endpoint_settings.autoscaling_limit_max_cu, 3);
    const before = stateText(neon);
    const bad = await call(neon, "PATCH", `/projects/${id}`, { project: { default_endpoint_settings: { autoscaling_limit_min_cu: 4 } } });
    assertError(bad, 400, "project.default_endpoint_settings");
    assert.equal(stateText(neon), before);
  });

  it("refuses a history retention above the organization's plan on PATCH", async () => {
    const b = await createProject(neon, { org_id: sponsoredOrgId });
    const before = stateText(neon);
    const res = await call(neon, "PATCH", `/projects/${b.project.id}`, { project: { history_retention_seconds: 86400 } });
    assertError(res, 400, "project.history_retention_seconds");
    assert.equal(stateText(neon), before);
    const ok = await call(neon, "PATCH", `/projects/${b.project.id}`, { project: { history_retention_seconds: 3600 } });
    assert.equal(ok.body.project.history_retention_seconds, 3600);
  });

  it("deletes a project: 200 with the project, then 404 on GET, on a second DELETE and in no listing", async () => {
    const b = await createProject(neon, { name: "doomed" });
    const id = b.project.id;
    const del = await call(neon, "DELETE", `/projects/${id}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.project.id, id);
    assert.equal(del.body.project.name, "doomed");
    assertError(await call(neon, "GET", `/projects/${id}`), 404);
    assertError(await call(neon, "GET", `/projects/${id}/branches`), 404);
    assertError(await call(neon, "DELETE", `/projects/${id}`), 404);
    const list = await call(neon, "GET", "/projects?limit=400");
    assert.ok(!list.body.projects.some((p: any) => p.id === id));
    assert.equal(neon.state().projects[id], undefined);
  });
});

describe("local Neon API: project updates while operations run", () => {
  let neon: NeonLocal;
  const clock = new ManualClock();

  before(async () => {
    neon = await startTestNeon({ clock, operationDelayMs: 1000 });
  });
  after(() => neon.close());

  it("answers 423 to PATCH while operations run, changes nothing, and applies the same PATCH once they finish", async () => {
    const b = await createProject(neon, { name: "busy" });
    const id = b.project.id;
    const before = stateText(neon);
    const locked = await call(neon, "PATCH", `/projects/${id}`, { project: { name: "renamed", settings: { enable_logical_replication: true } } });
    assertError(locked, 423, "running conflicting operations");
    assert.equal(stateText(neon), before);
    clock.advance(2000);
    const ok = await call(neon, "PATCH", `/projects/${id}`, { project: { name: "renamed", settings: { enable_logical_replication: true } } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.project.name, "renamed");
  });
});

describe("local Neon API: connection URIs", () => {
  let neon: NeonLocal;
  let created: any;
  let id: string;

  before(async () => {
    neon = await startTestNeon();
    created = await createProject(neon, {});
    id = created.project.id;
  });
  after(() => neon.close());

  it("returns the direct URI of the default branch's read-write compute, as given at creation", async () => {
    const res = await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb&role_name=neondb_owner`);
    assert.equal(res.status, 200);
    assert.equal(res.body.uri, created.connection_uris[0].connection_uri);
    assert.equal(new URL(res.body.uri).hostname, created.endpoints[0].host);
  });

  it("returns the -pooler host with pooled=true, with the same role, password and database", async () => {
    const direct = new URL((await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb&role_name=neondb_owner`)).body.uri);
    const res = await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb&role_name=neondb_owner&pooled=true`);
    const pooled = new URL(res.body.uri);
    assert.equal(pooled.hostname, created.connection_uris[0].connection_parameters.pooler_host);
    assert.match(pooled.hostname, /^ep-[a-z-]+\d{8}-pooler\.us-east-2\.aws\.neon\.tech$/);
    assert.equal(pooled.hostname.replace("-pooler", ""), direct.hostname);
    assert.deepEqual([pooled.username, pooled.password, pooled.pathname], [direct.username, direct.password, direct.pathname]);
  });

  it("returns the URI of another branch's compute when branch_id is given", async () => {
    const child = await createBranch(neon, id, { branch: { name: "preview" }, endpoints: [{ type: "read_write" }] });
    const res = await call(
      neon,
      "GET",
      `/projects/${id}/connection_uri?database_name=neondb&role_name=neondb_owner&branch_id=${child.branch.id}`,
    );
    assert.equal(res.status, 200);
    assert.equal(new URL(res.body.uri).hostname, child.endpoints[0].host);
  });

  it("answers 404 for a branch without a compute", async () => {
    const bare = await createBranch(neon, id, { branch: { name: "no-compute" } });
    const res = await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb&role_name=neondb_owner&branch_id=${bare.branch.id}`);
    assertError(res, 404);
  });

  it("answers 404 naming an unknown role or database", async () => {
    assertError(await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb&role_name=ghost`), 404, "ghost");
    assertError(await call(neon, "GET", `/projects/${id}/connection_uri?database_name=nodb&role_name=neondb_owner`), 404, "nodb");
  });

  it("answers 400 when role_name or database_name is missing", async () => {
    assertError(await call(neon, "GET", `/projects/${id}/connection_uri?database_name=neondb`), 400, "role_name");
    assertError(await call(neon, "GET", `/projects/${id}/connection_uri?role_name=neondb_owner`), 400, "database_name");
  });
});
