/** Endpoints (computes): list, create, get, update, delete, start, suspend, restart. */
import { z } from "zod";
import { apiErrors } from "../errors";
import { checkAutoscaling, newEndpoint } from "../model";
import { renderOperation, type NewOperation } from "../operations";
import { readWriteEndpoint, renderEndpoint } from "../render";
import type { EndpointData, ProjectRecord } from "../store";
import { computeUnit, endpointSettings, endpointType, neonName, parseRequest, provisioner, resourceId, suspendTimeoutSeconds } from "../validation";
import type { World } from "../world";
import { route, type RouteDefinition } from "./types";

const endpointFields = {
  autoscaling_limit_min_cu: computeUnit.optional(),
  autoscaling_limit_max_cu: computeUnit.optional(),
  provisioner: provisioner.optional(),
  settings: endpointSettings.optional(),
  pooler_enabled: z.boolean().optional(),
  pooler_mode: z.enum(["transaction"]).optional(),
  disabled: z.boolean().optional(),
  passwordless_access: z.boolean().optional(),
  suspend_timeout_seconds: suspendTimeoutSeconds.optional(),
  name: neonName(64).optional(),
};

export const createEndpointBody = z.object({
  endpoint: z.object({ branch_id: resourceId, region_id: z.string().optional(), type: endpointType, ...endpointFields }),
});

export const updateEndpointBody = z.object({
  endpoint: z.object({ branch_id: resourceId.optional(), ...endpointFields }),
});

function endpoint(world: World, record: ProjectRecord, endpointId: string): EndpointData {
  const ep = record.endpoints[endpointId];
  if (!ep) throw apiErrors.notFound("endpoint", endpointId);
  return ep;
}

function startOp(ep: EndpointData): NewOperation {
  return { action: "start_compute", branchId: ep.branch_id, endpointId: ep.id, effects: [{ kind: "endpoint_state", endpointId: ep.id, state: "active" }] };
}

function suspendOp(ep: EndpointData): NewOperation {
  return { action: "suspend_compute", branchId: ep.branch_id, endpointId: ep.id, effects: [{ kind: "endpoint_state", endpointId: ep.id, state: "idle" }] };
}

function respond(world: World, record: ProjectRecord, ep: EndpointData, ops: NewOperation[], status = 200) {
  const operations = world.schedule(record, ops);
  const t = world.now();
  return { status, body: { endpoint: renderEndpoint(world, ep), operations: operations.map((o) => renderOperation(o, t)) } };
}

