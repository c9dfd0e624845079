/**
 * The data plane of the local Neon API: every branch a real Postgres database (PGlite), reached
 * through one loopback port that routes by compute like Neon's proxy (front.ts). It follows the
 * API's state after every change (`reconcile`): a new branch is a copy of its parent as of that
 * moment (schema only when asked), a snapshot a copy of its branch, a restored branch a copy of the
 * snapshot; roles and databases the API creates exist in Postgres; a compute moved by a
 * `finalize_restore` reaches the restored branch behind the same connection URI, and the
 * connections it had are cut, as a restart of the compute would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as net from "node:net";
import { isoSeconds } from "../clock";
import type { EndpointData, NeonLocalState, ProjectRecord } from "../store";
import { type ClusterContents, Clusters } from "./clusters";
import { type PostgresFront, type Route, startFront } from "./front";

export interface DataPlaneOptions {
  /** Port of the Postgres front; 0 (the default) picks a free one. */
  port?: number;
  /** Where the clusters' files live; a temporary folder (removed at close) by default. */
  dataDir?: string;
  /** How often idle computes are looked for (real time); default every second. 0: only when `suspendIdle` is called. */
  idleCheckMs?: number;
  /** At most this many clusters run at once (each costs about 100 MB or more); default 4. */
  maxRunning?: number;
}

const branchKey = (projectId: string, branchId: string) => `${projectId}/${branchId}`;
const snapshotKey = (projectId: string, snapshotId: string) => `${projectId}/snapshot-${snapshotId}`;

export class DataPlane {
  readonly #clusters: Clusters;
  readonly #state: () => NeonLocalState;
  readonly #ownedDir: string | undefined;
  #front: PostgresFront | undefined;
  /** What each cluster was last told it holds (to send only changes). */
  readonly #contents = new Map<string, string>();
  /** Open client connections by endpoint, with the cluster each was joined to. */
  readonly #connections = new Map<string, Set<{ socket: net.Socket; cluster: string }>>();
  /** Each endpoint's `updated_at` when last seen: a change through the API restarts the compute. */
  readonly #endpointSeen = new Map<string, string>();
  readonly #now: () => number;
  readonly #stateChanged: () => void;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Work `reconcile` started and does not wait for (stops, role syncs, removals). */
  readonly #background = new Set<Promise<unknown>>();

  private constructor(state: () => NeonLocalState, clusters: Clusters, ownedDir: string | undefined, now: () => number, stateChanged: () => void) {
    this.#state = state;
    this.#clusters = clusters;
    this.#ownedDir = ownedDir;
    this.#now = now;
    this.#stateChanged = stateChanged;
  }

