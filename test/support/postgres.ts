/**
 * Connecting to the local Neon API's data plane from tests, with node-postgres as an app would.
 * node-postgres reads `sslmode=require` as verify-full (not libpq's meaning), and the local
 * certificate is self-signed: the URIs are given `sslmode=no-verify`.
 */
import * as net from "node:net";
import { Client } from "pg";
import { frontendMessage, ReadyForQueryWatcher, startupMessage } from "../../emulator/dataPlane/wire";

export const forNodePostgres = (uri: string): string => uri.replace("sslmode=require", "sslmode=no-verify");

/** A client for `uri`, not yet connected. */
export const postgresClient = (uri: string): Client => new Client({ connectionString: forNodePostgres(uri) });

/** Runs one statement on a connection of its own; the rows. */
export async function query<T = Record<string, unknown>>(uri: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = postgresClient(uri);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The error a connection attempt ends with (Postgres's SQLSTATE in `code`); fails if it is accepted. */
export async function connectError(uri: string): Promise<{ code?: string; message: string }> {
  const client = postgresClient(uri);
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await client.end().catch(() => undefined);
  }
  throw new Error("the connection was accepted");
}

/**
 * A session spoken in raw protocol messages (no TLS, the password in clear: the local front
 * accepts it on loopback), for what drivers do not expose: `send` writes messages and resolves
 * with the server's bytes up to the next ReadyForQuery.
 */
export async function rawSession(uri: string): Promise<{ send(messages: Buffer): Promise<Buffer>; end(): void }> {
  const url = new URL(uri);
  const socket = net.connect(Number(url.port), "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = Buffer.alloc(0);
  let watcher = new ReadyForQueryWatcher();
  let waiting: ((answer: Buffer) => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (watcher.lastStatus(chunk) !== undefined && waiting) {
      const answer = received;
      received = Buffer.alloc(0);
      watcher = new ReadyForQueryWatcher();
      waiting(answer);
    }
  });
  const options = new URLSearchParams(url.search).get("options") ?? "";
  const params = { user: decodeURIComponent(url.username), database: url.pathname.slice(1), options };
  const untilReady = () => new Promise<Buffer>((resolve) => (waiting = resolve));
  // The front asks for the password first (AuthenticationCleartextPassword), then answers the startup.
  const asked = new Promise((resolve) => socket.once("data", resolve));
  socket.write(startupMessage(params));
  await asked;
  const ready = untilReady();
  socket.write(frontendMessage("p", decodeURIComponent(url.password)));
  await ready;
  return {
    send(messages: Buffer) {
      const answer = untilReady();
      socket.write(messages);
      return answer;
    },
    end: () => socket.end(frontendMessage("X")),
  };
}
