/**
 * Inputs of AuthIntegration (Neon Auth on one branch): the documented args of the resource class,
 * and the zod schema `check` validates them with (built by a function, never a captured instance).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ArgumentMismatches, ArgumentsMatchSchema } from "../common/check";
import { whenFieldsKnown } from "../common/check";
import { isUnknown } from "../common/unknown";

export type AuthProviderName = "better_auth" | "stack" | "stack_v2" | "mock";
export type OAuthProviderId = "google" | "github" | "microsoft" | "vercel";

export interface OAuthProviderArgs {
  /** Which OAuth provider: `google`, `github`, `microsoft` or `vercel`. */
  readonly id: pulumi.Input<OAuthProviderId>;
  /**
   * Your OAuth app's client id. With `clientSecret` (both or neither): your own app ("standard").
   * Without both: Neon's shared development app ("shared").
   */
  readonly clientId?: pulumi.Input<string>;
  /**
   * Your OAuth app's client secret; pass it as a secret (e.g. `config.requireSecret(...)`). Kept
   * secret in state; Neon never returns it, so a change made outside Pulumi is not detected.
   */
  readonly clientSecret?: pulumi.Input<string>;
}

export interface AuthIntegrationArgs {
  /** The project. **Changing this replaces the integration** (new keys). */
  readonly projectId: pulumi.Input<string>;
  /**
   * The branch to enable Neon Auth on. Default: the project's default branch, looked up at every
   * call, so the integration follows the default branch through snapshot restores (no change, no
   * new keys). **Changing a declared value replaces the integration** (new keys).
   */
  readonly branchId?: pulumi.Input<string>;
  /**
   * The database whose `neon_auth` schema holds the users. Default: Neon's choice (the branch's
   * database). **Changing this replaces the integration** (new keys).
   */
  readonly databaseName?: pulumi.Input<string>;
  /**
   * The auth engine: `better_auth` (default; Neon Auth today), `stack`, `stack_v2` (Stack Auth,
   * legacy) or `mock` (tests). **Changing this replaces the integration** (new keys).
   */
  readonly authProvider?: pulumi.Input<AuthProviderName>;
  /**
   * The OAuth sign-in providers, as a complete list: providers missing from it are removed,
   * changed ones updated, new ones added. Default: not managed (left as they are). Updates in place.
   */
  readonly oauthProviders?: pulumi.Input<pulumi.Input<OAuthProviderArgs>[]>;
  /**
   * The domains allowed as redirect targets (`https://app.example.com`), as a complete list; order
   * does not matter. Default: not managed. Updates in place.
   */
  readonly trustedDomains?: pulumi.Input<pulumi.Input<string>[]>;
  /** Allow redirects to `localhost` (development). Default: not managed (Neon's default is false). Updates in place. */
  readonly allowLocalhost?: pulumi.Input<boolean>;
  /**
   * On destroy, also drop the `neon_auth` schema with its users. Default false: Neon Auth is
   * disabled but the users' data stays in the database. Changing it only changes what a later
   * destroy does.
   */
  readonly deleteDataOnDestroy?: pulumi.Input<boolean>;
  /**
   * Take over the Neon Auth integration already enabled on the branch instead of enabling it (the
   * import path: `pulumi import` does not work for dynamic providers, pulumi/pulumi#16175). Neon
   * returns the keys only when enabling, so an adopted integration has no `pubClientKey` or
   * `secretServerKey` outputs. Read at create only; an adopted integration is released, not
   * disabled, when the resource is deleted.
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

const neonId = (what: string) => z.string().regex(/^[a-z0-9-]{1,60}$/, `must be a Neon ${what} id`);

export function authIntegrationInputsSchema() {
  const provider = z
    .object({
      id: z.enum(["google", "github", "microsoft", "vercel"]),
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
    })
    .strict()
    .refine((p) => (p.clientId === undefined) === (p.clientSecret === undefined), {
      message: "clientId and clientSecret go together: give both (your own OAuth app) or neither (Neon's shared app)",
      path: ["clientSecret"],
      when: whenFieldsKnown("clientId", "clientSecret"),
    });
  return z
    .object({
      projectId: neonId("project"),
      branchId: neonId("branch").optional(),
      databaseName: z.string().min(1).max(63).optional(),
      authProvider: z.enum(["better_auth", "stack", "stack_v2", "mock"]).optional(),
      oauthProviders: z
        .array(provider)
        .refine((list) => unique(list.map((p) => p.id)), { message: "lists the same provider id twice" })
        .optional(),
      trustedDomains: z
        .array(z.string().refine((s) => URL.canParse(s), "must be a URL such as https://app.example.com"))
        .refine(unique, { message: "lists the same domain twice" })
        .optional(),
      allowLocalhost: z.boolean().optional(),
      deleteDataOnDestroy: z.boolean().optional(),
      adoptExisting: z.boolean().optional(),
    })
    .strict();
}

/** Duplicates are refused rather than merged: a duplicate would never match Neon's list, and diff forever. */
function unique(values: readonly unknown[]): boolean {
  const known = values.filter((v) => !isUnknown(v));
  return new Set(known).size === known.length;
}

/** Inputs after `check`: plain values. */
export type AuthIntegrationInputs = z.infer<ReturnType<typeof authIntegrationInputsSchema>>;
export type OAuthProviderInputs = NonNullable<AuthIntegrationInputs["oauthProviders"]>[number];

/** Compile-time: the documented arguments and the schema `check` applies name the same fields, of the same kinds. */
type DeclaredOnce = ArgumentsMatchSchema<ArgumentMismatches<AuthIntegrationArgs, AuthIntegrationInputs>>;
