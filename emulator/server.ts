/**
 * The HTTP layer: authentication, routing, fault injection, rate limiting, body parsing, the
 * request log, and turning handler results and errors into Neon-shaped responses.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { apiErrors, NeonLocalError } from "./errors";
import type { FaultAction, FaultController } from "./faults";
import { handleAdminRequest, adminPrefix, type AdminContext } from "./admin";
import { newRequestId } from "./ids";
import type { RateLimiter } from "./rateLimit";
import { invalidPathParameter } from "./pathParams";
import { runInTransaction } from "./transaction";
import { Router } from "./router";
import { routes, type RouteDefinition } from "./handlers";
import type { HandlerResult } from "./handlers/types";
import type { World } from "./world";

export const apiPrefix = "/api/v2";

export interface RequestLogEntry {
  at: number;
  method: string;
  /** Path below /api/v2, without the query string. */
  path: string;
  /** The route template, e.g. `/projects/{project_id}`, when the path matched one. */
  route?: string;
  operationId?: string;
  /** HTTP status sent; 0 when the connection was dropped by a fault instead. */
  status: number;
  requestId: string;
  /** What a fault did to this request, if one fired. */
  fault?: FaultAction["kind"];
}

/** Everything about one request/response pair, for observers such as the spec-conformance suite. */
export interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  route?: string;
  operationId?: string;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
  dropped: boolean;
}

export interface ServerDeps {
  world: World;
  apiKey: string;
  faults: FaultController;
  rateLimiter?: RateLimiter;
  requestLog: RequestLogEntry[];
  /** The request log keeps this many of the most recent entries, so a long run does not grow without bound. */
  requestLogLimit: number;
  maxBodyBytes: number;
  onExchange?: (exchange: Exchange) => void;
  onMutation: () => void;
  admin: AdminContext;
}

const router = new Router<RouteDefinition>(routes);

/** The response being written on each connection, for answerMalformedRequest. */
const responsesInFlight = new WeakMap<Duplex, ServerResponse>();
/** How to fail the body being read on each connection, for a request that is cut short. */
const bodyReaders = new WeakMap<Duplex, { req: IncomingMessage; fail: (error: NeonLocalError) => void }>();

