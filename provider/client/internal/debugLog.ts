/**
 * Debug logging: one line per attempt, enabled by `NEON_LOG=debug` or the `logger` option. A line
 * holds the method, the path (ids only), the status or failure, the duration and the attempt number.
 * Loggers are never handed headers or bodies, so the Authorization header and any password in a
 * response cannot reach a log.
 */
export interface NeonLogger {
  debug(line: string): void;
}

export const stderrLogger: NeonLogger = {
  debug: (line) => {
    process.stderr.write(line + "\n");
  },
};

export function loggerFromEnvironment(env: NodeJS.ProcessEnv): NeonLogger | undefined {
  return env.NEON_LOG?.trim().toLowerCase() === "debug" ? stderrLogger : undefined;
}

export interface AttemptLogFields {
  readonly method: string;
  readonly path: string;
  /** An HTTP status, or what went wrong without one ("connection_lost", "timeout", "aborted"…). */
  readonly result: number | string;
  readonly durationMs: number;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly requestId: string;
  /** Time spent waiting for the client-side rate limiter before this attempt. */
  readonly rateLimitWaitMs: number;
  /** What happens next, when the attempt failed. */
  readonly next?: string;
}

export function attemptLogLine(fields: AttemptLogFields): string {
  const waited = fields.rateLimitWaitMs > 0 ? `, waited ${Math.round(fields.rateLimitWaitMs)}ms for the rate limit` : "";
  const next = fields.next === undefined ? "" : ` — ${fields.next}`;
  return (
    `neon: ${fields.method} ${fields.path} → ${fields.result} in ${Math.round(fields.durationMs)}ms ` +
    `(attempt ${fields.attempt}/${fields.maxAttempts}, request ${fields.requestId}${waited})${next}`
  );
}
