/**
 * The local Neon API's Postgres front door: one loopback port for every compute, like Neon's proxy.
 * A client asks for a compute by endpoint id (`options=endpoint%3D<id>`, or a password
 * `endpoint=<id>;<password>`: Neon's ways for clients without SNI, since `ep-….neon.tech` names
 * do not resolve to this machine), authenticates with the role's password as the API reports it
 * (cleartext inside TLS: `sslmode=require` works, with a certificate made for the process), and is
 * then joined to the branch's database, started if it was not running.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { generate } from "selfsigned";
import { cleartextPasswordRequest, errorResponse, readPasswordMessage, readStartupPacket, requestedEndpoint, startupMessage } from "./wire";

/** Where a connection goes, or why it is refused (SQLSTATE and message, as Postgres or Neon word them). */
export type Route = { readonly cluster: string; readonly endpointId: string; readonly database: string } | { readonly refused: readonly [sqlState: string, message: string] };

export interface FrontDeps {
  /** Decides where an authenticated request goes (the API's endpoints, roles and passwords). */
  route(request: { endpointId: string | undefined; user: string; database: string; password: string }): Route;
  /** Registers a connection to a compute from the moment it is routed (so that a cut reaches it); returns the unregistering. */
  track(endpointId: string, cluster: string, socket: net.Socket): () => void;
  /**
   * Starts the branch's database if need be and counts the connection on it (it is not stopped
   * while counted); its internal port, and the release of the count.
   */
  open(cluster: string, database: string): Promise<{ port: number; release: () => void }>;
}

/** A client has this long to get through TLS, the startup and the password. */
const GREETING_TIMEOUT_MS = 30_000;

// One certificate per process: clients with sslmode=require do not verify it (verify-full would need the real Neon's).
let certificate: Promise<{ key: string; cert: string }> | undefined;
function localCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: "commonName", value: "neon-local" }], { keyType: "ec", curve: "P-256", notAfterDate: new Date(Date.now() + 10 * 365 * 86_400_000), algorithm: "sha256" }).then((p) => ({
    key: p.private,
    cert: p.cert,
  }));
  return certificate;
}

export interface PostgresFront {
  readonly port: number;
  close(): Promise<void>;
}

export async function startFront(host: string, port: number, deps: FrontDeps): Promise<PostgresFront> {
  const { key, cert } = await localCertificate();
  const secureContext = tls.createSecureContext({ key, cert });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(GREETING_TIMEOUT_MS, () => socket.destroy());
    greet(socket, secureContext, deps).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads from a socket as a sequence of packets, keeping what arrived beyond the current one. */
class PacketReader {
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | undefined;
  #ended = false;

  constructor(readonly socket: net.Socket) {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
  }

  readonly #onData = (chunk: Buffer) => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#wake?.();
  };

  readonly #onEnd = () => {
    this.#ended = true;
    this.#wake?.();
  };

  /** Waits until `parse` finds a whole packet; consumes it. */
  async next<T>(parse: (buffer: Buffer) => (T & { length: number }) | { invalid: string } | undefined): Promise<T & { length: number }> {
    for (;;) {
      const parsed = parse(this.#buffer);
      if (parsed !== undefined) {
        if ("invalid" in parsed) throw new Error(parsed.invalid);
        this.#buffer = this.#buffer.subarray(parsed.length);
        return parsed;
      }
      if (this.#ended) throw new Error("the client left");
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  /** Stops reading; returns what arrived beyond the packets read. */
  detach(): Buffer {
    this.socket.off("data", this.#onData);
    this.socket.off("end", this.#onEnd);
    this.socket.off("close", this.#onEnd);
    return this.#buffer;
  }
}

async function greet(raw: net.Socket, secureContext: tls.SecureContext, deps: FrontDeps): Promise<void> {
  let socket: net.Socket = raw;
  let reader = new PacketReader(socket);
  let servername: string | undefined;
  let startup: { params: Readonly<Record<string, string>> } | undefined;
  while (startup === undefined) {
    const packet = await reader.next((b) => {
      const p = readStartupPacket(b);
      return p === undefined ? undefined : p.kind === "invalid" ? { invalid: p.reason } : p;
    });
    if (packet.kind === "ssl" && socket === raw) {
      reader.detach();
      raw.write("S");
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
      await new Promise<void>((resolve, reject) => {
        secure.once("secure", resolve);
        secure.once("error", reject);
      });
      servername = (secure as tls.TLSSocket & { servername?: string }).servername || undefined;
      socket = secure;
      socket.on("error", () => raw.destroy());
      reader = new PacketReader(socket);
    } else if (packet.kind === "ssl" || packet.kind === "gssenc") {
      socket.write("N");
    } else if (packet.kind === "cancel") {
      socket.destroy(); // cancelling a running query is not supported
      return;
    } else if (packet.kind === "startup") {
      startup = packet;
    }
  }
  const refuse = (sqlState: string, message: string) => {
    socket.end(errorResponse(sqlState, message));
  };
  const user = startup.params.user ?? "";
  const database = startup.params.database ?? user;
  socket.write(cleartextPasswordRequest());
  const { password: given } = await reader.next(readPasswordMessage);
  const fromSni = servername?.startsWith("ep-") ? servername.split(".")[0] : undefined;
  const asked = requestedEndpoint(startup.params, given);
  const route = deps.route({ endpointId: asked.endpointId ?? fromSni, user, database, password: asked.password });
  if ("refused" in route) return refuse(...route.refused);

  // From here the connection is the compute's: a cut (a moved or disabled compute) reaches it even
  // while its database starts, and a client that leaves meanwhile leaves nothing behind.
  const untrack = deps.track(route.endpointId, route.cluster, socket);
  let release = () => {};
  let inner: net.Socket | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    release();
    untrack();
    inner?.destroy();
    socket.destroy();
  };
  socket.on("close", end);
  socket.on("error", end);
  const gone = () => ended || socket.destroyed;
  let port: number;
  try {
    ({ port, release } = await deps.open(route.cluster, route.database));
  } catch (err) {
    untrack();
    ended = true;
    return refuse("57P03", (err as Error).message); // cannot_connect_now
  }
  if (gone()) return release();
  inner = net.connect(port, "127.0.0.1");
  inner.setNoDelay(true);
  inner.on("error", end);
  inner.on("close", end);
  await new Promise<void>((resolve) => inner!.once("connect", resolve).once("close", resolve));
  if (gone()) return;
  raw.setTimeout(0); // greeted: the connection may now stay quiet as long as it likes
  // The branch's database answers the startup (AuthenticationOk, parameters, ReadyForQuery): what the client now awaits.
  inner.write(startupMessage({ user, database: route.database }));
  // What the client sent after its password (pipelined), then the rest as it comes.
  const pending = reader.detach();
  if (pending.length > 0) inner.write(pending);
  inner.pipe(socket);
  socket.pipe(inner);
}
