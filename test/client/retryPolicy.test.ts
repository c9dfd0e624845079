import * as assert from "node:assert/strict";
import {
  backoffDelay,
  classifyOutcome,
  decideRetry,
  defaultRetryPolicy,
  type HttpMethod,
  parseRetryAfter,
  type RetryInput,
  type TransportFailure,
} from "../../provider/client";

const METHODS: HttpMethod[] = ["GET", "PUT", "DELETE", "POST", "PATCH"];
const IDEMPOTENT = new Set<HttpMethod>(["GET", "PUT", "DELETE"]);
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function input(overrides: Partial<RetryInput> & Pick<RetryInput, "method" | "outcome">): RetryInput {
  return { attempt: 1, now: NOW, startedAt: NOW, random: 0.5, policy: defaultRetryPolicy, ...overrides };
}

describe("retry policy: what is retried", () => {
  const expectations: { statuses: number[]; idempotent: "retry" | "fail" | "ambiguous"; write: "retry" | "fail" | "ambiguous" }[] = [
    { statuses: [423, 429, 503], idempotent: "retry", write: "retry" },
    { statuses: [500, 501, 502, 504, 505, 507, 599], idempotent: "retry", write: "ambiguous" },
    { statuses: [300, 304, 400, 401, 403, 404, 405, 406, 408, 409, 412, 413, 422, 425], idempotent: "fail", write: "fail" },
  ];
  for (const { statuses, idempotent, write } of expectations) {
    for (const status of statuses) {
      for (const method of METHODS) {
        const expected = IDEMPOTENT.has(method) ? idempotent : write;
        it(`${method} answered ${status} → ${expected}`, () => {
          assert.equal(classifyOutcome(method, { kind: "status", status }).class, expected);
        });
      }
    }
  }

  const transport: { failure: TransportFailure; idempotent: "retry"; write: "retry" | "ambiguous" }[] = [
    { failure: "connect_failed", idempotent: "retry", write: "retry" },
    { failure: "connection_lost", idempotent: "retry", write: "ambiguous" },
    { failure: "timeout", idempotent: "retry", write: "ambiguous" },
  ];
  for (const { failure, idempotent, write } of transport) {
    for (const method of METHODS) {
      const expected = IDEMPOTENT.has(method) ? idempotent : write;
      it(`${method} with ${failure} → ${expected}`, () => {
        assert.equal(classifyOutcome(method, { kind: "transport", failure }).class, expected);
      });
    }
  }

  it("reports an ambiguous write as not retried and flagged", () => {
    const decision = decideRetry(input({ method: "POST", outcome: { kind: "status", status: 502 } }));
    assert.deepEqual(decision, { retry: false, reason: "502: the write may have been applied before the failure", ambiguousWrite: true });
  });

  it("does not flag a plain failure as ambiguous", () => {
    const decision = decideRetry(input({ method: "POST", outcome: { kind: "status", status: 409 } }));
    assert.equal(decision.retry, false);
    assert.equal(!decision.retry && decision.ambiguousWrite, false);
  });
});

describe("retry policy: how long to wait", () => {
  it("reads Retry-After in seconds", () => {
    assert.equal(parseRetryAfter("3", NOW), 3000);
    assert.equal(parseRetryAfter(" 0 ", NOW), 0);
  });

  it("reads Retry-After as an HTTP date, relative to now", () => {
    assert.equal(parseRetryAfter(new Date(NOW + 7000).toUTCString(), NOW), 7000);
  });

  it("treats a Retry-After date in the past as no wait", () => {
    assert.equal(parseRetryAfter(new Date(NOW - 7000).toUTCString(), NOW), 0);
  });

  it("ignores a missing or malformed Retry-After", () => {
    for (const value of [undefined, "", "soon", "-1", "1.5", "12abc", "10 GMT", "2015-10-21", "Oct 21 2015"]) {
      assert.equal(parseRetryAfter(value, NOW), undefined, String(value));
    }
  });

  it("reads the three HTTP date forms of RFC 9110", () => {
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", Date.UTC(2026, 0, 1)), 10_000);
    assert.equal(parseRetryAfter("Thursday, 01-Jan-26 00:00:10 GMT", Date.UTC(2026, 0, 1)), 10_000);
    assert.equal(parseRetryAfter("Thu Jan  1 00:00:10 2026", Date.UTC(2026, 0, 1)), 10_000);
  });

  it("honours Retry-After exactly, even above the backoff cap", () => {
    const decision = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 429 }, retryAfterHeader: "20" }));
    assert.deepEqual(decision, { retry: true, delayMs: 20_000, reason: "429 rate limited" });
  });

  it("honours an HTTP-date Retry-After on a 423", () => {
    const retryAfterHeader = new Date(NOW + 4000).toUTCString();
    const decision = decideRetry(input({ method: "POST", outcome: { kind: "status", status: 423 }, retryAfterHeader }));
    assert.equal(decision.retry && decision.delayMs, 4000);
  });

  it("backs off exponentially with full jitter when there is no Retry-After", () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, 0.999999, policy)),
      [99, 199, 399, 799, 999, 999],
    );
    assert.equal(backoffDelay(3, 0, policy), 0);
    assert.equal(backoffDelay(3, 0.5, policy), 200);
  });

  it("uses the jitter draw it is given", () => {
    const a = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 503 }, attempt: 3, random: 0.25 }));
    const b = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 503 }, attempt: 3, random: 0.75 }));
    assert.deepEqual([a.retry && a.delayMs, b.retry && b.delayMs], [500, 1500]);
  });
});

describe("retry policy: budgets", () => {
  it("stops after maxAttempts", () => {
    const policy = { ...defaultRetryPolicy, maxAttempts: 3 };
    const second = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 423 }, attempt: 2, policy }));
    const third = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 423 }, attempt: 3, policy }));
    assert.equal(second.retry, true);
    assert.equal(third.retry, false);
    assert.match(third.reason, /gave up after 3 attempts/);
  });

  it("does not start a wait that would end after the deadline", () => {
    const policy = { ...defaultRetryPolicy, deadlineMs: 10_000 };
    const fits = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 429 }, retryAfterHeader: "4", now: NOW + 6000, policy }));
    const late = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 429 }, retryAfterHeader: "5", now: NOW + 6000, policy }));
    assert.equal(fits.retry, true);
    assert.equal(late.retry, false);
    assert.match(late.reason, /deadline/);
  });

  it("never retries a non-retryable status, whatever the budget", () => {
    const decision = decideRetry(input({ method: "GET", outcome: { kind: "status", status: 404 }, retryAfterHeader: "1" }));
    assert.equal(decision.retry, false);
  });
});
