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
