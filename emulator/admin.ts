/**
 * The test control plane, under a prefix that cannot collide with Neon's `/api/v2`: fault
 * injection, the request log, and the clock. It needs no API key (it exists only on a local
 * emulator) and is never rate limited.
 *
 *   GET    /__neon_local/health
 *   GET    /__neon_local/faults                 active faults
 *   POST   /__neon_local/faults                 {match, action, times?|probability?} → 201 {id}
 *   POST   /__neon_local/operation-faults       {projectId?, count, outcome: failed|error|slow, factor?} → 201 {id}
 *   DELETE /__neon_local/faults[/{id}]          clear all, or one
 *   GET    /__neon_local/held                   requests held by `hold` faults
 *   POST   /__neon_local/held/{id}/release      let one go on
 *   GET    /__neon_local/requests               the request log; DELETE clears it
 *   POST   /__neon_local/clock/advance          {ms} (only with a manual clock)
 */
import type { ServerResponse } from "node:http";
import { ManualClock, type Clock } from "./clock";
import { InvalidFaultError, type FaultController } from "./faults";
import type { RequestLogEntry } from "./server";

export const adminPrefix = "/__neon_local";

export interface AdminContext {
  faults: FaultController;
  requestLog: RequestLogEntry[];
  clock: Clock;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function handleAdminRequest(ctx: AdminContext, method: string, url: URL, raw: Buffer, res: ServerResponse): void {
  const path = url.pathname.slice(adminPrefix.length);
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return send(res, 400, { code: "BAD_REQUEST", message: "request body is not valid JSON" });
    }
  }
  try {
    if (method === "GET" && path === "/health") return send(res, 200, { ok: true });
    if (method === "GET" && path === "/faults") return send(res, 200, ctx.faults.list());
    if (method === "POST" && path === "/faults") return send(res, 201, { id: ctx.faults.add(body as never) });
    if (method === "POST" && path === "/operation-faults") return send(res, 201, { id: ctx.faults.addOperationFault(body as never) });
    if (method === "DELETE" && path === "/faults") {
      ctx.faults.clear();
      return send(res, 204);
    }
    const one = /^\/faults\/([^/]+)$/.exec(path);
    if (method === "DELETE" && one) return ctx.faults.remove(one[1]) ? send(res, 204) : send(res, 404, { code: "NOT_FOUND", message: `fault ${one[1]} not found` });
    if (method === "GET" && path === "/held") return send(res, 200, { held: ctx.faults.heldRequests() });
    const held = /^\/held\/([^/]+)\/release$/.exec(path);
    if (method === "POST" && held) return ctx.faults.release(held[1]) ? send(res, 204) : send(res, 404, { code: "NOT_FOUND", message: `no request ${held[1]} is held` });
    if (method === "GET" && path === "/requests") return send(res, 200, { requests: ctx.requestLog });
    if (method === "DELETE" && path === "/requests") {
      ctx.requestLog.length = 0;
      return send(res, 204);
    }
    if (method === "POST" && path === "/clock/advance") {
      if (!(ctx.clock instanceof ManualClock)) return send(res, 409, { code: "CONFLICT", message: "the clock is the system clock; start with a manual clock to move time" });
      const ms = (body as { ms?: unknown } | undefined)?.ms;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) return send(res, 400, { code: "BAD_REQUEST", message: "ms: expected a number ≥ 0" });
      ctx.clock.advance(ms);
      return send(res, 200, { now: new Date(ctx.clock.now()).toISOString() });
    }
    return send(res, 404, { code: "NOT_FOUND", message: `no admin route ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof InvalidFaultError) return send(res, 400, { code: "BAD_REQUEST", message: err.message });
    throw err;
  }
}