export const endpointRoutes: RouteDefinition[] = [
  route("listProjectEndpoints")({
    method: "GET",
    path: "/projects/{project_id}/endpoints",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      return { status: 200, body: { endpoints: Object.values(record.endpoints).map((e) => renderEndpoint(world, e)) } };
    },
  }),
  route("createProjectEndpoint")({
    method: "POST",
    path: "/projects/{project_id}/endpoints",
    locksProject: true,
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const req = parseRequest(createEndpointBody, body, "").endpoint;
      if (!record.branches[req.branch_id]) throw apiErrors.referenceNotFound("endpoint.branch_id", `branch ${req.branch_id}`);
      if (req.region_id !== undefined && req.region_id !== record.project.region_id) {
        throw apiErrors.invalidField("endpoint.region_id", `must be the project's region ${record.project.region_id}`);
      }
      if (req.type === "read_write" && readWriteEndpoint(record, req.branch_id)) {
        throw apiErrors.secondReadWriteEndpoint("endpoint.type", req.branch_id);
      }
      // Unset limits come from the project's default endpoint settings; the result must have min ≤ max.
      const ep = newEndpoint(world, record, req.branch_id, {
        type: req.type,
        min: req.autoscaling_limit_min_cu,
        max: req.autoscaling_limit_max_cu,
        suspendTimeoutSeconds: req.suspend_timeout_seconds,
        settings: req.settings,
        provisioner: req.provisioner,
        poolerMode: req.pooler_mode,
        poolerEnabled: req.pooler_enabled,
        disabled: req.disabled,
        passwordlessAccess: req.passwordless_access,
        name: req.name,
      });
      const problem = checkAutoscaling("endpoint", ep.autoscaling_limit_min_cu, ep.autoscaling_limit_max_cu);
      if (problem) throw apiErrors.badRequest(problem);
      if (ep.disabled) {
        // No start operation is scheduled, so nothing would ever move it out of init: it is idle.
        ep.current_state = "idle";
        delete ep.pending_state;
      }
      record.endpoints[ep.id] = ep;
      return respond(world, record, ep, ep.disabled ? [] : [startOp(ep)], 201);
    },
  }),
  route("getProjectEndpoint")({
    method: "GET",
    path: "/projects/{project_id}/endpoints/{endpoint_id}",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      return { status: 200, body: { endpoint: renderEndpoint(world, endpoint(world, record, params.endpoint_id)) } };
    },
  }),
  route("updateProjectEndpoint")({
    method: "PATCH",
    path: "/projects/{project_id}/endpoints/{endpoint_id}",
    locksProject: true,
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const ep = endpoint(world, record, params.endpoint_id);
      const req = parseRequest(updateEndpointBody, body, "").endpoint;
      const min = req.autoscaling_limit_min_cu ?? ep.autoscaling_limit_min_cu;
      const max = req.autoscaling_limit_max_cu ?? ep.autoscaling_limit_max_cu;
      const problem = checkAutoscaling("endpoint", min, max);
      if (problem) throw apiErrors.badRequest(problem);
      if (req.branch_id !== undefined && req.branch_id !== ep.branch_id) {
        if (!record.branches[req.branch_id]) throw apiErrors.referenceNotFound("endpoint.branch_id", `branch ${req.branch_id}`);
        if (ep.type === "read_write" && readWriteEndpoint(record, req.branch_id)) {
          throw apiErrors.secondReadWriteEndpoint("endpoint.branch_id", req.branch_id);
        }
      }
      if (req.branch_id !== undefined) ep.branch_id = req.branch_id;
      ep.autoscaling_limit_min_cu = min;
      ep.autoscaling_limit_max_cu = max;
      if (req.provisioner !== undefined) ep.provisioner = req.provisioner;
      // `settings` merges key by key (pg_settings, pgbouncer_settings, preload_libraries), like a project's.
      if (req.settings !== undefined) ep.settings = { ...ep.settings, ...req.settings };
      if (req.pooler_enabled !== undefined) ep.pooler_enabled = req.pooler_enabled;
      if (req.pooler_mode !== undefined) ep.pooler_mode = req.pooler_mode;
      if (req.passwordless_access !== undefined) ep.passwordless_access = req.passwordless_access;
      if (req.suspend_timeout_seconds !== undefined) ep.suspend_timeout_seconds = req.suspend_timeout_seconds;
      if (req.name !== undefined) ep.name = req.name;
      const ops: NewOperation[] = [];
      if (req.disabled !== undefined && req.disabled !== ep.disabled) {
        ep.disabled = req.disabled;
        // Disabling schedules a suspend; a disabled compute cannot be woken by connections.
        if (req.disabled) {
          ep.pending_state = "idle";
          ops.push(suspendOp(ep));
        }
      }
      ep.updated_at = world.nowIso();
      if (ops.length === 0) ops.push({ action: "apply_config", branchId: ep.branch_id, endpointId: ep.id });
      return respond(world, record, ep, ops);
    },
  }),
  route("deleteProjectEndpoint")({
    method: "DELETE",
    path: "/projects/{project_id}/endpoints/{endpoint_id}",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const ep = record.endpoints[params.endpoint_id];
      if (!ep) return { status: 204, nothingToDo: true };
      delete record.endpoints[ep.id];
      return respond(world, record, ep, [{ action: "suspend_compute", branchId: ep.branch_id, endpointId: ep.id }]);
    },
  }),
  route("startProjectEndpoint")({
    method: "POST",
    path: "/projects/{project_id}/endpoints/{endpoint_id}/start",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const ep = endpoint(world, record, params.endpoint_id);
      if (ep.disabled) throw apiErrors.endpointDisabled(ep.id, "starting");
      ep.pending_state = "active";
      return respond(world, record, ep, [startOp(ep)]);
    },
  }),
  route("suspendProjectEndpoint")({
    method: "POST",
    path: "/projects/{project_id}/endpoints/{endpoint_id}/suspend",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const ep = endpoint(world, record, params.endpoint_id);
      ep.pending_state = "idle";
      return respond(world, record, ep, [suspendOp(ep)]);
    },
  }),
  route("restartProjectEndpoint")({
    method: "POST",
    path: "/projects/{project_id}/endpoints/{endpoint_id}/restart",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const ep = endpoint(world, record, params.endpoint_id);
      if (ep.disabled) throw apiErrors.endpointDisabled(ep.id, "restarting");
      ep.pending_state = "active";
      return respond(world, record, ep, [suspendOp(ep), startOp(ep)]);
    },
  }),
];
