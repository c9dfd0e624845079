/**
 * The few pieces of PostgreSQL's wire protocol (v3) the local Neon API's front door speaks before it
 * hands a connection to the branch's database: the startup packets, the password exchange, and
 * error responses (https://www.postgresql.org/docs/current/protocol-message-formats.html). Pure
 * functions over buffers; the front (front.ts) does the I/O.
 */

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
export const PROTOCOL_3 = 196608;

/** Startup packets are small; anything larger is not a PostgreSQL client. */
const MAX_STARTUP_LENGTH = 10_000;

export type StartupPacket =
  | { readonly kind: "ssl" | "gssenc" | "cancel"; readonly length: number }
  | { readonly kind: "startup"; readonly length: number; readonly params: Readonly<Record<string, string>>; readonly bytes: Buffer }
  | { readonly kind: "invalid"; readonly reason: string };

/** The first packet in `buffer`, or undefined while it is incomplete. */
export function readStartupPacket(buffer: Buffer): StartupPacket | undefined {
  if (buffer.length < 8) return undefined;
  const length = buffer.readInt32BE(0);
  if (length < 8 || length > MAX_STARTUP_LENGTH) return { kind: "invalid", reason: `a startup packet of ${length} bytes` };
  if (buffer.length < length) return undefined;
  const code = buffer.readInt32BE(4);
  if (code === SSL_REQUEST_CODE) return { kind: "ssl", length };
  if (code === GSSENC_REQUEST_CODE) return { kind: "gssenc", length };
  if (code === CANCEL_REQUEST_CODE) return { kind: "cancel", length };
  if (code !== PROTOCOL_3) return { kind: "invalid", reason: `protocol ${code >> 16}.${code & 0xffff} (only 3.0 is spoken)` };
  const params: Record<string, string> = {};
  const parts = buffer.subarray(8, length).toString("utf8").split("\0");
  for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) params[parts[i]!] = parts[i + 1]!;
  return { kind: "startup", length, params, bytes: Buffer.from(buffer.subarray(0, length)) };
}

/** A startup message with these parameters (what the front sends the branch's database). */
export function startupMessage(params: Readonly<Record<string, string>>): Buffer {
  const body = Buffer.from(Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join("") + "\0", "utf8");
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, body]);
}

/** AuthenticationCleartextPassword: the password travels inside the TLS the client asked for. */
export function cleartextPasswordRequest(): Buffer {
  const message = Buffer.alloc(9);
  message.write("R", 0, "ascii");
  message.writeInt32BE(8, 1);
  message.writeInt32BE(3, 5);
  return message;
}

/** The password of a PasswordMessage ('p') at the start of `buffer`, or undefined while incomplete. */
export function readPasswordMessage(buffer: Buffer): { readonly password: string; readonly length: number } | { readonly invalid: string } | undefined {
  if (buffer.length < 5) return undefined;
  if (buffer[0] !== 0x70) return { invalid: `expected a password message, got '${String.fromCharCode(buffer[0]!)}'` };
  const length = 1 + buffer.readInt32BE(1);
  if (length < 5 || length > MAX_STARTUP_LENGTH) return { invalid: `a password message of ${length - 1} bytes` };
  if (buffer.length < length) return undefined;
  const text = buffer.subarray(5, length).toString("utf8");
  return { password: text.endsWith("\0") ? text.slice(0, -1) : text, length };
}

/** An ErrorResponse ('E') with PostgreSQL's fields: severity, SQLSTATE code and message. */
export function errorResponse(sqlState: string, message: string): Buffer {
  const fields = `SFATAL\0VFATAL\0C${sqlState}\0M${message}\0\0`;
  const body = Buffer.from(fields, "utf8");
  const head = Buffer.alloc(5);
  head.write("E", 0, "ascii");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * Which compute a client asks for, the ways Neon's proxy accepts without SNI: the `options`
 * parameter `endpoint=<id>` (`options=endpoint%3D<id>` in a URI), or a password of the form
 * `endpoint=<id>;<password>`. Returns the endpoint id and the password to check.
 */
export function requestedEndpoint(params: Readonly<Record<string, string>>, password: string): { endpointId?: string; password: string } {
  const fromOptions = /(?:^|\s)(?:--|-c\s*)?endpoint=([a-z0-9-]+)/.exec(params.options ?? "")?.[1];
  const prefixed = /^endpoint=([a-z0-9-]+)[;$](.*)$/s.exec(password);
  if (prefixed) return { endpointId: fromOptions ?? prefixed[1], password: prefixed[2]! };
  return fromOptions === undefined ? { password } : { endpointId: fromOptions, password };
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

/**
 * A query of one row and column run with the extended protocol under a statement and a portal
 * of its own, closed again, then Sync: unlike a simple Query (which drops the unnamed prepared
 * statement) it leaves a client's unnamed statement and portal as they were, and inside a client's
 * transaction block Sync does not end it.
 */
export function namedQueryMessages(name: string, sql: string): Buffer {
  const executeAll = Buffer.alloc(4); // no row limit
  const [statement, portal] = [Buffer.from("S"), Buffer.from("P")]; // what Close closes: one byte
  return Buffer.concat([
    frontendMessage("C", statement, name),
    frontendMessage("P", name, sql, 0),
    frontendMessage("B", name, name, 0, 0, 0),
    frontendMessage("E", name, executeAll),
    frontendMessage("C", portal, name),
    frontendMessage("C", statement, name),
    frontendMessage("S"),
  ]);
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
