/**
 * zod schemas shared by every API area. Rules for all schemas in this folder:
 * - unknown fields Neon adds are accepted (objects strip them; settings objects keep them, so a
 *   read-modify-write of settings does not drop what the client does not know yet);
 * - fields the client or the resources rely on are required and typed;
 * - everything else is optional; an explicit `null` from Neon reads as absent, because the request
 *   pipeline drops null-valued properties before validating (internal/dropNullProperties.ts).
 * The schemas are module-level constants: building them per call would cost more than the HTTP
 * request. They are never captured by Pulumi's serializer because the provider code `require`s this
 * package from node_modules instead of serializing it by value.
 */
import { z } from "zod";

export const operationSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  branch_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  action: z.string(),
  // A string rather than an enum: a status Neon adds later must not make every mutation response
  // unreadable after the mutation happened. `operationStatus.ts` decides what each status means.
  status: z.string(),
  error: z.string().optional(),
  failures_count: z.number().optional(),
  retry_at: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  total_duration_ms: z.number().optional(),
});
export type Operation = z.infer<typeof operationSchema>;

export const operationsResponseSchema = z.object({ operations: z.array(operationSchema) });

export const operationResponseSchema = z.object({ operation: operationSchema });

/** `pagination.cursor` style (projects, operations): the cursor is the last item's position. */
export const positionPaginationSchema = z.object({ cursor: z.string().optional() });

/** `pagination.next` style (branches): the cursor of the next page, absent on the last one. */
export const nextPaginationSchema = z.object({
  next: z.string().optional(),
  sort_by: z.string().optional(),
  sort_order: z.string().optional(),
});

export const listOperationsResponseSchema = z.object({
  operations: z.array(operationSchema),
  pagination: positionPaginationSchema.optional(),
});
export type ListOperationsResponse = z.infer<typeof listOperationsResponseSchema>;

/** Responses with no fields the client reads (`{}`, or no body at all). */
export const emptyResponseSchema = z.unknown().transform(() => ({}) as Record<string, never>);

export const connectionDetailsSchema = z.object({
  connection_uri: z.string(),
  connection_parameters: z.object({
    database: z.string(),
    password: z.string(),
    role: z.string(),
    host: z.string(),
    pooler_host: z.string(),
  }),
});
export type ConnectionDetails = z.infer<typeof connectionDetailsSchema>;

export const pgSettingsSchema = z.record(z.string(), z.string());

export const endpointSettingsSchema = z.looseObject({
  pg_settings: pgSettingsSchema.optional(),
  pgbouncer_settings: pgSettingsSchema.optional(),
  preload_libraries: z.looseObject({ use_defaults: z.boolean().optional(), enabled_libraries: z.array(z.string()).optional() }).optional(),
});
export type EndpointSettings = z.infer<typeof endpointSettingsSchema>;
