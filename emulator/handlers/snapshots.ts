/**
 * Snapshots (Neon beta): create from a root branch, list, update, delete, restore to a new branch,
 * and finalize a restore so the restored branch takes the original's place.
 *
 * Finalizing moves the original branch's computes (so hosts and connection URIs do not change),
 * its default flag, and its branch-level Neon Auth integration and Data API instances to the
 * restored branch: they belong to the database a tenant connects to, not to a branch id. The
 * original branch keeps its data under a new name.
 */
import { z } from "zod";
import { isoSeconds } from "../clock";
import { apiErrors } from "../errors";
import { formatLsn, generatedBranchName, newSnapshotId, parseLsn } from "../ids";
import { newBranchRecord } from "../model";
import { renderOperation, type NewOperation } from "../operations";
import { readWriteEndpoint, renderBranch, renderEndpoint, renderSnapshot } from "../render";
import { dict, type BranchRecord, type ProjectRecord } from "../store";
import { isoDateTime, neonName, parseRequest, queryObject } from "../validation";
import type { World } from "../world";
import { assertUniqueBranchName } from "./branches";
import { route, type RouteDefinition } from "./types";

export const createSnapshotQuery = z.object({
  lsn: z.string().optional(),
  timestamp: isoDateTime.optional(),
  name: neonName(256).optional(),
  expires_at: isoDateTime.optional(),
});

export const updateSnapshotBody = z.object({
  snapshot: z.object({ name: neonName(256).optional(), expires_at: isoDateTime.nullable().optional() }),
});

export const restoreBody = z.object({
  name: neonName(256).optional(),
  target_branch_id: z.string().optional(),
  finalize_restore: z.boolean().optional(),
});

export const finalizeBody = z.object({ name: neonName(256).optional() });

/** `?name=` is Neon's deprecated spelling of the restore body's `name`. */
export const restoreQuery = z.object({ name: neonName(256).optional() });

/** Neon deletes a snapshot automatically at its `expires_at`; here it goes when next looked at. */
function dropExpiredSnapshots(world: World, record: ProjectRecord): void {
  const now = world.now();
  for (const [id, snap] of Object.entries(record.snapshots)) {
    if (snap.expires_at !== undefined && Date.parse(snap.expires_at) <= now) delete record.snapshots[id];
  }
}

function snapshot(world: World, record: ProjectRecord, snapshotId: string) {
  dropExpiredSnapshots(world, record);
  const snap = record.snapshots[snapshotId];
  if (!snap) throw apiErrors.notFound("snapshot", snapshotId);
  return snap;
}

