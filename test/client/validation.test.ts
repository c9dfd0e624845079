import * as assert from "node:assert/strict";
import { NeonResponseValidationError } from "../../provider/client";
import { branch, project } from "./helpers/fixtures";
import { scriptedServerForSuite } from "./helpers/scriptedServer";
import { rejectionOf, testClient } from "./helpers/testClient";

describe("response validation", () => {
  const server = scriptedServerForSuite();

  it("names the field and the route when a field the client relies on has the wrong type", async () => {
    server.on("GET", "/projects/p-1", { status: 200, body: { project: project({ pg_version: "seventeen" }) } });
    const { client } = testClient(server);

    const error = await rejectionOf(client.projects.get("p-1"));

    assert.ok(error instanceof NeonResponseValidationError, String(error));
    assert.equal(error.field, "project.pg_version");
    assert.equal(error.route, "GET /projects/{project_id}");
    assert.equal(error.status, 200);
    assert.equal(error.issue, "Invalid input: expected number, received string");
    assert.equal(
      error.message,
      `GET /projects/p-1 → 200 response is not what the client expects: \`project.pg_version\`: Invalid input: expected number, received string (request ${error.requestId})`,
    );
    assert.doesNotMatch(error.message, /seventeen/);
  });

  it("names an array element when one item lacks a required field", async () => {
    server.on("GET", "/projects/p-1/branches", { status: 200, body: { branches: [branch(), { ...branch({ id: undefined }) }] } });
    const { client } = testClient(server);

    const error = await rejectionOf(client.branches.list("p-1"));

    assert.ok(error instanceof NeonResponseValidationError);
    assert.equal(error.field, "branches[1].id");
    assert.equal(error.route, "GET /projects/{project_id}/branches");
  });

  it("reports a body that is not JSON without quoting it", async () => {
    server.on("GET", "/projects/p-1", { status: 200, rawBody: "<html>postgres://u:hunter2@db</html>" });
    const { client } = testClient(server);

    const error = await rejectionOf(client.projects.get("p-1"));

    assert.ok(error instanceof NeonResponseValidationError);
    assert.equal(error.field, "");
    assert.equal(error.issue, "the body is not valid JSON");
    assert.doesNotMatch(JSON.stringify(error) + String(error.stack), /hunter2|<html>/);
  });

  it("reports an empty body where an object was expected", async () => {
    server.on("GET", "/projects/p-1", { status: 200 });
    const { client } = testClient(server);
    const error = await rejectionOf(client.projects.get("p-1"));
    assert.ok(error instanceof NeonResponseValidationError);
    assert.match(error.message, /the response body: Invalid input: expected object, received undefined/);
  });

  it("ignores fields it does not know and reads null optional fields as absent", async () => {
    server.on("GET", "/projects/p-1/branches/br-1", {
      status: 200,
      body: { branch: { ...branch(), parent_id: null, expires_at: null, brand_new_field: { x: 1 } }, annotation: null, extra: true },
    });
    const { client } = testClient(server);

    const { branch: got, annotation } = await client.branches.get("p-1", "br-1");

    assert.equal(got.parent_id, undefined);
    assert.equal(got.expires_at, undefined);
    assert.equal(annotation, undefined);
    assert.equal("brand_new_field" in got, false);
  });

  it("keeps unknown keys inside settings, so a read-modify-write does not drop them", async () => {
    server.on("GET", "/projects/p-1", {
      status: 200,
      body: { project: project({ settings: { enable_logical_replication: true, future_setting: "on" } }) },
    });
    const { client } = testClient(server);
    const { project: got } = await client.projects.get("p-1");
    assert.deepEqual(got.settings, { enable_logical_replication: true, future_setting: "on" });
  });

  it("accepts an operation status it does not know rather than failing after a write", async () => {
    server.on("POST", "/projects/p-1/branches", {
      status: 201,
      body: { branch: branch(), endpoints: [], roles: [], databases: [], operations: [{ id: "op-1", project_id: "p-1", action: "new_action", status: "paused" }] },
    });
    const { client } = testClient(server);
    const created = await client.branches.create("p-1", {}, { waitForOperations: false });
    assert.equal(created.operations[0]?.status, "paused");
  });
});
