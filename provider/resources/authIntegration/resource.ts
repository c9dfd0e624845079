import * as pulumi from "@pulumi/pulumi";
import { assertSerializerCompatibleTypescript, neonModule, withSecretOutputs, deleteBeforeReplaceUnlessSet, type OutputNameMismatches, type OutputsMatchClass } from "../common/dynamicResource";
import type { AuthIntegrationArgs, AuthProviderName, OAuthProviderArgs } from "./args";
import { authIntegrationOutputNames, authIntegrationSecretOutputs } from "./logic";
import authIntegrationProvider = require("./provider");

/**
 * Neon Auth on one branch and database. OAuth providers, trusted domains and allow-localhost
 * update in place; a different project, branch, database or auth provider is a new integration
 * (replacement, disabled first, with new keys). The one-time `pubClientKey` and `secretServerKey`
 * are secret outputs kept across refreshes. With `branchId` unset it follows the project's default
 * branch through snapshot restores without any change. The Pulumi id is `<projectId>/<branchId or
 * "default">`.
 */
export class AuthIntegration extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The branch the integration is on now (after a restore of the default branch: the new branch's id). */
  declare readonly branchId: pulumi.Output<string>;
  declare readonly databaseName: pulumi.Output<string>;
  declare readonly authProvider: pulumi.Output<AuthProviderName>;
  /** The OAuth providers, with the client secrets you declared (secret). */
  declare readonly oauthProviders: pulumi.Output<pulumi.Unwrap<OAuthProviderArgs>[]>;
  declare readonly trustedDomains: pulumi.Output<string[]>;
  declare readonly allowLocalhost: pulumi.Output<boolean>;
  declare readonly deleteDataOnDestroy: pulumi.Output<boolean>;
  declare readonly adoptExisting: pulumi.Output<boolean | undefined>;
  declare readonly authProviderProjectId: pulumi.Output<string>;
  /** JWKS endpoint verifying the integration's JWTs, e.g. for DataApi's `jwksUrl`. */
  declare readonly jwksUrl: pulumi.Output<string>;
  /** Base URL of the auth API (`https://…/neondb/auth`). */
  declare readonly baseUrl: pulumi.Output<string>;
  declare readonly schemaName: pulumi.Output<string>;
  declare readonly tableName: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** The publishable client key (secret). Returned by Neon only when enabling; unset when adopted. */
  declare readonly pubClientKey: pulumi.Output<string>;
  /** The server key (secret). Returned by Neon only when enabling; unset when adopted. */
  declare readonly secretServerKey: pulumi.Output<string>;

  constructor(name: string, args: AuthIntegrationArgs, opts?: pulumi.CustomResourceOptions) {
    assertSerializerCompatibleTypescript();
    // Every output must be named in the props for Pulumi to create its Output (undefined inputs are not sent).
    const outputs = Object.fromEntries(authIntegrationOutputNames.map((n) => [n, undefined]));
    const inputs = { ...outputs, ...args, oauthProviders: secretWhenHoldingClientSecrets(args.oauthProviders) };
    super(authIntegrationProvider, name, inputs, withSecretOutputs(deleteBeforeReplaceUnlessSet(opts), authIntegrationSecretOutputs), neonModule, "AuthIntegration");
  }
}

/**
 * The engine stores a resource's inputs as given: a client secret passed as a plain string would
 * sit in the state's inputs (and previews) in clear text even though the output is secret. So the
 * provider list is made secret whenever it holds a client secret.
 */
export function secretWhenHoldingClientSecrets(
  providers: AuthIntegrationArgs["oauthProviders"],
): pulumi.Output<pulumi.Unwrap<OAuthProviderArgs>[]> | undefined {
  if (providers === undefined) return undefined;
  return pulumi
    .output(providers)
    .apply((list) => (list.some((p) => p.clientSecret !== undefined) ? pulumi.secret(list) : pulumi.output(list)));
}

/** Compile-time: the outputs the constructor registers are exactly the outputs the class declares. */
type OutputsDeclaredOnce = OutputsMatchClass<OutputNameMismatches<typeof authIntegrationOutputNames, AuthIntegration>>;