export function createRequestListener(deps: ServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    responsesInFlight.set(socket, res);
    res.once("close", () => {
      if (responsesInFlight.get(socket) === res) responsesInFlight.delete(socket);
    });
    handle(deps, req, res).catch((err: unknown) => {
      // Last resort (handle() answers its own errors): the server must never go down with a request.
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { code: "INTERNAL_ERROR", message: apiErrors.internal(err).message, request_id: String(res.getHeader("X-Request-ID") ?? "") });
      }
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestIdHeader = req.headers["x-request-id"];
  const requestId = (Array.isArray(requestIdHeader) ? requestIdHeader[0] : requestIdHeader) || newRequestId();
  res.setHeader("X-Request-ID", requestId);
  // Neon's clock, as Neon's answers carry it; clients judge what was created when by it.
  res.setHeader("Date", new Date(deps.world.now()).toUTCString());
  const method = (req.method ?? "GET").toUpperCase();
  let url: URL;
  // Routed on the path as sent: URL parsing resolves `.` and `..` segments (also percent-encoded
  // ones), which would let `/branches/%2e%2e` name the project itself. The URL is for the query only.
  const rawPath = (req.url ?? "/").split("?")[0];
  try {
    if (!rawPath.startsWith("/")) throw new Error("not a path");
    url = new URL(req.url ?? "/", "http://localhost");
  } catch {
    // A request target that is not a path (`//`, `http:`…) names no route of this API.
    sendError(res, apiErrors.badRequest(`malformed request target ${JSON.stringify(req.url)}`), requestId);
    return;
  }

  if (rawPath.startsWith(adminPrefix)) {
    const body = await readBody(req, deps.maxBodyBytes).catch((e: unknown) => e as NeonLocalError);
    if (body instanceof NeonLocalError) sendError(res, body, requestId);
    else handleAdminRequest(deps.admin, method, url, body, res);
    return;
  }

  const path = rawPath.startsWith(`${apiPrefix}/`) || rawPath === apiPrefix ? rawPath.slice(apiPrefix.length) || "/" : undefined;
  const log: RequestLogEntry = { at: deps.world.now(), method, path: path ?? rawPath, status: 0, requestId };
  const exchange: Exchange = { method, path: log.path, query: url.searchParams, status: 0, requestBody: undefined, responseBody: undefined, dropped: false };
  const finish = (status: number, body: unknown, dropped = false) => {
    log.status = dropped ? 0 : status;
    exchange.status = status;
    exchange.responseBody = body;
    exchange.dropped = dropped;
    deps.requestLog.push(log);
    // V8 trims an array's head in place, so dropping the oldest entry this way is cheap.
    while (deps.requestLog.length > deps.requestLogLimit) deps.requestLog.shift();
    deps.onExchange?.(exchange);
  };

  try {
    if (path === undefined) throw apiErrors.routeNotFound(method, rawPath);
    if (!isAuthorized(req, deps.apiKey)) throw apiErrors.unauthorized();
    const match = router.match(method, path);
    if (match === undefined) throw apiErrors.routeNotFound(method, path);
    if (match === "method") throw apiErrors.methodNotAllowed(method, path);
    const refused = invalidPathParameter(match.params);
    if (refused) throw apiErrors.notFound(refused.name.replace(/_id$/, "").replace(/_/g, " "), refused.value);
    log.route = exchange.route = match.route.path;
    log.operationId = exchange.operationId = match.route.operationId;

    const fault = deps.faults.take({ method, path, routeTemplate: match.route.path, operationId: match.route.operationId });
    if (fault) log.fault = fault.kind;
    if (fault?.kind === "drop") {
      req.resume();
      res.destroy();
      return finish(0, undefined, true);
    }
    if (fault?.kind === "delay") await deps.world.sleep(fault.ms);
    if (fault?.kind === "status") throw apiErrors.injected(fault.status, fault.retryAfterSeconds, fault.message);

    if (deps.rateLimiter) {
      const decision = deps.rateLimiter.check(`${method} ${match.route.path}`);
      if (!decision.allowed) throw apiErrors.rateLimited(decision.retryAfterSeconds, decision.scope);
    }

    const raw = await readBody(req, deps.maxBodyBytes);
    // Held after its body is read: the client may be gone (killed) by the time it is released.
    const then = fault?.kind === "hold" ? ((await deps.faults.hold(method, log.path)) === "abandoned" ? "drop" : fault.then) : undefined;
    if (then === "drop") {
      res.destroy();
      return finish(0, undefined, true);
    }
    const body = parseJson(raw);
    exchange.requestBody = body;
    const projectId = match.params.project_id;
    deps.world.settle(projectId);
    const busy = match.route.locksProject === true && projectId !== undefined && deps.world.busy(projectId);
    // Operation faults are taken as the handler schedules operations; a request that fails gives
    // them back, as the transaction gives back the state.
    const restoreOperationFaults = method !== "GET" ? deps.faults.operationFaultsSavepoint() : undefined;
    let result: HandlerResult;
    try {
      result = runInTransaction(deps.world, projectId, method !== "GET", () => {
        const handled = match.route.handle({ world: deps.world, params: match.params, query: url.searchParams, body });
        // Checked once the request proved valid (its 400s and 404s come first, as Neon's do);
        // the transaction then undoes what the handler did.
        if (busy && handled.nothingToDo !== true) throw apiErrors.locked();
        return handled;
      });
    } catch (err) {
      restoreOperationFaults?.();
      throw err;
    }
    if (method !== "GET") deps.onMutation();

    if (fault?.kind === "commit_then_drop" || then === "commit_then_drop") {
      // The change is made; the client never learns it: the ambiguous write clients must reconcile.
      res.destroy();
      return finish(result.status, result.body, true);
    }
    if (result.body === undefined) {
      res.writeHead(result.status);
      res.end();
    } else {
      sendJson(res, result.status, result.body);
    }
    finish(result.status, result.body);
  } catch (err) {
    // A bug in a handler is answered like any error (500, logged, request id), and the server goes on.
    const error = err instanceof NeonLocalError ? err : apiErrors.internal(err);
    // Headers sent or socket gone: the exchange was already finished (or the client left); log it once.
    if (res.headersSent || res.destroyed) return;
    const body = sendError(res, error, requestId);
    finish(error.status, body);
  }
}

function isAuthorized(req: IncomingMessage, apiKey: string): boolean {
  const header = req.headers.authorization;
  if (!header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m !== null && m[1].trim() === apiKey;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBytes) {
      req.resume();
      return reject(apiErrors.bodyTooLarge(maxBytes));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        // Keep draining (so the socket stays usable) but stop buffering.
        refused = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      bodyReaders.delete(req.socket);
      if (refused) reject(apiErrors.bodyTooLarge(maxBytes));
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
    bodyReaders.set(req.socket, { req, fail: reject });
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw apiErrors.malformedJson();
  }
}

/**
 * A request Node cannot parse (a bad request line, a header without a colon, a bad Content-Length)
 * never reaches the listener; Node would answer it with a bare 400. Neon answers every error with
 * its JSON body, so this does too, on the raw socket, and closes the connection.
 */
export function answerMalformedRequest(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  // Bytes that follow a request without being framed as its body (a DELETE with an unannounced
  // body) are parsed as a next request and fail: the request in flight is still answered first,
  // and only then is the connection closed, so no client mistakes the 400 for that answer.
  const inFlight = responsesInFlight.get(socket);
  if (inFlight) {
    inFlight.once("close", () => socket.destroy());
    // A request whose body stopped short (the client closed its side): its answer says so.
    const reader = bodyReaders.get(socket);
    if (reader && !reader.req.complete) reader.fail(apiErrors.badRequest("the request body ended before the length it announced (a truncated request)"));
    return;
  }
  const error = apiErrors.badRequest(`malformed HTTP request (${err.code ?? err.message})`);
  const text = JSON.stringify({ code: error.code, message: error.message, request_id: newRequestId() });
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: NeonLocalError, requestId: string): unknown {
  const body = err.body ?? { code: err.code, message: err.message, request_id: requestId };
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  sendJson(res, err.status, body);
  return body;
}
