/**
 * A tenant's spec: what one tenant's Neon environment should be, as its stack config says it (keys
 * `tenant:<field>`). It names things (a tier, checkpoints, preview branches), never Neon ids. It is
 * validated here, completely, before any resource is registered: a bad spec fails the preview with
 * every problem listed, each naming its key and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { maxBranchTtlSeconds } from "../resources/branch/args";
import { tierNames, type TierName } from "./tiers";

export const oauthProviderIds = ["google", "github", "microsoft", "vercel"] as const;
export const dataApiAuthModes = ["neon_auth", "external"] as const;
/** A preview branch made from the active branch as it is now, rather than from a checkpoint. */
export const fromActiveBranch = "active";

export interface TenantSpec {
  /** The tenant's id: the Neon project's name, and the prefix of its branches. */
  readonly id: string;
  readonly tier: TierName;
  readonly region: string;
  readonly postgresVersion: number;
  readonly auth: {
    readonly enabled: boolean;
    /** Sign-in providers, with Neon's shared development apps. */
    readonly oauthProviders: readonly (typeof oauthProviderIds)[number][];
    readonly trustedDomains: readonly string[];
    readonly allowLocalhost: boolean;
  };
  readonly dataApi: {
    readonly enabled: boolean;
    readonly authMode: (typeof dataApiAuthModes)[number];
    /** Required with `authMode: external`. */
    readonly jwksUrl?: string;
  };
  /** Checkpoints (snapshots of the active branch) by name. */
  readonly checkpoints: readonly string[];
  /** The checkpoint the active branch is on; unset: left where it is. */
  readonly activeCheckpoint?: string;
  readonly previewBranches: readonly PreviewBranchSpec[];
}

export interface PreviewBranchSpec {
  readonly name: string;
  /** A checkpoint's name, or `active` (the active branch as it is when the preview branch is made). */
  readonly from: string;
  /** Seconds until Neon deletes the branch, set once when it is made (config: `ttl`, e.g. `7d`; default 7 days). */
  readonly ttlSeconds: number;
}

/** The config keys of a tenant spec, in the order they are documented. */
export const tenantSpecKeys = ["id", "tier", "region", "postgresVersion", "auth", "dataApi", "checkpoints", "activeCheckpoint", "previewBranches"] as const;

/**
 * A Pulumi RunError: the engine reports it as the list of problems, without the stack trace it
 * prints for unexpected exceptions (a wrong config value is the user's to fix, not a crash).
 */
