/**
 * Neon's documented API rate limits: 700 requests per minute per account, bursts of at most 40
 * requests per second per route (Neon's API reference, "API rate limiting"). They are not in the
 * OpenAPI document, so they are written here, once: the client stays under them
 * (`rateLimiter.ts`) and the local Neon API enforces them (`emulator/rateLimit.ts`).
 */
export const neonRateLimits = { perMinute: 700, perSecondPerRoute: 40 } as const;
