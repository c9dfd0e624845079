/**
 * Package root. For now the Neon API client; the Pulumi resources will be exported here too.
 */
export * from "./client";
