import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NeonClient, NeonConfigurationError, RateLimiter } from "../../provider/client";
import { resolveClientSettings } from "../../provider/client/internal/config";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../provider/client/internal/userAgent";
import { ScriptedServer } from "./helpers/scriptedServer";
import { rejectionOf, TEST_API_KEY, testClient } from "./helpers/testClient";
import { VirtualClock } from "./helpers/virtualClock";

describe("client configuration", () => {
  it("fails before any request when there is no API key, saying where to put one", () => {
    assert.throws(
      () => resolveClientSettings({}, {}),
      (error: unknown) =>
        error instanceof NeonConfigurationError && /pass `apiKey` to NeonClient or set the NEON_API_KEY environment variable/.test(error.message),
    );
    assert.throws(() => resolveClientSettings({ apiKey: "  " }, { NEON_API_KEY: "" }), NeonConfigurationError);
  });

  it("reads NEON_API_KEY and NEON_API_HOST, and lets options win over them", () => {
    const fromEnv = resolveClientSettings({}, { NEON_API_KEY: "env-key", NEON_API_HOST: "http://127.0.0.1:4010/api/v2/" });
    assert.equal(fromEnv.apiKey, "env-key");
    assert.equal(fromEnv.pipeline.baseUrl, "http://127.0.0.1:4010/api/v2");
    const fromOptions = resolveClientSettings({ apiKey: "opt-key", baseUrl: "https://neon.example/api/v2" }, { NEON_API_KEY: "env-key", NEON_API_HOST: "http://x" });
    assert.equal(fromOptions.apiKey, "opt-key");
    assert.equal(fromOptions.pipeline.baseUrl, "https://neon.example/api/v2");
  });

  it("defaults to Neon's public API", () => {
    assert.equal(resolveClientSettings({ apiKey: "k" }, {}).pipeline.baseUrl, "https://console.neon.tech/api/v2");
  });

  it("reads the environment of the process when constructed", () => {
    const saved = { key: process.env.NEON_API_KEY, host: process.env.NEON_API_HOST };
    process.env.NEON_API_KEY = TEST_API_KEY;
    process.env.NEON_API_HOST = "http://127.0.0.1:9/api/v2";
    try {
      assert.equal(new NeonClient({ rateLimit: false }).baseUrl, "http://127.0.0.1:9/api/v2");
    } finally {
      for (const [name, value] of [["NEON_API_KEY", saved.key], ["NEON_API_HOST", saved.host]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("refuses a base URL that is not http(s) or that carries credentials, without echoing them", () => {
    assert.throws(() => resolveClientSettings({ apiKey: "k", baseUrl: "console.neon.tech" }, {}), NeonConfigurationError);
    assert.throws(() => resolveClientSettings({ apiKey: "k", baseUrl: "ftp://neon.example/api/v2" }, {}), NeonConfigurationError);
    assert.throws(
      () => resolveClientSettings({ apiKey: "k", baseUrl: "https://user:hunter2@neon.example/api/v2" }, {}),
      (error: unknown) => error instanceof NeonConfigurationError && !error.message.includes("hunter2"),
    );
  });

  it("refuses nonsensical retry, timeout and polling options", () => {
    for (const options of [{ retry: { maxAttempts: 0 } }, { retry: { baseDelayMs: -1 } }, { timeoutMs: 0 }, { operations: { backoffFactor: 0.5 } }, { operations: { deadlineMs: 1.5 } }]) {
      assert.throws(() => resolveClientSettings({ apiKey: "k", ...options }, {}), NeonConfigurationError, JSON.stringify(options));
    }
  });

  it("shares one rate limiter per base URL and key across clients, unless told otherwise", () => {
    const a = resolveClientSettings({ apiKey: "key-a" }, {}).pipeline.rateLimiter;
    const b = resolveClientSettings({ apiKey: "key-a" }, {}).pipeline.rateLimiter;
    const otherKey = resolveClientSettings({ apiKey: "key-b" }, {}).pipeline.rateLimiter;
    const otherLimits = resolveClientSettings({ apiKey: "key-a", rateLimit: { perMinute: 100 } }, {}).pipeline.rateLimiter;
    const ownClock = resolveClientSettings({ apiKey: "key-a", clock: new VirtualClock() }, {}).pipeline.rateLimiter;
    const explicit = new RateLimiter();
    assert.ok(a !== undefined && a === b);
    assert.notEqual(otherKey, a);
    assert.notEqual(otherLimits, a);
    assert.equal(otherLimits?.limits.perMinute, 100);
    assert.notEqual(ownClock, a);
    assert.equal(resolveClientSettings({ apiKey: "key-a", rateLimit: explicit }, {}).pipeline.rateLimiter, explicit);
    assert.equal(resolveClientSettings({ apiKey: "key-a", rateLimit: false }, {}).pipeline.rateLimiter, undefined);
  });

  it("opens no sockets and starts no timers when a client is created, so it needs no closing", () => {
    const before = process.getActiveResourcesInfo().length;
    for (let i = 0; i < 100; i += 1) new NeonClient({ apiKey: `key-${i}`, baseUrl: "http://127.0.0.1:9/api/v2" });
    assert.equal(process.getActiveResourcesInfo().length, before);
  });

  it("keeps the User-Agent's name and version in step with package.json", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { name: string; version: string };
    assert.deepEqual([PACKAGE_NAME, PACKAGE_VERSION], [pkg.name, pkg.version]);
  });

  describe("arguments", () => {
    let server: ScriptedServer;
    before(async () => {
      server = await ScriptedServer.start();
    });
    after(() => server.close());

    it("refuses an empty id before sending anything, and encodes ids in paths", async () => {
      const { client } = testClient(server);
      const error = await rejectionOf(client.branches.get("p-1", ""));
      assert.ok(error instanceof NeonConfigurationError);
      assert.match(error.message, /branch_id must be a non-empty string/);
      assert.equal(server.requests.length, 0);

      await rejectionOf(client.roles.get("p-1", "br-1", "weird/role name"));
      assert.equal(server.requests[0]?.path, "/projects/p-1/branches/br-1/roles/weird%2Frole%20name");
    });
  });
});
