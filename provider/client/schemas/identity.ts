import { z } from "zod";
import { maybe } from "./common";

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  handle: maybe(z.string()),
  plan: maybe(z.string()),
  managed_by: maybe(z.string()),
  allow_hipaa_projects: maybe(z.boolean()),
  created_at: maybe(z.string()),
  updated_at: maybe(z.string()),
});
export type Organization = z.infer<typeof organizationSchema>;

export const organizationsResponseSchema = z.object({ organizations: z.array(organizationSchema) });

/** GET /auth: who the API key belongs to. */
export const authDetailsSchema = z.object({
  account_id: z.string(),
  auth_method: z.string(),
  auth_data: maybe(z.string()),
});
export type AuthDetails = z.infer<typeof authDetailsSchema>;

export const currentUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  login: maybe(z.string()),
  name: maybe(z.string()),
  last_name: maybe(z.string()),
  image: maybe(z.string()),
  plan: maybe(z.string()),
  projects_limit: maybe(z.number()),
  branches_limit: maybe(z.number()),
  max_autoscaling_limit: maybe(z.number()),
});
export type CurrentUser = z.infer<typeof currentUserSchema>;
