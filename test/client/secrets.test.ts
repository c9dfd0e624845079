import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { NeonClient } from "../../provider/client";
import { branch, connectionDetails, createdBranch, operation, project } from "./helpers/fixtures";
import { neonError, scriptedServerForSuite } from "./helpers/scriptedServer";
import { rejectionOf, TEST_API_KEY, testClient } from "./helpers/testClient";

const PASSWORD = "npg_Pa55w0rdSecretXYZ";
const CLIENT_SECRET = "oauth-client-secret-QQQ777";
const SECRETS = [TEST_API_KEY, PASSWORD, CLIENT_SECRET];

/** Every way a thrown object or a client is commonly turned into text. */
function renderings(value: unknown): string[] {
  const error = value as { message?: unknown; stack?: unknown; cause?: unknown };
  return [
    String(value),
    String(error?.message),
    String(error?.stack),
    JSON.stringify(value) ?? "",
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true }),
    error?.cause === undefined ? "" : inspect(error.cause, { depth: 10, showHidden: true }),
  ];
}

function assertNoSecrets(value: unknown, what: string): void {
  for (const text of renderings(value)) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} leaked ${secret.slice(0, 8)}… in:\n${text.slice(0, 600)}`);
  }
}

describe("secrets never leak into errors, logs or the client object", () => {
  const server = scriptedServerForSuite();

  it("keeps the key, passwords and secrets out of every error and every log line", async () => {
    const { client, logLines } = testClient(server, { retry: { maxAttempts: 2 } });
    server.on("GET", "/auth", neonError(401, "UNAUTHORIZED", `invalid key ${TEST_API_KEY} (Authorization: Bearer ${TEST_API_KEY})`));
    server.on("POST", "/projects", {
      status: 201,
      // A create response that fails validation (project.id missing) while carrying the password.
      body: { project: project({ id: undefined }), connection_uris: [connectionDetails(PASSWORD)], roles: [], databases: [], operations: [], branch: branch(), endpoints: [] },
    });
    server.on("GET", "/projects/p-1/branches/br-1/roles/app/reveal_password", { status: 200, rawBody: `{"password": "${PASSWORD}"` });
    server.on("POST", "/projects/p-1/branches/br-1/auth/oauth_providers", { drop: true });
    server.on("POST", "/projects/p-1/branches", {
      status: 201,
      body: createdBranch([operation("op-1", "failed", { error: `could not apply postgresql://app:${PASSWORD}@ep-1/db password=${PASSWORD}` })]),
    });
    server.on("GET", "/projects/p-1", neonError(500, "INTERNAL", `dsn=postgres://app:${PASSWORD}@host/db`));

    const errors = [
      await rejectionOf(client.identity.getAuth()),
      await rejectionOf(client.projects.create({ project: { name: "x" } })),
      await rejectionOf(client.roles.revealPassword("p-1", "br-1", "app")),
      await rejectionOf(client.neonAuth.addOAuthProvider("p-1", "br-1", { id: "github", client_id: "cid", client_secret: CLIENT_SECRET })),
      await rejectionOf(client.branches.create("p-1")),
      await rejectionOf(client.projects.get("p-1")),
    ];

    assert.deepEqual(
      errors.map((e) => (e as Error).name),
      [
        "NeonUnauthorizedError",
        "NeonResponseValidationError",
        "NeonResponseValidationError",
        "NeonAmbiguousWriteError",
        "NeonOperationFailedError",
        "NeonServerError",
      ],
    );
    errors.forEach((error, i) => assertNoSecrets(error, `error ${i} (${(error as Error).name})`));
    assert.ok(logLines.length >= 7);
    for (const line of logLines) assertNoSecrets(line, "log line");
  });

  it("keeps the key out of the client object itself", () => {
    const client = new NeonClient({ apiKey: TEST_API_KEY, baseUrl: server.url, rateLimit: false });
    assertNoSecrets(client, "client");
    assertNoSecrets(client.projects, "client.projects");
  });

  it("keeps the key out of the error for a refused connection, including its undici cause", async () => {
    const { client } = testClient(server, { baseUrl: "http://127.0.0.1:1/api/v2", retry: { maxAttempts: 1 } });
    assertNoSecrets(await rejectionOf(client.projects.get("p-1")), "connection error");
  });

  it("writes NEON_LOG=debug lines to stderr without the Authorization header", async () => {
    server.on("GET", "/projects/p-1", neonError(503, "UNAVAILABLE", "later"), { status: 200, body: { project: project() } });
    const previous = process.env.NEON_LOG;
    const written: string[] = [];
    const originalWrite = process.stderr.write.bind(process.stderr);
    process.env.NEON_LOG = "debug";
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const { client } = testClient(server, { logger: undefined });
      await client.projects.get("p-1");
    } finally {
      process.stderr.write = originalWrite;
      if (previous === undefined) delete process.env.NEON_LOG;
      else process.env.NEON_LOG = previous;
    }
    assert.equal(written.length, 2);
    assert.match(written[0]!, /^neon: GET \/projects\/p-1 → 503 in \d+ms \(attempt 1\/12, request [0-9a-f-]{36}\) — retrying in 250ms: 503/);
    assert.match(written[1]!, /^neon: GET \/projects\/p-1 → 200 in \d+ms \(attempt 2\/12, request [0-9a-f-]{36}\)\n$/);
    for (const line of written) assertNoSecrets(line, "stderr line");
  });
});
