/**
 * Removes secrets from text that ends up in errors and logs. Neon's own error and operation messages
 * are free text and have been seen to quote connection strings, so everything from the server goes
 * through here as well as anything built from caller input.
 */

const REDACTED = "[redacted]";

/** Connection URIs (postgres://user:pass@host/db) and any other URI that carries credentials. */
const CONNECTION_URI = /\bpostgres(?:ql)?:\/\/[^\s"'<>]*/gi;
const URI_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@"'<>]+@[^\s"'<>]*/gi;
/** `password=…`, `"password": "…"`, `client_secret: …`, `apikey=…` and friends. */
const SECRET_ASSIGNMENT =
  /\b((?:[a-z_]*password|passwd|pwd|[a-z_]*secret[a-z_]*|api[_-]?key|token|pub_client_key)["']?\s*[:=]\s*["']?)[^"'\s,;&}]+/gi;
const BEARER = /\bBearer\s+[^\s"',;]+/gi;

/** Secrets shorter than this are not matched literally: they would redact ordinary words. */
const MIN_LITERAL_SECRET_LENGTH = 6;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= MIN_LITERAL_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(CONNECTION_URI, "postgresql://" + REDACTED)
    .replace(URI_WITH_CREDENTIALS, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_match, prefix: string) => prefix + REDACTED)
    .replace(BEARER, "Bearer " + REDACTED);
}
