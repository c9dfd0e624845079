/**
 * Request validation. Bodies and query parameters are parsed with zod before a handler touches the
 * store, so an invalid request is answered 400 with a message naming the field and never leaves the
 * state half-changed.
 */
import { z } from "zod";
import { apiErrors } from "./errors";

export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [root, ...issue.path.map(String)].filter((s) => s.length > 0).join(".");
  throw apiErrors.invalidField(field || "body", describeIssue(issue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // zod does not keep the input in the issue; its message says what was received.
      return /received undefined$/.test(issue.message) ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, ${issue.message.replace(/^.*(received \w+)$/, "$1")}`;
    case "too_small":
      if (issue.origin === "array") return `must have at least ${issue.minimum} items`;
      return issue.origin === "string" ? `must be at least ${issue.minimum} characters` : `must be ≥ ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `must have at most ${issue.maximum} items`;
      return issue.origin === "string" ? `must be at most ${issue.maximum} characters` : `must be ≤ ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}

// Shared pieces of the Neon schemas (components in the OpenAPI document).
/** A lone UTF-16 surrogate: text no URI, path or Postgres name can hold. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storableText = (s: string) => !loneSurrogate.test(s) && !s.includes("\u0000");
const storableTextMessage = "must be well-formed Unicode without NUL characters";

/** A name Neon stores and shows (projects, branches, snapshots, computes): 1–`max` characters of well-formed text. */
export const neonName = (max: number) => z.string().min(1).max(max).refine(storableText, storableTextMessage);

/** A Postgres identifier (roles, databases): well-formed text without NUL, at most 63 bytes, as Postgres allows. */
export const pgIdentifier = z
  .string()
  .min(1)
  .refine(storableText, storableTextMessage)
  .refine((s) => Buffer.byteLength(s) <= 63, "must be at most 63 bytes");

export const resourceId = z.string().regex(/^[a-z0-9-]{1,60}$/, "must match ^[a-z0-9-]{1,60}$");
export const computeUnit = z.number().min(0.25);
export const suspendTimeoutSeconds = z.number().int().min(-1).max(604800);
export const isoDateTime = z.iso.datetime({ offset: true });
export const stringMap = z.record(z.string(), z.string());
export const endpointSettings = z.object({
  pg_settings: stringMap.optional(),
  pgbouncer_settings: stringMap.optional(),
  preload_libraries: z
    .object({ use_defaults: z.boolean().optional(), enabled_libraries: z.array(z.string()).optional() })
    .optional(),
});
export const provisioner = z.enum(["k8s-pod", "k8s-neonvm", "serverless-platform"]);
export const endpointType = z.enum(["read_write", "read_only"]);

/** Query strings carry booleans as text. */
export const queryBoolean = z.enum(["true", "false"]).transform((v) => v === "true");
/** A non-negative integer in a query string. */
export const queryInteger = z.string().regex(/^\d+$/, "must be an integer").transform(Number);
export const queryLimit = (max: number) => queryInteger.pipe(z.number().int().min(1).max(max));

export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = v;
  return out;
}