export class TenantSpecError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(`the tenant spec is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "TenantSpecError";
  }
}

const name = (what: string) =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, `must be a ${what} name: lower-case letters, digits and '-', starting with a letter or digit, at most 63 characters`);

const ttlUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `7d`, `12h`, `30m`, `3600s` or a number of seconds. */
export function parseTtl(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  return match ? Number(match[1]) * ttlUnits[match[2]] : undefined;
}

function specSchema() {
  const ttl = z.union([z.number(), z.string()]).transform((value, ctx) => {
    const seconds = parseTtl(value);
    if (seconds === undefined || seconds < 1 || seconds > maxBranchTtlSeconds) {
      ctx.addIssue({ code: "custom", message: `must be a duration such as 7d, 12h, 30m or 3600s, from 1s to 30d (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    return seconds;
  });
  return z
    .object({
      id: name("tenant"),
      tier: z.string().refine((t) => (tierNames as string[]).includes(t), { error: (issue) => `must be one of ${tierNames.join(", ")}, got ${JSON.stringify(issue.input)}` }),
      region: z.string().regex(/^(aws|azure)-[a-z0-9-]+$/, "must be a Neon region id such as aws-us-east-2").default("aws-us-east-2"),
      postgresVersion: z.number().int().min(14, "must be 14, 15, 16, 17 or 18").max(18, "must be 14, 15, 16, 17 or 18").default(17),
      auth: z
        .object({
          enabled: z.boolean().default(false),
          oauthProviders: z.array(z.enum(oauthProviderIds, { error: `must be one of ${oauthProviderIds.join(", ")}` })).default([]),
          trustedDomains: z.array(z.string().refine((s) => /^https?:\/\//.test(s) && URL.canParse(s), "must be a URL such as https://app.example.com")).default([]),
          allowLocalhost: z.boolean().default(false),
        })
        .strict()
        .default({ enabled: false, oauthProviders: [], trustedDomains: [], allowLocalhost: false }),
      dataApi: z
        .object({
          enabled: z.boolean().default(false),
          authMode: z.enum(dataApiAuthModes, { error: `must be one of ${dataApiAuthModes.join(", ")}` }).default("neon_auth"),
          jwksUrl: z.string().refine((s) => URL.canParse(s), "must be a URL").optional(),
        })
        .strict()
        .default({ enabled: false, authMode: "neon_auth" }),
      checkpoints: z.array(name("checkpoint")).default([]),
      activeCheckpoint: z.string().optional(),
      previewBranches: z
        .array(
          z
            .object({ name: name("preview branch"), from: z.string().default(fromActiveBranch), ttl: ttl.default(7 * 86400) })
            .strict()
            .transform(({ ttl: ttlSeconds, ...rest }) => ({ ...rest, ttlSeconds })),
        )
        .default([]),
    })
    .strict()
    .superRefine((spec, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
      for (const [i, duplicate] of duplicates(spec.checkpoints)) issue(["checkpoints", i], `names the checkpoint "${duplicate}" twice`);
      const checkpoints = spec.checkpoints.length > 0 ? [...new Set(spec.checkpoints)].join(", ") : "none are declared";
      if (spec.activeCheckpoint !== undefined && !spec.checkpoints.includes(spec.activeCheckpoint)) {
        issue(["activeCheckpoint"], `must name one of the checkpoints (${checkpoints}), got "${spec.activeCheckpoint}"`);
      }
      for (const [i, duplicate] of duplicates(spec.previewBranches.map((b) => b.name))) issue(["previewBranches", i, "name"], `names the preview branch "${duplicate}" twice`);
      spec.previewBranches.forEach((branch, i) => {
        if (branch.from !== fromActiveBranch && !spec.checkpoints.includes(branch.from)) {
          issue(["previewBranches", i, "from"], `must be "${fromActiveBranch}" or one of the checkpoints (${checkpoints}), got "${branch.from}"`);
        }
      });
      for (const [i, duplicate] of duplicates(spec.auth.oauthProviders)) issue(["auth", "oauthProviders", i], `names "${duplicate}" twice`);
      for (const [i, duplicate] of duplicates(spec.auth.trustedDomains)) issue(["auth", "trustedDomains", i], `names "${duplicate}" twice`);
      if (spec.dataApi.enabled && spec.dataApi.authMode === "neon_auth" && !spec.auth.enabled) {
        issue(["dataApi", "authMode"], "neon_auth needs Neon Auth: set auth.enabled to true, or use external with a jwksUrl");
      }
      if (spec.dataApi.enabled && spec.dataApi.authMode === "external" && spec.dataApi.jwksUrl === undefined) {
        issue(["dataApi", "jwksUrl"], "is required with authMode external");
      }
    });
}

function duplicates<T>(values: readonly T[]): [number, T][] {
  return values.flatMap((v, i) => (values.indexOf(v) !== i ? [[i, v] as [number, T]] : []));
}

/** `tenant:previewBranches[0].ttl` from an issue path. */
function keyOf(prefix: string, path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  return rest.reduce<string>((key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`), `${prefix}${String(first ?? "")}`);
}

/**
 * The validated spec, with defaults filled in, or a TenantSpecError listing every problem by key
 * (`keyPrefix` is how the keys are named where the spec came from, e.g. `tenant:` for stack config).
 */
export function parseTenantSpec(raw: unknown, keyPrefix = ""): TenantSpec {
  const result = specSchema().safeParse(raw);
  if (result.success) return result.data as TenantSpec;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length > 0 ? `${keyOf(keyPrefix, issue.path)}: ` : "";
      const allowed = issue.path.length === 0 ? ` (the tenant settings are ${tenantSpecKeys.map((k) => keyPrefix + k).join(", ")})` : "";
      return `${where}${issue.keys.map((k) => (issue.path.length === 0 ? keyPrefix + k : k)).join(", ")} ${issue.keys.length > 1 ? "are not settings" : "is not a setting"}${allowed}`;
    }
    const got = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return `${keyOf(keyPrefix, issue.path)}: ${got}`;
  });
  throw new TenantSpecError(problems);
}
