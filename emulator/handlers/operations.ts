/** Operations of a project: list (cursor pagination, newest first) and get. */
import { z } from "zod";
import { apiErrors } from "../errors";
import { renderOperation } from "../operations";
import { parseRequest, queryLimit, queryObject } from "../validation";
import { route, type RouteDefinition } from "./types";

export const listOperationsQuery = z.object({ cursor: z.string().optional(), limit: queryLimit(1000).optional() });

export const operationRoutes: RouteDefinition[] = [
  route("listProjectOperations")({
    method: "GET",
    path: "/projects/{project_id}/operations",
    handle({ world, params, query }) {
      const record = world.project(params.project_id);
      const q = parseRequest(listOperationsQuery, queryObject(query), "");
      const limit = q.limit ?? 10;
      // Newest first, as Neon lists them; the cursor is the id of the last operation returned.
      let ops = [...record.operations].reverse();
      if (q.cursor) {
        const at = ops.findIndex((o) => o.id === q.cursor);
        if (at < 0) throw apiErrors.invalidField("cursor", "is not an operation id returned by this listing");
        ops = ops.slice(at + 1);
      }
      const page = ops.slice(0, limit);
      const t = world.now();
      // The spec's Pagination.cursor has minLength 1: with nothing to continue from, no pagination.
      const cursor = page.at(-1)?.id ?? q.cursor;
      return {
        status: 200,
        body: { operations: page.map((o) => renderOperation(o, t)), ...(cursor ? { pagination: { cursor } } : {}) },
      };
    },
  }),
  route("getProjectOperation")({
    method: "GET",
    path: "/projects/{project_id}/operations/{operation_id}",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      const op = record.operations.find((o) => o.id === params.operation_id);
      if (!op) throw apiErrors.notFound("operation", params.operation_id);
      return { status: 200, body: { operation: renderOperation(op, world.now()) } };
    },
  }),
];
