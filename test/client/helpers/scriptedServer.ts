import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server saw, in arrival order. `path` is below the /api/v2 prefix, without the query. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly bodyText: string;
  readonly body: unknown;
}

export type Reply =
  | { readonly status: number; readonly body?: unknown; readonly rawBody?: string; readonly headers?: Record<string, string>; readonly delayMs?: number }
  /** Read the request (so a write "happened"), then destroy the connection without answering. */
  | { readonly drop: true };

export type Step = Reply | ((request: RecordedRequest) => Reply);

export const API_PREFIX = "/api/v2";

/**
 * A loopback HTTP server that answers each route from a script: the steps are used in order and
 * the last one repeats. Unscripted routes get a Neon-style 404.
 */
export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, { steps: Step[]; next: number }>();
  private readonly server: Server = createServer((req, res) => this.answer(req, res));
  private baseUrl: string | undefined;

  static async start(): Promise<ScriptedServer> {
    const scripted = new ScriptedServer();
    await scripted.listen();
    return scripted;
  }

  /** The API base URL (with the /api/v2 prefix); there is one once the server listens. */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error("the scripted server is not listening yet: start it in a before hook");
    return this.baseUrl;
  }

  /** Listens on a free loopback port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}${API_PREFIX}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const bodyText = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
        query: url.searchParams,
        headers: req.headers,
        bodyText,
        body: bodyText === "" ? undefined : JSON.parse(bodyText),
      };
      this.requests.push(recorded);
      const reply = this.replyFor(recorded);
      if ("drop" in reply) {
        req.socket.destroy();
        return;
      }
      const send = (): void => {
        const payload = reply.rawBody ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
        res.writeHead(reply.status, {
          ...(payload === "" ? {} : { "content-type": "application/json" }),
          "x-request-id": String(req.headers["x-request-id"] ?? ""),
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs);
    });
  }

  /** Scripts `METHOD path` (path below /api/v2, no query). Replaces any earlier script for it. */
  on(method: string, path: string, ...steps: Step[]): this {
    this.scripts.set(`${method} ${path}`, { steps, next: 0 });
    return this;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  reset(): void {
    this.scripts.clear();
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private replyFor(request: RecordedRequest): Reply {
    const script = this.scripts.get(`${request.method} ${request.path}`);
    if (script === undefined || script.steps.length === 0) {
      return { status: 404, body: { code: "NOT_FOUND", message: `unscripted route ${request.method} ${request.path}` } };
    }
    const step = script.steps[Math.min(script.next, script.steps.length - 1)]!;
    script.next += 1;
    return typeof step === "function" ? step(request) : step;
  }
}

/**
 * One scripted server for the enclosing describe block: listening before its first test, its
 * scripts and recorded requests cleared after each test (so no test sees another's), closed after
 * the block.
 */
export function scriptedServerForSuite(): ScriptedServer {
  const server = new ScriptedServer();
  before(() => server.listen());
  afterEach(() => server.reset());
  after(() => server.close());
  return server;
}

/** A Neon error body. */
export function neonError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { code, message }, ...(headers === undefined ? {} : { headers }) };
}
