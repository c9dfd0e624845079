import { z } from "zod";

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  handle: z.string().optional(),
  plan: z.string().optional(),
  managed_by: z.string().optional(),
  allow_hipaa_projects: z.boolean().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type Organization = z.infer<typeof organizationSchema>;

export const organizationsResponseSchema = z.object({ organizations: z.array(organizationSchema) });

/** GET /auth: who the API key belongs to. */
export const authDetailsSchema = z.object({
  account_id: z.string(),
  auth_method: z.string(),
  auth_data: z.string().optional(),
});
export type AuthDetails = z.infer<typeof authDetailsSchema>;

export const currentUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  login: z.string().optional(),
  name: z.string().optional(),
  last_name: z.string().optional(),
  image: z.string().optional(),
  plan: z.string().optional(),
  projects_limit: z.number().optional(),
  branches_limit: z.number().optional(),
  max_autoscaling_limit: z.number().optional(),
});
export type CurrentUser = z.infer<typeof currentUserSchema>;
