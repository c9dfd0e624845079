/**
 * What an independent review found the local Neon API doing wrong (issue 7, defects 3 to 6):
 * resolving `..` in paths (a DELETE of a "branch" named `..` deleted the project), crashing on
 * names that cannot be written in a URI, leaving a project behind when its create failed half-way,
 * and answering malformed HTTP with Node's bare 400. Requests are sent raw, as a hostile client
 * would, so no client-side URL normalisation hides the path.
 */
import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { runInTransaction } from "../../emulator/transaction";
import { call, startTestNeon } from "../support/neonLocal";
import { createProject, rawBytes, rawRequest, stateText } from "./fixtures";

describe("local Neon API: paths, names and all-or-nothing requests", () => {
  let neon: NeonLocal;
  let project: any;
  let base: string;

  before(async () => {
    neon = await startTestNeon();
    project = await createProject(neon);
    base = `/api/v2/projects/${project.project.id}`;
  });
  after(() => neon.close());

  describe("dot segments are never ids (the path is routed as sent)", () => {
    const dots = ["..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e"];
    for (const dot of dots) {
      it(`answers 404 with Neon's error body to ${dot} in place of an id, changing nothing`, async () => {
        const before = stateText(neon);
        const branch = project.branch.id;
        const targets: [string, string][] = [
          ["DELETE", `${base}/branches/${dot}`],
          ["DELETE", `${base}/endpoints/${dot}`],
          ["DELETE", `${base}/snapshots/${dot}`],
          ["DELETE", `${base}/branches/${branch}/roles/${dot}`],
          ["DELETE", `${base}/branches/${branch}/databases/${dot}`],
          ["DELETE", `${base}/branches/${branch}/auth/oauth_providers/${dot}`],
          ["GET", `${base}/branches/${dot}`],
          ["PATCH", `${base}/branches/${dot}`],
          ["DELETE", `${base}/consumption/${dot}`],
          ["GET", `/api/v2/projects/${dot}/branches`],
        ];
        for (const [method, path] of targets) {
          const res = await rawRequest(neon, method, path, method === "PATCH" ? "{}" : undefined);
          assert.equal(res.status, 404, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
          assert.equal(typeof res.body?.code, "string", `${method} ${path}: Neon's error body`);
          assert.equal(typeof res.body?.message, "string");
        }
        assert.equal(stateText(neon), before, "nothing changed");
        assert.ok(neon.state().projects[project.project.id], "the project is still there");
      });
    }
  });

  describe("names that cannot be written in a URI", () => {
    const hostile: [string, string][] = [
      ["a lone surrogate", "\ud800"],
      ["a NUL", "db\u0000x"],
      ["a reversed surrogate pair", "\udc00\ud800"],
    ];
    for (const [what, name] of hostile) {
      it(`refuses a role or database name with ${what} (400 naming the field), and the project stays usable`, async () => {
        const before = stateText(neon);
        const branchPath = `/projects/${project.project.id}/branches/${project.branch.id}`;
        const role = await call(neon, "POST", `${branchPath}/roles`, { role: { name } });
        assert.equal(role.status, 400, JSON.stringify(role.body));
        assert.match(role.body.message, /role\.name/);
        const database = await call(neon, "POST", `${branchPath}/databases`, { database: { name, owner_name: "neondb_owner" } });
        assert.equal(database.status, 400, JSON.stringify(database.body));
        assert.match(database.body.message, /database\.name/);
        const created = await call(neon, "POST", "/projects", { project: { branch: { database_name: name } } });
        assert.equal(created.status, 400, JSON.stringify(created.body));
        assert.match(created.body.message, /project\.branch\.database_name/);
        assert.equal(stateText(neon), before, "nothing was stored");
        // The project still works: a branch with a compute renders its connection URIs.
        const branch = await call(neon, "POST", `/projects/${project.project.id}/branches`, { endpoints: [{ type: "read_write" }] });
        assert.equal(branch.status, 201, JSON.stringify(branch.body));
      });
    }

    it("refuses names longer than Postgres allows (63 bytes), naming the field", async () => {
      const branchPath = `/projects/${project.project.id}/branches/${project.branch.id}`;
      const res = await call(neon, "POST", `${branchPath}/roles`, { role: { name: "é".repeat(40) } });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /role\.name.*63 bytes/);
    });
  });

  describe("every mutating request is all-or-nothing", () => {
    it("restores the whole state when a handler fails after changing it, also for requests with no project in the path", () => {
      const world = { state: { version: 1, user: { id: "u" }, organizations: { o: { id: "o" } }, projects: { keep: { project: { id: "keep" } } }, nextDatabaseId: 7 } } as any;
      const before = JSON.stringify(world.state);
      assert.throws(() =>
        runInTransaction(world, undefined, true, () => {
          world.state.projects.added = { project: { id: "added" } };
          delete world.state.projects.keep;
          world.state.organizations.o.name = "changed";
          world.state.nextDatabaseId = 99;
          throw new Error("fails half-way");
        }),
      );
      assert.equal(JSON.stringify(world.state), before);
    });

    it("restores the project of the path, deep, when its handler fails half-way", () => {
      const world = { state: { version: 1, user: {}, organizations: {}, projects: { p: { project: { id: "p", name: "a" }, branches: {}, endpoints: {}, snapshots: {}, operations: [], lsn: 1 } }, nextDatabaseId: 1 } } as any;
      const before = JSON.stringify(world.state);
      assert.throws(() =>
        runInTransaction(world, "p", true, () => {
          world.state.projects.p.project.name = "b";
          throw new Error("fails half-way");
        }),
      );
      assert.equal(JSON.stringify(world.state), before);
    });
  });

  describe("malformed HTTP", () => {
    for (const [what, bytes] of [
      ["a header line without a colon", "GET /api/v2/projects HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n"],
      ["an invalid request line", "GARBAGE\r\n\r\n"],
      ["a bad Content-Length", "POST /api/v2/projects HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"],
    ] as const) {
      it(`answers ${what} with 400 and Neon's JSON error body, and keeps serving`, async () => {
        const response = await rawBytes(neon, bytes);
        assert.match(response, /^HTTP\/1\.1 400 /);
        assert.match(response, /content-type: application\/json/i);
        const body = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));
        assert.equal(body.code, "BAD_REQUEST");
        assert.equal(typeof body.message, "string");
        assert.equal((await call(neon, "GET", `/projects/${project.project.id}`)).status, 200, "still serving");
      });
    }
  });
});