  /**
   * `stateChanged` is called when the data plane changes the API's state itself (a compute
   * becoming active on a connection, or idle after `suspend_timeout_seconds`), to save it.
   */
  static async start(state: () => NeonLocalState, now: () => number, stateChanged: () => void, options: DataPlaneOptions = {}): Promise<DataPlane> {
    const ownedDir = options.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "neon-local-data-")) : undefined;
    const clusters = new Clusters({ root: options.dataDir ?? ownedDir!, maxRunning: options.maxRunning ?? 4, now });
    const plane = new DataPlane(state, clusters, ownedDir, now, stateChanged);
    try {
      plane.reconcile();
      plane.#front = await startFront("127.0.0.1", options.port ?? 0, {
        route: (request) => plane.#route(request),
        track: (endpointId, cluster, socket) => plane.#track(endpointId, cluster, socket),
        open: (cluster, database) => clusters.open(cluster, database),
      });
    } catch (err) {
      await plane.close(); // the port was taken, say: nothing left behind
      throw err;
    }
    const idleCheckMs = options.idleCheckMs ?? 1000;
    if (idleCheckMs > 0) {
      plane.#idleTimer = setInterval(() => plane.suspendIdle().catch(() => undefined), idleCheckMs);
      plane.#idleTimer.unref();
    }
    return plane;
  }

  /** `127.0.0.1:<port>`: where connection URIs point. */
  get address(): string {
    return `127.0.0.1:${this.#front!.port}`;
  }

  /**
   * A new branch's data: a copy of the snapshot it was restored from, else of its parent (or the
   * branch a schema-only one took its schema from), else (`last` pass: a project's first branch)
   * an empty cluster. A copy that fails is logged and tried again at the next change: the API's
   * change stands.
   */
  #addBranchCluster(record: ProjectRecord, branch: ProjectRecord["branches"][string]["branch"], key: string, last: boolean): void {
    const contents = branchContents(record, branch.id);
    const fromSnapshot = branch.restored_from ? snapshotKey(record.project.id, branch.restored_from) : undefined;
    const parentId = branch.parent_id ?? branch.schema_source_id;
    const fromParent = parentId ? branchKey(record.project.id, parentId) : undefined;
    try {
      if (fromSnapshot && this.#clusters.has(fromSnapshot)) this.#clusters.fork(fromSnapshot, key, contents);
      else if (fromParent && this.#clusters.has(fromParent)) this.#clusters.fork(fromParent, key, contents, { schemaOnly: branch.init_source === "schema-only", asOf: pastMoment(branch.parent_timestamp, branch.created_at), atLsn: branch.data_lsn });
      else if (last) this.#clusters.createEmpty(key, contents);
      else return;
    } catch (err) {
      console.error(`neon-local: copying the data of ${key}: ${(err as Error).message}`);
      return;
    }
    this.#contents.set(key, JSON.stringify(contents));
  }

  /** Resolves once the work the last changes started in the background (stops, syncs, removals) is done. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background);
  }

  #inBackground(work: Promise<unknown>, what: string): void {
    const done = work.catch((err: Error) => console.error(`neon-local: ${what}: ${err.message}`));
    this.#background.add(done);
    void done.then(() => this.#background.delete(done));
  }

  /** How many branch databases are running. */
  runningCount(): number {
    return this.#clusters.runningCount();
  }

  /** The span of the branch's real WAL its history covers (Postgres's positions), once its database has run. */
  walHistory(projectId: string, branchId: string): { first: number; last: number } | undefined {
    return this.#clusters.walSpan(branchKey(projectId, branchId));
  }

  /** Whether the branch's database is running (its compute active). */
  isRunning(projectId: string, branchId: string): boolean {
    return this.#clusters.isRunning(branchKey(projectId, branchId));
  }

  /**
   * Brings the clusters in line with the API's state. Called right after every change the API
   * accepts, before its answer is sent, so that a branch is copied from its parent before anyone
   * can learn of it (and write to the parent after it).
   */
  reconcile(): void {
    const state = this.#state();
    const wanted = new Set<string>();
    for (const record of Object.values(state.projects)) {
      const branches = Object.values(record.branches).sort((a, b) => a.branch.created_at.localeCompare(b.branch.created_at));
      // Parents before children, snapshots before the branches restored from them.
      for (let pass = 0; pass < 2; pass += 1) {
        for (const { branch } of branches) {
          const key = branchKey(record.project.id, branch.id);
          wanted.add(key);
          if (!this.#clusters.has(key)) this.#addBranchCluster(record, branch, key, pass === 1);
        }
        for (const snapshot of Object.values(record.snapshots)) {
          const key = snapshotKey(record.project.id, snapshot.id);
          wanted.add(key);
          const source = branchKey(record.project.id, snapshot.source_branch_id);
          if (this.#clusters.has(key) || !this.#clusters.has(source)) continue;
          try {
            this.#clusters.fork(source, key, branchContents(record, snapshot.source_branch_id), { asOf: pastMoment(snapshot.timestamp, snapshot.created_at), atLsn: snapshot.data_lsn });
          } catch (err) {
            console.error(`neon-local: copying the data of ${key}: ${(err as Error).message}`);
          }
        }
      }
      for (const { branch } of branches) {
        const key = branchKey(record.project.id, branch.id);
        const contents = branchContents(record, branch.id);
        const text = JSON.stringify(contents);
        if (this.#contents.get(key) !== text) {
          this.#contents.set(key, text);
          this.#inBackground(this.#clusters.setContents(key, contents), `syncing the roles of ${key}`);
        }
      }
      this.#cutMovedConnections(record);
      this.#stopSuspended(record);
    }
    for (const key of this.#clusters.keys()) {
      if (!wanted.has(key)) {
        this.#contents.delete(key);
        this.#inBackground(this.#clusters.remove(key), `removing ${key}`);
      }
    }
  }

  /**
   * Suspends the computes idle for their `suspend_timeout_seconds` (Neon's: 0 means the default of
   * five minutes, -1 never): their databases stop (the data stays) and their `current_state`
   * becomes `idle`. The next connection starts them again. Runs every second; tests on a manual
   * clock call it after moving the clock.
   */
  async suspendIdle(): Promise<string[]> {
    const now = this.#now();
    const suspended: string[] = [];
    for (const record of Object.values(this.#state().projects)) {
      for (const endpoint of Object.values(record.endpoints)) {
        if (endpoint.current_state !== "active" || endpoint.pending_state !== undefined) continue;
        const timeout = endpoint.suspend_timeout_seconds === 0 ? 300 : endpoint.suspend_timeout_seconds;
        if (timeout < 0) continue;
        const key = branchKey(record.project.id, endpoint.branch_id);
        if ((this.#connections.get(endpoint.id)?.size ?? 0) > 0) continue;
        const since = Math.max(this.#clusters.lastUsed(key) ?? -Infinity, Date.parse(endpoint.started_at ?? endpoint.created_at));
        if (now - since < timeout * 1000) continue;
        endpoint.current_state = "idle";
        endpoint.suspended_at = isoSeconds(now);
        suspended.push(endpoint.id);
        if (!servedByAnother(record, endpoint)) await this.#clusters.stop(key);
      }
    }
    if (suspended.length > 0) this.#stateChanged();
    return suspended;
  }

  async close(): Promise<void> {
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    await this.#front?.close();
    await this.settled();
    await this.#clusters.close();
    if (this.#ownedDir) fs.rmSync(this.#ownedDir, { recursive: true, force: true });
  }

  #route(request: { endpointId: string | undefined; user: string; database: string; password: string }): Route {
    if (request.endpointId === undefined) {
      return {
        refused: [
          "08004",
          "Endpoint ID is not specified. Pass the endpoint ID (the first part of the compute's host name) as a parameter: '?options=endpoint%3D<endpoint-id>', or in the password: 'endpoint=<endpoint-id>;<password>'.",
        ],
      };
    }
    for (const record of Object.values(this.#state().projects)) {
      const endpoint = record.endpoints[request.endpointId];
      if (!endpoint) continue;
      if (endpoint.disabled) return { refused: ["08004", `the compute ${endpoint.id} is disabled`] };
      const branch = record.branches[endpoint.branch_id]!;
      const role = branch.roles[request.user];
      if (!role || role.authentication_method !== "password" || role.password !== request.password) {
        return { refused: ["28P01", `password authentication failed for user "${request.user}"`] };
      }
      if (!branch.databases[request.database]) return { refused: ["3D000", `database "${request.database}" does not exist`] };
      // The connection starts a suspended compute, before its database is opened (nothing may stop it meanwhile).
      this.#wake(endpoint);
      return { cluster: branchKey(record.project.id, endpoint.branch_id), endpointId: endpoint.id, database: request.database };
    }
    return { refused: ["08004", "The requested endpoint could not be found, or you don't have access to it."] };
  }

  #track(endpointId: string, cluster: string, socket: net.Socket): () => void {
    let open = this.#connections.get(endpointId);
    if (!open) this.#connections.set(endpointId, (open = new Set()));
    const entry = { socket, cluster };
    open.add(entry);
    return () => {
      open.delete(entry);
      if (open.size === 0 && this.#connections.get(endpointId) === open) this.#connections.delete(endpointId);
    };
  }

  /** Connections counted on the branch's running database (0 when it is not running). */
  databaseConnections(projectId: string, branchId: string): number {
    return this.#clusters.connectionCount(branchKey(projectId, branchId));
  }

  /** Open connections to the compute (counted from the moment they are routed, also while its database starts). */
  connections(endpointId: string): number {
    return this.#connections.get(endpointId)?.size ?? 0;
  }

  /** A branch's database stops when the API suspends its compute (and no other compute of it is active). */
  #stopSuspended(record: ProjectRecord): void {
    for (const endpoint of Object.values(record.endpoints)) {
      if ((endpoint.pending_state ?? endpoint.current_state) !== "idle") continue;
      const key = branchKey(record.project.id, endpoint.branch_id);
      if (!servedByAnother(record, endpoint) && this.#clusters.isRunning(key)) this.#inBackground(this.#clusters.stop(key), `stopping ${key}`);
    }
  }

  /** A connection to a suspended compute starts it (as Neon's proxy does): it is active again. */
  #wake(endpoint: EndpointData): void {
    if (endpoint.current_state === "active") return;
    endpoint.current_state = "active";
    endpoint.started_at = isoSeconds(this.#now());
    this.#stateChanged();
  }

  /**
   * A compute moved to another branch, disabled or deleted drops its connections; so does one
   * changed through the API (started, suspended, restarted, reconfigured: Neon restarts it).
   */
  #cutMovedConnections(record: ProjectRecord): void {
    for (const endpoint of Object.values(record.endpoints)) {
      const seen = this.#endpointSeen.get(endpoint.id);
      this.#endpointSeen.set(endpoint.id, endpoint.updated_at);
      if (seen === undefined || seen === endpoint.updated_at || endpoint.pending_state === undefined) continue;
      for (const entry of this.#connections.get(endpoint.id) ?? []) entry.socket.destroy();
    }
    for (const [endpointId, open] of this.#connections) {
      const endpoint = record.endpoints[endpointId];
      for (const entry of open) {
        if (!entry.cluster.startsWith(`${record.project.id}/`)) continue;
        const serves = endpoint && !endpoint.disabled && endpoint.pending_state !== "idle" && branchKey(record.project.id, endpoint.branch_id) === entry.cluster;
        if (!serves) entry.socket.destroy();
      }
    }
  }
}

/** Whether another compute of the endpoint's branch is active (or starting): its database must keep running. */
function servedByAnother(record: ProjectRecord, endpoint: EndpointData): boolean {
  return Object.values(record.endpoints).some((e) => e !== endpoint && e.branch_id === endpoint.branch_id && (e.pending_state ?? e.current_state) === "active");
}

/**
 * The moment a branch or snapshot was asked to hold its parent's data as of, when it is before the
 * one it was made at (the API records the creation time there when no moment was asked for).
 */
function pastMoment(asOf: string | undefined, createdAt: string): number | undefined {
  if (asOf === undefined) return undefined;
  const at = Date.parse(asOf);
  return at < Date.parse(createdAt) ? at : undefined;
}

function branchContents(record: ProjectRecord, branchId: string): ClusterContents {
  const branch = record.branches[branchId]!;
  return {
    roles: Object.values(branch.roles).map((r) => r.name).sort(),
    databases: Object.values(branch.databases)
      .map((d) => ({ name: d.name, owner: d.owner_name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
