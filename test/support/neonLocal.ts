/**
 * Starts local Neon APIs for tests with the spec-conformance observer attached: every response the
 * emulator sends (and every request it accepted) is validated against the official OpenAPI
 * document. Violations are collected here and fail the run in the root hooks.
 */
import { startNeonLocal, type NeonLocal, type NeonLocalOptions, type Exchange } from "../../emulator";
import { OpenApiConformance } from "./openapiConformance";

export interface ConformanceViolation {
  test: string;
  method: string;
  path: string;
  status: number;
  errors: string[];
}

class ConformanceRecorder {
  readonly checker = new OpenApiConformance();
  readonly violations: ConformanceViolation[] = [];
  /** Title of the running test, set by the root hooks, so a violation says where it came from. */
  currentTest = "(outside a test)";
  exchanges = 0;

  record(exchange: Exchange): void {
    if (exchange.dropped) return;
    // A request for a route the spec does not have (a deliberate 404/405 test) has no schema to
    // check; the emulator answers it with Neon's general error shape, which errors.test.ts asserts.
    if (!this.checker.matchOperation(exchange.method, exchange.path)) return;
    this.exchanges++;
    const errors = [
      ...this.checker.checkResponse({ method: exchange.method, path: exchange.path, status: exchange.status, body: exchange.responseBody }).errors,
    ];
    // A request the emulator accepted must be one the spec accepts too. Requests our tests send
    // to provoke a 4xx are invalid on purpose, so only accepted ones are checked.
    if (exchange.status >= 200 && exchange.status < 300) {
      errors.push(
        ...this.checker.checkRequest({ method: exchange.method, path: exchange.path, query: exchange.query, body: exchange.requestBody }).errors,
      );
    }
    if (errors.length > 0) {
      this.violations.push({ test: this.currentTest, method: exchange.method, path: exchange.path, status: exchange.status, errors });
    }
  }
}

export const conformance = new ConformanceRecorder();

/** Test defaults: loopback, fast operations, no rate limit (tests that need one turn it on). */
export function startTestNeon(options: NeonLocalOptions = {}): Promise<NeonLocal> {
  const observer = options.onExchange;
  return startNeonLocal({
    host: "127.0.0.1",
    port: 0,
    operationDelayMs: 0,
    rateLimit: false,
    ...options,
    onExchange: (exchange) => {
      conformance.record(exchange);
      observer?.(exchange);
    },
  });
}

/** A minimal JSON client for emulator tests (the real client lives in provider/client). */
export interface RawResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  neon: Pick<NeonLocal, "url" | "apiKey">,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse<T>> {
  const res = await fetch(`${neon.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${neon.apiKey}`,
      Accept: "application/json",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.length > 0 ? JSON.parse(text) : undefined };
}
