import { z } from "zod";

export const dataApiSettingsSchema = z.looseObject({
  db_aggregates_enabled: z.boolean().optional(),
  db_anon_role: z.string().optional(),
  db_extra_search_path: z.string().optional(),
  db_max_rows: z.number().optional(),
  db_schemas: z.array(z.string()).optional(),
  jwt_role_claim_key: z.string().optional(),
  jwt_cache_max_lifetime: z.number().optional(),
  openapi_mode: z.string().optional(),
  server_cors_allowed_origins: z.string().optional(),
  server_timing_enabled: z.boolean().optional(),
});
export type DataApiSettings = z.infer<typeof dataApiSettingsSchema>;

export const dataApiCreatedSchema = z.object({ url: z.string() });
export type DataApiCreated = z.infer<typeof dataApiCreatedSchema>;

export const dataApiSchema = z.object({
  url: z.string(),
  status: z.string(),
  settings: dataApiSettingsSchema.optional(),
  available_schemas: z.array(z.string()).optional(),
});
export type DataApi = z.infer<typeof dataApiSchema>;
