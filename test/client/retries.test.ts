import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import {
  ATTEMPT_HEADER,
  NeonAbortError,
  NeonAmbiguousWriteError,
  NeonConnectionError,
  NeonLockedError,
  NeonNotFoundError,
  NeonRateLimitedError,
  NeonServerError,
  NeonTimeoutError,
} from "../../provider/client";
import { branch, createdBranch, project } from "./helpers/fixtures";
import { neonError, scriptedServerForSuite } from "./helpers/scriptedServer";
import { rejectionOf, TEST_API_KEY, testClient } from "./helpers/testClient";

const LOCKED = neonError(423, "LOCKED", "project already has running conflicting operations, scheduling of new ones is prohibited");
const BRANCHES = "/projects/p-1/branches";

describe("client retries over HTTP", () => {
  const server = scriptedServerForSuite();

  it("retries a 423 on POST until the lock clears, with one request id and counted attempts", async () => {
    server.on("POST", BRANCHES, LOCKED, LOCKED, { status: 201, body: createdBranch([]) });
    const { client, clock } = testClient(server);

    const created = await client.branches.create("p-1", { branch: { name: "dev" } });

    assert.equal(created.branch.id, "br-1");
    const sent = server.requestsTo("POST", BRANCHES);
    assert.equal(sent.length, 3);
    assert.deepEqual(sent.map((r) => r.headers[ATTEMPT_HEADER.toLowerCase()]), ["1", "2", "3"]);
    const ids = new Set(sent.map((r) => r.headers["x-request-id"]));
    assert.equal(ids.size, 1);
    assert.match([...ids][0] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(sent.map((r) => r.body), [{ branch: { name: "dev" } }, { branch: { name: "dev" } }, { branch: { name: "dev" } }]);
    // Backoff with the jitter draw fixed at 0.5: half of 500 ms, then half of 1000 ms.
    assert.deepEqual(clock.sleeps, [250, 500]);
  });

  it("honours Retry-After in seconds on 429 and as an HTTP date on 503", async () => {
    const { client, clock } = testClient(server);
    server.on(
      "GET",
      "/projects/p-1",
      neonError(429, "TOO_MANY_REQUESTS", "rate limit exceeded", { "Retry-After": "2" }),
      () => neonError(503, "UNAVAILABLE", "try later", { "Retry-After": new Date(clock.now() + 7000).toUTCString() }),
      { status: 200, body: { project: project() } },
    );

    const { project: got } = await client.projects.get("p-1");

    assert.equal(got.id, "p-1");
    assert.equal(server.requestsTo("GET", "/projects/p-1").length, 3);
    assert.deepEqual(clock.sleeps, [2000, 7000]);
  });

  it("does not replay a POST after the connection drops once the request was sent", async () => {
    server.on("POST", BRANCHES, { drop: true }, { status: 201, body: createdBranch([]) });
    const { client, clock } = testClient(server);

    const error = await rejectionOf(client.branches.create("p-1", { branch: { name: "dev" } }));

    assert.ok(error instanceof NeonAmbiguousWriteError, String(error));
    assert.equal(server.requestsTo("POST", BRANCHES).length, 1);
    assert.deepEqual(clock.sleeps, []);
    assert.ok(error.cause instanceof NeonConnectionError);
    assert.equal(error.method, "POST");
    assert.equal(error.path, BRANCHES);
    assert.equal(error.requestId, server.requests[0]!.headers["x-request-id"]);
    assert.match(error.message, /^POST \/projects\/p-1\/branches → outcome unknown: connection lost after the request was sent\. It was not sent again/);
  });

  it("does not replay a POST answered 502, and keeps Neon's answer as the cause", async () => {
    server.on("POST", BRANCHES, neonError(502, "BAD_GATEWAY", "upstream failed"));
    const { client } = testClient(server);

    const error = await rejectionOf(client.branches.create("p-1"));

    assert.ok(error instanceof NeonAmbiguousWriteError);
    assert.equal(server.requests.length, 1);
    assert.ok(error.cause instanceof NeonServerError);
    assert.equal(error.cause.status, 502);
    assert.equal(error.cause.neonMessage, "upstream failed");
  });

  it("does not replay a PATCH answered 504", async () => {
    server.on("PATCH", "/projects/p-1", neonError(504, "GATEWAY_TIMEOUT", "timeout"));
    const { client } = testClient(server);
    const error = await rejectionOf(client.projects.update("p-1", { project: { name: "x" } }));
    assert.ok(error instanceof NeonAmbiguousWriteError);
    assert.equal(server.requests.length, 1);
  });

  it("retries a 503 on POST: Neon did nothing", async () => {
    server.on("POST", BRANCHES, neonError(503, "UNAVAILABLE", "busy"), { status: 201, body: createdBranch([]) });
    const { client } = testClient(server);
    await client.branches.create("p-1");
    assert.equal(server.requestsTo("POST", BRANCHES).length, 2);
  });

  it("retries a GET after the connection drops, and a DELETE after a 500", async () => {
    server.on("GET", "/projects/p-1/branches/br-1", { drop: true }, { status: 200, body: { branch: branch() } });
    server.on("DELETE", "/projects/p-1/branches/br-1", neonError(500, "INTERNAL", "oops"), { status: 204 });
    const { client } = testClient(server);

    await client.branches.get("p-1", "br-1");
    const deleted = await client.branches.delete("p-1", "br-1");

    assert.equal(server.requestsTo("GET", "/projects/p-1/branches/br-1").length, 2);
    assert.equal(server.requestsTo("DELETE", "/projects/p-1/branches/br-1").length, 2);
    assert.deepEqual(deleted, { alreadyDeleted: true });
  });

  it("gives up after maxAttempts with the typed error of the last answer", async () => {
    server.on("POST", BRANCHES, LOCKED);
    const { client, clock } = testClient(server, { retry: { maxAttempts: 4 } });

    const error = await rejectionOf(client.branches.create("p-1"));

    assert.ok(error instanceof NeonLockedError);
    assert.equal(error.status, 423);
    assert.equal(error.code, "LOCKED");
    assert.equal(error.attempts, 4);
    assert.equal(server.requests.length, 4);
    assert.deepEqual(clock.sleeps, [250, 500, 1000]);
    assert.equal(
      error.message,
      `POST /projects/p-1/branches → 423 Locked: project already has running conflicting operations, scheduling of new ones is prohibited (request ${error.requestId}, after 4 attempts)`,
    );
  });

  it("stops at the deadline rather than waiting past it", async () => {
    server.on("GET", "/projects/p-1", neonError(429, "TOO_MANY_REQUESTS", "slow down", { "Retry-After": "30" }));
    const { client, clock } = testClient(server, { retry: { deadlineMs: 45_000 } });

    const error = await rejectionOf(client.projects.get("p-1"));

    assert.ok(error instanceof NeonRateLimitedError);
    assert.equal(error.retryAfterMs, 30_000);
    assert.deepEqual(clock.sleeps, [30_000]);
    assert.equal(server.requests.length, 2);
  });

  it("does not retry a 404 and reports Neon's code, message and request id", async () => {
    server.on("GET", "/projects/p-404", { status: 404, body: { code: "NOT_FOUND", message: "project not found", request_id: "req-from-neon" } });
    const { client, clock } = testClient(server);

    const error = await rejectionOf(client.projects.get("p-404"));

    assert.ok(error instanceof NeonNotFoundError);
    assert.equal(error.requestId, "req-from-neon");
    assert.equal(error.message, "GET /projects/p-404 → 404 Not Found: project not found (request req-from-neon)");
    assert.equal(server.requests.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  // undici's timers tick every half second or so: a one-second timeout fires within ~1.5 s.
  it("treats a POST that timed out as ambiguous and a GET that timed out as retryable", async function () {
    this.timeout(10_000);
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([]), delayMs: 3000 });
    server.on("GET", "/projects/p-1", { status: 200, body: { project: project() }, delayMs: 3000 }, { status: 200, body: { project: project() } });
    const { client } = testClient(server, { timeoutMs: 1000 });

    const [postError] = await Promise.all([rejectionOf(client.branches.create("p-1")), client.projects.get("p-1")]);

    assert.ok(postError instanceof NeonAmbiguousWriteError);
    assert.ok(postError.cause instanceof NeonTimeoutError);
    assert.match(postError.cause.message, /no complete response within the attempt timeout \(UND_ERR_HEADERS_TIMEOUT\)/);
    assert.equal(server.requestsTo("POST", BRANCHES).length, 1);
    assert.equal(server.requestsTo("GET", "/projects/p-1").length, 2);
  });

  it("retries a POST whose connection was refused (nothing was sent) and reports a connection error", async () => {
    const closedPort = await freePort();
    const { client, clock } = testClient(server, { baseUrl: `http://127.0.0.1:${closedPort}/api/v2`, retry: { maxAttempts: 3 } });

    const error = await rejectionOf(client.branches.create("p-1"));

    assert.ok(error instanceof NeonConnectionError, String(error));
    assert.equal(error.attempts, 3);
    assert.match(error.message, /could not connect \(ECONNREFUSED\)/);
    assert.equal(clock.sleeps.length, 2);
  });

  it("stops retrying when the caller aborts during a wait", async () => {
    server.on("GET", "/projects/p-1", LOCKED);
    const controller = new AbortController();
    const { client } = testClient(server, {
      clock: { now: () => Date.now(), sleep: () => (controller.abort(new Error("cancelled by test")), Promise.reject(controller.signal.reason)) },
    });

    const error = await rejectionOf(client.projects.get("p-1", { signal: controller.signal }));

    assert.ok(error instanceof NeonAbortError);
    assert.equal(server.requests.length, 1);
  });

  it("reports a POST aborted while in flight as an ambiguous write, not a plain abort", async () => {
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([]), delayMs: 200 });
    const { client } = testClient(server);
    const controller = new AbortController();
    const pending = client.branches.create("p-1", { branch: { name: "dev" } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by test")), 30);

    const error = await rejectionOf(pending);

    assert.ok(error instanceof NeonAmbiguousWriteError, String(error));
    assert.ok((error as NeonAmbiguousWriteError).cause instanceof NeonAbortError);
    assert.match(String((error as Error).message), /outcome unknown: aborted by the caller while the request was in flight/);
    assert.equal(server.requestsTo("POST", BRANCHES).length, 1, "the server got the write, and it was not sent again");
  });

  it("reports a GET aborted while in flight as an abort", async () => {
    server.on("GET", "/projects/p-1", { status: 200, body: { project: project() }, delayMs: 200 });
    const { client } = testClient(server);
    const controller = new AbortController();
    const pending = client.projects.get("p-1", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by test")), 30);
    assert.ok((await rejectionOf(pending)) instanceof NeonAbortError);
  });

  it("sends the bearer key, JSON headers and a User-Agent naming the package", async () => {
    server.on("POST", BRANCHES, { status: 201, body: createdBranch([]) });
    const { client } = testClient(server, { userAgent: "tenant-platform/2.1" });

    await client.branches.create("p-1", { branch: { name: "dev" } });

    const headers = server.requests[0]!.headers;
    assert.equal(headers.authorization, `Bearer ${TEST_API_KEY}`);
    assert.equal(headers.accept, "application/json");
    assert.equal(headers["content-type"], "application/json");
    assert.match(String(headers["user-agent"]), /^tenant-platform\/2\.1 neon-pulumi-dynamic\/\d+\.\d+\.\d+ node\/\d+/);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
