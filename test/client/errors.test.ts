import * as assert from "node:assert/strict";
import {
  NeonApiError,
  NeonBadRequestError,
  NeonConflictError,
  NeonError,
  NeonForbiddenError,
  NeonLockedError,
  NeonNotAcceptableError,
  NeonNotFoundError,
  NeonPreconditionFailedError,
  NeonRateLimitedError,
  NeonServerError,
  NeonUnauthorizedError,
  NeonUnprocessableEntityError,
} from "../../provider/client";
import { apiError, type ErrorContext } from "../../provider/client/internal/errorFactory";

const context: ErrorContext = { method: "POST", path: "/projects/p-1/branches", requestId: "3f2a-req", attempts: 1, secrets: ["napi_SECRET_KEY_123"] };

function fromStatus(status: number, body: unknown = { code: "X", message: "m" }, extra: Partial<Parameters<typeof apiError>[0]> = {}) {
  return apiError({ status, bodyText: typeof body === "string" ? body : JSON.stringify(body), requestIdHeader: undefined, retryAfterMs: undefined, ...extra }, context);
}

describe("error factory", () => {
  it("writes messages that read well in a deployment log", () => {
    const error = fromStatus(423, { code: "LOCKED", message: "project already has running conflicting operations" });
    assert.equal(error.message, "POST /projects/p-1/branches → 423 Locked: project already has running conflicting operations (request 3f2a-req)");
    assert.equal(error.name, "NeonLockedError");
    assert.equal(String(error), `NeonLockedError: ${error.message}`);
  });

  it("has one class per meaningful status, all NeonApiError and NeonError", () => {
    const expected: [number, new (...args: never[]) => NeonApiError][] = [
      [400, NeonBadRequestError],
      [401, NeonUnauthorizedError],
      [403, NeonForbiddenError],
      [404, NeonNotFoundError],
      [406, NeonNotAcceptableError],
      [409, NeonConflictError],
      [412, NeonPreconditionFailedError],
      [422, NeonUnprocessableEntityError],
      [423, NeonLockedError],
      [429, NeonRateLimitedError],
      [500, NeonServerError],
      [502, NeonServerError],
      [503, NeonServerError],
    ];
    for (const [status, type] of expected) {
      const error = fromStatus(status);
      assert.ok(error instanceof type, `${status} → ${error.name}`);
      assert.ok(error instanceof NeonApiError && error instanceof NeonError && error instanceof Error);
      assert.equal(error.status, status);
    }
    const other = fromStatus(418);
    assert.equal(other.constructor, NeonApiError);
  });

  it("carries status, code, Neon's message, method, path and request id", () => {
    const error = fromStatus(409, { code: "CONFLICT", message: "branch name taken", request_id: "neon-req-9" });
    assert.deepEqual(
      { status: error.status, code: error.code, neonMessage: error.neonMessage, method: error.method, path: error.path, requestId: error.requestId },
      { status: 409, code: "CONFLICT", neonMessage: "branch name taken", method: "POST", path: "/projects/p-1/branches", requestId: "neon-req-9" },
    );
  });

  it("falls back to the X-Request-ID header, then to the id the client sent", () => {
    assert.equal(fromStatus(404, { code: "", message: "gone" }, { requestIdHeader: "hdr-1" }).requestId, "hdr-1");
    assert.equal(fromStatus(404, { code: "", message: "gone" }).requestId, "3f2a-req");
  });

  it("drops a body that is not Neon's error shape instead of quoting it", () => {
    const error = fromStatus(502, "<html><body>Bad gateway from proxy</body></html>");
    assert.equal(error.message, "POST /projects/p-1/branches → 502 Bad Gateway (request 3f2a-req)");
    assert.equal(error.code, "");
  });

  it("summarises the project transfer refusals (406 limits, 422 integrations)", () => {
    const limits = fromStatus(406, { limits: [{ name: "projects", expected: "100", actual: "120" }] });
    assert.match(limits.message, /406 Not Acceptable: organization limits not satisfied: projects \(expected 100, actual 120\)/);
    const integrations = fromStatus(422, { projects: [{ id: "p-9", integration: "vercel" }] });
    assert.match(integrations.message, /422 Unprocessable Entity: projects with integrations cannot be transferred: p-9 \(vercel\)/);
  });

  it("redacts connection strings, passwords and the API key from Neon's messages", () => {
    const error = fromStatus(400, {
      code: "BAD",
      message: "cannot connect to postgresql://owner:pw-HUNTER2@ep-1.neon.tech/db with password=pw-HUNTER2 using napi_SECRET_KEY_123",
    });
    assert.doesNotMatch(error.message, /HUNTER2|napi_SECRET_KEY_123|owner:/);
    assert.doesNotMatch(error.neonMessage, /HUNTER2|napi_SECRET_KEY_123/);
    assert.match(error.message, /postgresql:\/\/\[redacted\]/);
  });

  it("keeps the typed fields and the message in JSON", () => {
    const json = JSON.parse(JSON.stringify(fromStatus(429, { code: "TOO_MANY", message: "slow" }, { retryAfterMs: 2000 })));
    assert.equal(json.name, "NeonRateLimitedError");
    assert.equal(json.status, 429);
    assert.equal(json.retryAfterMs, 2000);
    assert.match(json.message, /429 Too Many Requests: slow/);
  });
});
