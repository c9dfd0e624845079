import * as assert from "node:assert/strict";
import { branch, operation, project } from "./helpers/fixtures";
import { scriptedServerForSuite } from "./helpers/scriptedServer";
import { testClient } from "./helpers/testClient";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("pagination", () => {
  const server = scriptedServerForSuite();

  it("walks projects by pagination.cursor until a page comes back short", async () => {
    server.on("GET", "/projects", (request) => {
      const cursor = request.query.get("cursor");
      if (cursor === null) return { status: 200, body: { projects: [project({ id: "p-1" }), project({ id: "p-2" })], pagination: { cursor: "p-2" } } };
      if (cursor === "p-2") return { status: 200, body: { projects: [project({ id: "p-3" }), project({ id: "p-4" })], pagination: { cursor: "p-4" } } };
      return { status: 200, body: { projects: [project({ id: "p-5" })], pagination: { cursor: "p-5" } } };
    });
    const { client } = testClient(server);

    const projects = await collect(client.projects.iterate({ limit: 2, org_id: "org-1" }));

    assert.deepEqual(projects.map((p) => p.id), ["p-1", "p-2", "p-3", "p-4", "p-5"]);
    assert.deepEqual(
      server.requests.map((r) => r.query.toString()),
      ["limit=2&org_id=org-1", "limit=2&org_id=org-1&cursor=p-2", "limit=2&org_id=org-1&cursor=p-4"],
    );
  });

  it("stops on an empty page even when the page size divides the total", async () => {
    server.on(
      "GET",
      "/projects",
      { status: 200, body: { projects: [project({ id: "p-1" })], pagination: { cursor: "p-1" } } },
      { status: 200, body: { projects: [], pagination: { cursor: "p-1" } } },
    );
    const { client } = testClient(server);
    assert.deepEqual((await collect(client.projects.iterate({ limit: 1 }))).map((p) => p.id), ["p-1"]);
    assert.equal(server.requests.length, 2);
  });

  it("walks branches by pagination.next until it is absent", async () => {
    server.on("GET", "/projects/p-1/branches", (request) => {
      const cursor = request.query.get("cursor");
      if (cursor === null) return { status: 200, body: { branches: [branch({ id: "br-1" })], annotations: {}, pagination: { next: "n1", sort_by: "name", sort_order: "asc" } } };
      if (cursor === "n1") return { status: 200, body: { branches: [branch({ id: "br-2" })], annotations: {}, pagination: { next: "n2" } } };
      return { status: 200, body: { branches: [branch({ id: "br-3" })], annotations: {}, pagination: {} } };
    });
    const { client } = testClient(server);

    const branches = await collect(client.branches.iterate("p-1", { sort_by: "name", sort_order: "asc", limit: 1 }));

    assert.deepEqual(branches.map((b) => b.id), ["br-1", "br-2", "br-3"]);
    assert.deepEqual(server.requests.map((r) => r.query.get("cursor")), [null, "n1", "n2"]);
    assert.ok(server.requests.every((r) => r.query.get("sort_by") === "name" && r.query.get("limit") === "1"));
  });

  it("stops rather than loop when the server repeats a cursor", async () => {
    server.on("GET", "/projects/p-1/branches", { status: 200, body: { branches: [branch()], pagination: { next: "same" } } });
    const { client } = testClient(server);
    assert.equal((await collect(client.branches.iterate("p-1"))).length, 2);
    assert.equal(server.requests.length, 2);
  });

  it("walks operations by pagination.cursor", async () => {
    server.on(
      "GET",
      "/projects/p-1/operations",
      { status: 200, body: { operations: [operation("op-1", "finished"), operation("op-2", "finished")], pagination: { cursor: "c2" } } },
      { status: 200, body: { operations: [operation("op-3", "running")], pagination: { cursor: "c3" } } },
    );
    const { client } = testClient(server);
    assert.deepEqual((await collect(client.operations.iterate("p-1", { limit: 2 }))).map((o) => o.id), ["op-1", "op-2", "op-3"]);
  });
});