/** `main_old_20260101_000000`, with a counter when that is taken (two finalizes in one second). */
function replacedBranchName(world: World, record: ProjectRecord, originalName: string): string {
  const base = `${originalName}_old_${isoSeconds(world.now()).replace(/[-:]/g, "").replace("T", "_").replace("Z", "")}`;
  const taken = new Set(Object.values(record.branches).map((b) => b.branch.name));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

function cloneMap<T extends object>(map: Record<string, T>, patch: Partial<T>): Record<string, T> {
  const out = dict<T>();
  for (const [k, v] of Object.entries(map)) out[k] = { ...v, ...patch };
  return out;
}

/**
 * What moves must fit: a branch has at most one read_write compute, one Neon Auth integration and
 * one Data API per database. A restored branch that was given its own (to preview the restored
 * data) must lose them first, rather than have them silently replaced.
 */
function assertRestoreCanTakeOver(record: ProjectRecord, restored: BranchRecord, target: BranchRecord): void {
  const before = `; delete it before finalizing, so that the one of ${target.branch.id} can move to ${restored.branch.id}`;
  const own = readWriteEndpoint(record, restored.branch.id);
  if (own && readWriteEndpoint(record, target.branch.id)) {
    throw apiErrors.badRequest(`branch ${restored.branch.id} has its own read_write endpoint ${own.id}${before}`);
  }
  if (restored.auth && target.auth) throw apiErrors.badRequest(`branch ${restored.branch.id} has its own Neon Auth integration${before}`);
  const both = Object.keys(restored.dataApis).find((db) => db in target.dataApis);
  if (both !== undefined) throw apiErrors.badRequest(`branch ${restored.branch.id} has its own Data API for database ${both}${before}`);
}

/**
 * Swaps a restored branch into the place of the branch it replaces. Mutates the store; callers
 * validate everything first.
 */
function finalizeRestore(world: World, record: ProjectRecord, restored: BranchRecord, target: BranchRecord, renameTo: string | undefined): NewOperation[] {
  const now = world.nowIso();
  const originalName = target.branch.name;
  target.branch.name = renameTo ?? replacedBranchName(world, record, originalName);
  target.branch.updated_at = now;
  restored.branch.name = originalName;
  restored.branch.restore_status = "finalized";
  restored.branch.restored_as = target.branch.id;
  delete restored.branch.restore_target_id;
  restored.branch.updated_at = now;
  if (target.branch.default) {
    target.branch.default = false;
    target.branch.primary = false;
    restored.branch.default = true;
    restored.branch.primary = true;
  }
  if (target.auth) {
    restored.auth = { ...target.auth, branch_id: restored.branch.id };
    delete target.auth;
  }
  restored.dataApis = dict({ ...restored.dataApis, ...target.dataApis });
  target.dataApis = dict();
  const ops: NewOperation[] = [];
  for (const ep of Object.values(record.endpoints)) {
    if (ep.branch_id !== target.branch.id) continue;
    ep.branch_id = restored.branch.id;
    ep.updated_at = now;
    // Moving a compute restarts it.
    ops.push({ action: "suspend_compute", branchId: restored.branch.id, endpointId: ep.id });
    ops.push({ action: "start_compute", branchId: restored.branch.id, endpointId: ep.id, effects: [{ kind: "endpoint_state", endpointId: ep.id, state: "active" }] });
  }
  return ops;
}

export const snapshotRoutes: RouteDefinition[] = [
  route("createSnapshot")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/snapshot",
    locksProject: true,
    handle({ world, params, query }) {
      const record = world.project(params.project_id);
      const branch = world.branch(record, params.branch_id);
      const q = parseRequest(createSnapshotQuery, queryObject(query), "");
      if (branch.branch.parent_id) {
        throw apiErrors.badRequest(`branch ${branch.branch.id} is not a root branch; snapshots can only be taken of root branches`);
      }
      if (q.lsn !== undefined && q.timestamp !== undefined) throw apiErrors.badRequest("lsn and timestamp are mutually exclusive");
      let lsn = record.lsn;
      let dataLsn: string | undefined;
      let timestamp = world.nowIso();
      if (q.lsn !== undefined) {
        const parsed = parseLsn(q.lsn);
        if (parsed === undefined) throw apiErrors.malformedLsn("lsn");
        // A position in the branch's real WAL (the data plane's): the snapshot holds the data as of it.
        if (world.inWalHistory(record.project.id, branch.branch.id, parsed)) dataLsn = formatLsn(parsed);
        else if (parsed < branch.branch.lsn || parsed > record.lsn) throw apiErrors.invalidField("lsn", `${q.lsn} is outside the branch's history`);
        lsn = parsed;
      }
      if (q.timestamp !== undefined) {
        const at = Date.parse(q.timestamp);
        if (at > world.now()) throw apiErrors.mustNotBeInFuture("timestamp");
        if (at < world.now() - record.project.history_retention_seconds * 1000 || at < Date.parse(branch.branch.created_at)) {
          throw apiErrors.outsideRetention("timestamp");
        }
        timestamp = isoSeconds(at);
      }
      if (q.expires_at !== undefined && Date.parse(q.expires_at) <= world.now()) throw apiErrors.mustBeInFuture("expires_at");
      const id = newSnapshotId((candidate) => candidate in record.snapshots);
      record.snapshots[id] = {
        id,
        name: q.name ?? `${branch.branch.name} ${timestamp}`,
        lsn: dataLsn ?? formatLsn(lsn),
        ...(dataLsn === undefined ? {} : { data_lsn: dataLsn }),
        timestamp,
        source_branch_id: branch.branch.id,
        created_at: world.nowIso(),
        ...(q.expires_at !== undefined ? { expires_at: q.expires_at } : {}),
        manual: true,
        full_size: 0,
        diff_size: 0,
        contents: { roles: cloneMap(branch.roles, {}), databases: cloneMap(branch.databases, {}) },
      };
      const operations = world.schedule(record, [{ action: "create_timeline", branchId: branch.branch.id }]);
      const t = world.now();
      return { status: 200, body: { snapshot: renderSnapshot(record.snapshots[id]), operations: operations.map((o) => renderOperation(o, t)) } };
    },
  }),
  route("listSnapshots")({
    method: "GET",
    path: "/projects/{project_id}/snapshots",
    handle({ world, params }) {
      const record = world.project(params.project_id);
      dropExpiredSnapshots(world, record);
      return { status: 200, body: { snapshots: Object.values(record.snapshots).map(renderSnapshot) } };
    },
  }),
  route("updateSnapshot")({
    method: "PATCH",
    path: "/projects/{project_id}/snapshots/{snapshot_id}",
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const snap = snapshot(world, record, params.snapshot_id);
      const req = parseRequest(updateSnapshotBody, body, "").snapshot;
      if (req.expires_at && Date.parse(req.expires_at) <= world.now()) throw apiErrors.mustBeInFuture("snapshot.expires_at");
      if (req.name !== undefined) snap.name = req.name;
      if (req.expires_at === null) delete snap.expires_at;
      else if (req.expires_at !== undefined) snap.expires_at = req.expires_at;
      return { status: 200, body: { snapshot: renderSnapshot(snap) } };
    },
  }),
  route("deleteSnapshot")({
    method: "DELETE",
    path: "/projects/{project_id}/snapshots/{snapshot_id}",
    locksProject: true,
    handle({ world, params }) {
      const record = world.project(params.project_id);
      snapshot(world, record, params.snapshot_id);
      delete record.snapshots[params.snapshot_id];
      const operations = world.schedule(record, [{ action: "delete_timeline" }]);
      const t = world.now();
      return { status: 202, body: { operations: operations.map((o) => renderOperation(o, t)) } };
    },
  }),
  route("restoreSnapshot")({
    method: "POST",
    path: "/projects/{project_id}/snapshots/{snapshot_id}/restore",
    locksProject: true,
    handle({ world, params, query, body }) {
      const record = world.project(params.project_id);
      const snap = snapshot(world, record, params.snapshot_id);
      const req = parseRequest(restoreBody, body ?? {}, "");
      const q = parseRequest(restoreQuery, queryObject(query), "");
      const targetId = req.target_branch_id ?? snap.source_branch_id;
      const target = record.branches[targetId];
      if (!target) {
        throw apiErrors.referenceNotFound(req.target_branch_id ? "target_branch_id" : "snapshot.source_branch_id", `branch ${targetId}`);
      }
      const name = req.name ?? q.name ?? generatedBranchName();
      assertUniqueBranchName(record, name);

      record.lsn += 0x100;
      const restored = newBranchRecord(world, record, { name, isDefault: false, lsn: record.lsn, initSource: "parent-data" });
      restored.branch.restored_from = snap.id;
      restored.branch.restore_status = "restored";
      restored.branch.restore_target_id = target.branch.id;
      restored.roles = cloneMap(snap.contents.roles, { branch_id: restored.branch.id });
      restored.databases = cloneMap(snap.contents.databases, { branch_id: restored.branch.id });
      for (const db of Object.values(restored.databases)) db.id = world.state.nextDatabaseId++;
      record.branches[restored.branch.id] = restored;
      const ops: NewOperation[] = [
        { action: "create_branch", branchId: restored.branch.id, effects: [{ kind: "branch_ready", branchId: restored.branch.id }] },
      ];
      if (req.finalize_restore) ops.push(...finalizeRestore(world, record, restored, target, undefined));
      const operations = world.schedule(record, ops);
      const t = world.now();
      const endpoints = Object.values(record.endpoints).filter((e) => e.branch_id === restored.branch.id);
      return {
        status: 200,
        body: {
          branch: renderBranch(restored),
          endpoints: endpoints.map((e) => renderEndpoint(world, e)),
          operations: operations.map((o) => renderOperation(o, t)),
        },
      };
    },
  }),
  route("finalizeRestoreBranch")({
    method: "POST",
    path: "/projects/{project_id}/branches/{branch_id}/finalize_restore",
    locksProject: true,
    handle({ world, params, body }) {
      const record = world.project(params.project_id);
      const restored = world.branch(record, params.branch_id);
      const req = parseRequest(finalizeBody, body ?? {}, "");
      if (restored.branch.restore_status !== "restored" || !restored.branch.restore_target_id) {
        throw apiErrors.badRequest(`branch ${restored.branch.id} was not created by a snapshot restore awaiting finalization`);
      }
      const target = record.branches[restored.branch.restore_target_id];
      if (!target) throw apiErrors.conflict(`the branch this restore replaces (${restored.branch.restore_target_id}) no longer exists`);
      assertRestoreCanTakeOver(record, restored, target);
      if (req.name !== undefined) {
        // The restored branch gives up its name in the swap, so the original may take it.
        const clash = Object.values(record.branches).find((b) => b.branch.name === req.name && b !== target && b !== restored);
        if (clash) throw apiErrors.branchNameTaken(req.name, clash.branch.id);
      }
      const operations = world.schedule(record, finalizeRestore(world, record, restored, target, req.name));
      const t = world.now();
      return { status: 200, body: { operations: operations.map((o) => renderOperation(o, t)) } };
    },
  }),
];
