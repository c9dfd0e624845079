import { z } from "zod";
import { maybe } from "./common";

export const dataApiSettingsSchema = z.looseObject({
  db_aggregates_enabled: maybe(z.boolean()),
  db_anon_role: maybe(z.string()),
  db_extra_search_path: maybe(z.string()),
  db_max_rows: maybe(z.number()),
  db_schemas: maybe(z.array(z.string())),
  jwt_role_claim_key: maybe(z.string()),
  jwt_cache_max_lifetime: maybe(z.number()),
  openapi_mode: maybe(z.string()),
  server_cors_allowed_origins: maybe(z.string()),
  server_timing_enabled: maybe(z.boolean()),
});
export type DataApiSettings = z.infer<typeof dataApiSettingsSchema>;

export const dataApiCreatedSchema = z.object({ url: z.string() });
export type DataApiCreated = z.infer<typeof dataApiCreatedSchema>;

export const dataApiSchema = z.object({
  url: z.string(),
  status: z.string(),
  settings: maybe(dataApiSettingsSchema),
  available_schemas: maybe(z.array(z.string())),
});
export type DataApi = z.infer<typeof dataApiSchema>;
