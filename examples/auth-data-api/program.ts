/**
 * The backend an app generator needs from Neon: a database, Neon Auth for sign-in (with Google
 * through Neon's shared OAuth app), and the Data API, which trusts Neon Auth's tokens, so the
 * generated front end calls REST endpoints with the user's session and Postgres row-level security
 * decides what it sees.
 *
 * Config (namespace `app`):
 *   app:name            the Neon project's name (default: the stack name)
 *   app:domains         where the app is served, e.g. ["https://todo.example.com"]
 *   app:allowLocalhost  allow sign-in from localhost (development; default false)
 *   app:maxRows         the most rows one Data API call returns (default 1000)
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration, DataApi, NeonProject } from "neon-pulumi-dynamic";

export async function generatedAppProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("app");
  const name = config.get("name") ?? pulumi.getStack();
  const domains = config.getObject<string[]>("domains") ?? [];

  const project = new NeonProject("database", { name });
  const auth = new AuthIntegration("auth", {
    projectId: project.projectId,
    trustedDomains: domains,
    allowLocalhost: config.getBoolean("allowLocalhost") ?? false,
    oauthProviders: [{ id: "google" }],
  });
  const dataApi = new DataApi(
    "data-api",
    {
      projectId: project.projectId,
      authProvider: "neon_auth",
      settings: { dbSchemas: ["public"], dbMaxRows: config.getNumber("maxRows") ?? 1000, serverCorsAllowedOrigins: domains.join(",") || undefined },
    },
    // The Data API checks tokens against Neon Auth, which must exist first.
    { dependsOn: [auth] },
  );

  return {
    databaseUrl: project.connectionUri, // secret: for migrations, never for the browser
    dataApiUrl: dataApi.url,
    authBaseUrl: auth.baseUrl,
    authJwksUrl: auth.jwksUrl,
    authPublishableKey: auth.pubClientKey, // secret in state; safe to ship to the browser
    authSecretServerKey: auth.secretServerKey, // secret: server side only
  };
}
