/**
 * Connecting to the local Neon API's data plane from tests, with node-postgres as an app would.
 * node-postgres reads `sslmode=require` as verify-full (not libpq's meaning), and the local
 * certificate is self-signed: the URIs are given `sslmode=no-verify`.
 */
import * as net from "node:net";
import { Client } from "pg";
import { startupMessage } from "../../emulator/dataPlane/wire";

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
 * with the server's bytes up to the next ReadyForQuery. The protocol pieces below are what it and
 * the tests need (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 */
export async function rawSession(uri: string): Promise<{ send(messages: Buffer): Promise<Buffer>; write(messages: Buffer): void; end(): void }> {
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
    /** Writes messages that get no ReadyForQuery yet (an extended batch before its Sync). */
    write: (messages: Buffer) => void socket.write(messages),
    end: () => socket.end(frontendMessage("X")),
  };
}

/**
 * Follows what a server sends (messages: a type byte, then a length that counts itself) across the
 * chunks they arrive in, to tell the session's transaction status each ReadyForQuery ('Z') reports:
 * 'I' idle, 'T' in a transaction block, 'E' in a failed one.
 */
export class ReadyForQueryWatcher {
  /** The header of the message being read, while incomplete (fewer than 5 bytes). */
  #header = Buffer.alloc(0);
  /** Bytes of the current message's body still to come. */
  #remaining = 0;
  /** The current message is a ReadyForQuery whose status byte has not come yet. */
  #awaitingStatus = false;

  /** The status of the last ReadyForQuery `chunk` (the next bytes of the stream) completes, if any. */
  lastStatus(chunk: Uint8Array): "I" | "T" | "E" | undefined {
    let status: "I" | "T" | "E" | undefined;
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        if (this.#awaitingStatus) {
          const byte = String.fromCharCode(chunk[i]!);
          if (byte === "I" || byte === "T" || byte === "E") status = byte;
          this.#awaitingStatus = false;
        }
        const skipped = Math.min(this.#remaining, chunk.length - i);
        i += skipped;
        this.#remaining -= skipped;
        continue;
      }
      const needed = 5 - this.#header.length;
      const taken = chunk.subarray(i, i + needed);
      this.#header = Buffer.concat([this.#header, taken]);
      i += taken.length;
      if (this.#header.length < 5) break;
      this.#remaining = this.#header.readInt32BE(1) - 4;
      this.#awaitingStatus = this.#header[0] === 0x5a && this.#remaining > 0; // 'Z'
      this.#header = Buffer.alloc(0);
    }
    return status;
  }
}

/** One frontend message: a type byte, then its length (counting itself) and body (strings NUL-terminated, numbers as 16-bit). */
export function frontendMessage(type: string, ...parts: (Buffer | string | number)[]): Buffer {
  const body = Buffer.concat(
    parts.map((part) => {
      if (typeof part === "string") return Buffer.from(`${part}\0`, "utf8");
      if (typeof part === "number") {
        const n = Buffer.alloc(2);
        n.writeInt16BE(part, 0);
        return n;
      }
      return part;
    }),
  );
  const head = Buffer.alloc(5);
  head.write(type, 0, "ascii");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** The first column of the first DataRow in a server's answer, as text; undefined when there is none or an ErrorResponse came. */
export function firstValue(answer: Uint8Array): string | undefined {
  const bytes = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  let value: string | undefined;
  for (let i = 0; i + 5 <= bytes.length; ) {
    const type = bytes[i]!;
    const length = bytes.readInt32BE(i + 1);
    if (type === 0x45) return undefined; // 'E': the query failed
    if (type === 0x44 && value === undefined && bytes.readInt16BE(i + 5) > 0) {
      const size = bytes.readInt32BE(i + 7);
      if (size >= 0) value = bytes.subarray(i + 11, i + 11 + size).toString("utf8");
    }
    i += 1 + length;
  }
  return value;
}
