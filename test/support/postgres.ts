/**
 * Connecting to the local Neon API's data plane from tests, with node-postgres as an app would.
 * node-postgres reads `sslmode=require` as verify-full (not libpq's meaning), and the local
 * certificate is self-signed: the URIs are given `sslmode=no-verify`.
 */
import { Client } from "pg";

export const forNodePostgres = (uri: string): string => uri.replace("sslmode=require", "sslmode=no-verify");

/** A client for `uri`, not yet connected. */
export const postgresClient = (uri: string): Client => new Client({ connectionString: forNodePostgres(uri) });

/** Runs one statement on a connection of its own; the rows. */
export async function query<T = Record<string, unknown>>(uri: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = postgresClient(uri);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The error a connection attempt ends with (Postgres's SQLSTATE in `code`); fails if it is accepted. */
export async function connectError(uri: string): Promise<{ code?: string; message: string }> {
  const client = postgresClient(uri);
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await client.end().catch(() => undefined);
  }
  throw new Error("the connection was accepted");
}
