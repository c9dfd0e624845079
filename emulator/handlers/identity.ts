/** Who the API key belongs to, its organizations, and moving projects between organizations. */
import { z } from "zod";
import { apiErrors } from "../errors";
import { planLimitsFor } from "../seed";
import { asSpecified } from "../specShape";
import { parseRequest, resourceId } from "../validation";
import { route, type RouteDefinition } from "./types";

export const transferBody = z.object({
  destination_org_id: resourceId,
  project_ids: z.array(resourceId).min(1).max(400),
});

export const identityRoutes: RouteDefinition[] = [
  route("getAuthDetails")({
    method: "GET",
    path: "/auth",
    handle({ world }) {
      return { status: 200, body: { account_id: world.state.user.id, auth_method: "api_key_user" } };
    },
  }),
  route("getCurrentUserInfo")({
    method: "GET",
    path: "/users/me",
    handle({ world }) {
      const u = world.state.user;
      return {
        status: 200,
        body: {
          active_seconds_limit: 0,
          auth_accounts: [{ email: u.email, image: "", login: u.login, name: u.name, provider: "github" }],
          email: u.email,
          id: u.id,
          image: "",
          login: u.login,
          name: u.name,
          last_name: u.last_name,
          projects_limit: 0,
          branches_limit: 0,
          max_autoscaling_limit: 16,
          plan: "scale",
        },
      };
    },
  }),
  route("getCurrentUserOrganizations")({
    method: "GET",
    path: "/users/me/organizations",
    handle({ world }) {
      return { status: 200, body: { organizations: Object.values(world.state.organizations).map((org) => asSpecified("Organization", org)) } };
    },
  }),
  route("getOrganization")({
    method: "GET",
    path: "/organizations/{org_id}",
    handle({ world, params }) {
      return { status: 200, body: asSpecified("Organization", world.organization(params.org_id)) };
    },
  }),
  route("transferProjectsFromOrgToOrg")({
    method: "POST",
    path: "/organizations/{source_org_id}/projects/transfer",
    handle({ world, params, body }) {
      world.organization(params.source_org_id);
      const req = parseRequest(transferBody, body, "");
      const destination = world.state.organizations[req.destination_org_id];
      if (!destination) throw apiErrors.referenceNotFound("destination_org_id", `organization ${req.destination_org_id}`);
      const records = req.project_ids.map((id) => {
        const record = world.state.projects[id];
        if (!record) throw apiErrors.notFound("project", id);
        if (record.project.org_id !== params.source_org_id) {
          throw apiErrors.badRequest(`project ${id} does not belong to organization ${params.source_org_id}`);
        }
        return record;
      });
      // The destination plan must allow what the projects use (406 LimitsUnsatisfied, as Neon).
      const max = planLimitsFor(destination.plan).maxHistoryRetentionSeconds;
      const tooLong = records.filter((r) => r.project.history_retention_seconds > max);
      if (tooLong.length > 0) {
        throw apiErrors.limitsUnsatisfied(
          tooLong.map((r) => ({ name: "history_retention_seconds", expected: `<= ${max}`, actual: String(r.project.history_retention_seconds) })),
        );
      }
      // Moving only changes ownership: ids, branches, computes and connection strings stay.
      const now = world.nowIso();
      for (const r of records) {
        r.project.org_id = destination.id;
        r.project.updated_at = now;
      }
      return { status: 200, body: {} };
    },
  }),
];
