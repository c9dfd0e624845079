/**
 * Inputs of DataApi (Neon's Data API for one database on one branch): the documented args of the
 * resource class, and the zod schema `check` validates them with (built by a function, never a
 * captured instance).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";
import { whenFieldsKnown } from "../common/check";

export interface DataApiSettingsArgs {
  /** Schemas exposed by the API, in order (the first is the default). Neon's default: `["public"]`. */
  readonly dbSchemas?: pulumi.Input<pulumi.Input<string>[]>;
  /** Largest number of rows one request returns. Neon's default: unlimited. */
  readonly dbMaxRows?: pulumi.Input<number>;
  /** Role for requests without a JWT. Neon's default: `anonymous`. */
  readonly dbAnonRole?: pulumi.Input<string>;
  /** Allow aggregate functions. Neon's default: true. */
  readonly dbAggregatesEnabled?: pulumi.Input<boolean>;
  /** Extra schemas on the search path. */
  readonly dbExtraSearchPath?: pulumi.Input<string>;
  /** JWT claim holding the role. Neon's default: `."role"`. */
  readonly jwtRoleClaimKey?: pulumi.Input<string>;
  /** Seconds a verified JWT is cached. */
  readonly jwtCacheMaxLifetime?: pulumi.Input<number>;
  /** `disabled` (Neon's default) or `ignore-privileges`: whether the API serves an OpenAPI document. */
  readonly openapiMode?: pulumi.Input<"disabled" | "ignore-privileges">;
  /** CORS allowed origins, as Neon takes them (one string, e.g. `https://app.example.com`). */
  readonly serverCorsAllowedOrigins?: pulumi.Input<string>;
  /** Send Server-Timing headers. */
  readonly serverTimingEnabled?: pulumi.Input<boolean>;
}

export interface DataApiArgs {
  /** The project. **Changing this replaces the Data API.** */
  readonly projectId: pulumi.Input<string>;
  /**
   * The branch. Default: the project's default branch, looked up at every call, so the Data API
   * (and its URL) follows the default branch through snapshot restores without any change.
   * **Changing a declared value replaces the Data API.**
   */
  readonly branchId?: pulumi.Input<string>;
  /** The database to serve. Default `neondb`. **Changing this replaces the Data API.** */
  readonly databaseName?: pulumi.Input<string>;
  /**
   * Who issues the JWTs: `neon_auth` (the branch's Neon Auth, which must be enabled first; Neon's
   * default) or `external` (with `jwksUrl`). Set at creation only (Neon cannot change it or read it
   * back): **changing it replaces the Data API** (a configuration: no data is lost).
   */
  readonly authProvider?: pulumi.Input<"neon_auth" | "external">;
  /** JWKS URL of an external auth provider; required with `authProvider: "external"`. **Changing it replaces the Data API.** */
  readonly jwksUrl?: pulumi.Input<string>;
  /**
   * Expected `aud` claim. Neon only rejects tokens with a *different* audience; tokens without one
   * are still accepted. **Changing it replaces the Data API.**
   */
  readonly jwtAudience?: pulumi.Input<string>;
  /** Display name of the external auth provider (Clerk, Auth0, …). **Changing it replaces the Data API.** */
  readonly providerName?: pulumi.Input<string>;
  /**
   * Grant everything on the `public` schema to authenticated users at creation. Default false.
   * **Changing it replaces the Data API** (replacing does not revoke grants already made).
   */
  readonly addDefaultGrants?: pulumi.Input<boolean>;
  /** Do not create the auth schema and RLS helper functions. Default false. **Changing it replaces the Data API.** */
  readonly skipAuthSchema?: pulumi.Input<boolean>;
  /**
   * Data API settings. Updates in place; settings not declared are left as they are (removing one
   * from the program does not reset it: set Neon's default explicitly).
   */
  readonly settings?: pulumi.Input<DataApiSettingsArgs>;
  /**
   * Take over the Data API already enabled for the database instead of creating one (the import
   * path: `pulumi import` does not work for dynamic providers, pulumi/pulumi#16175). Neon cannot
   * read back the auth options, so the declared ones are recorded as given, unchecked. Read at
   * create only; an adopted Data API is released, not deleted, when the resource is deleted.
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/** Neon's default database name, used when `databaseName` is not declared. */
export const defaultDatabaseName = "neondb";

const neonId = (what: string) => z.string().regex(/^[a-z0-9-]{1,60}$/, `must be a Neon ${what} id`);

export function dataApiInputsSchema() {
  return z
    .object({
      projectId: neonId("project"),
      branchId: neonId("branch").optional(),
      databaseName: z.string().min(1).max(63).optional(),
      authProvider: z.enum(["neon_auth", "external"]).optional(),
      jwksUrl: z.string().refine((s) => URL.canParse(s), "must be a URL").optional(),
      jwtAudience: z.string().min(1).optional(),
      providerName: z.string().min(1).optional(),
      addDefaultGrants: z.boolean().optional(),
      skipAuthSchema: z.boolean().optional(),
      settings: z
        .object({
          dbSchemas: z.array(z.string().min(1)).min(1).optional(),
          dbMaxRows: z.number().int().min(1).optional(),
          dbAnonRole: z.string().min(1).optional(),
          dbAggregatesEnabled: z.boolean().optional(),
          dbExtraSearchPath: z.string().optional(),
          jwtRoleClaimKey: z.string().min(1).optional(),
          jwtCacheMaxLifetime: z.number().int().min(0).optional(),
          openapiMode: z.enum(["disabled", "ignore-privileges"]).optional(),
          serverCorsAllowedOrigins: z.string().optional(),
          serverTimingEnabled: z.boolean().optional(),
        })
        .strict()
        .optional(),
      adoptExisting: z.boolean().optional(),
    })
    .strict()
    .refine((d) => d.authProvider !== "external" || d.jwksUrl !== undefined, {
      message: 'is required when authProvider is "external"',
      path: ["jwksUrl"],
      when: whenFieldsKnown("authProvider", "jwksUrl"),
    });
}

/** Inputs after `check`: plain values. */
export type DataApiInputs = z.infer<ReturnType<typeof dataApiInputsSchema>>;
export type DataApiSettingsInputs = NonNullable<DataApiInputs["settings"]>;

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<DataApiArgs, DataApiInputs>>;
