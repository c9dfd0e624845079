/**
 * One embedded Postgres cluster (PGlite, Postgres compiled to WebAssembly) per branch and per
 * snapshot, each a data directory on disk. A branch starts as a copy of its parent as of the moment
 * it is made: a running parent is dumped at once (PGlite runs the dump in the same queue as the
 * queries, so no later write gets in), a stopped one is copied as files. A cluster runs only while
 * its compute serves connections: started on demand (a copy's data is loaded at its first start),
 * stopped when idle or to make room under the cap on running clusters (each costs a lot of memory),
 * least recently used first.
 *
 * Each cluster keeps its history from its first start (history.ts): a copy of it as of a past
 * moment replays its own write-ahead log up to what had been committed by then.
 *
 * A PGlite instance serves one database, as one role, at a time (it is Postgres in single-user
 * mode): connections to a branch share its running instance (pglite-socket multiplexes them,
 * keeping each transaction to its connection), and a connection to another database of the branch
 * waits until the first one's connections have closed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { writeFileAtomically } from "../persistence";
import { formatLsn, parseLsn } from "../ids";
import { appendMark, beginHistory, copyAsOf, type HistoryMark, isNewMark, lsnAsOf, readHistory, removeHistory, withoutSpentWal } from "./history";

/** What the API says a cluster holds: Postgres is brought to match before a database is opened. */
export interface ClusterContents {
  readonly roles: readonly string[];
  readonly databases: readonly { readonly name: string; readonly owner: string }[];
}

export interface RunningDatabase {
  readonly database: string;
  /** The internal loopback port of this database's pglite-socket server. */
  readonly port: number;
}

interface Running extends RunningDatabase {
  readonly db: PGlite;
  readonly server: PGLiteSocketServer;
  connections: number;
}

interface Cluster {
  readonly dir: string;
  /**
   * Data to load at the first start (a dump of the parent, being made or made, or the empty
   * template, made only when first needed), else the files in `dir`. A dump is also written next
   * to `dir` (`<dir>.tar`) once made, so that it survives a restart.
   */
  source: Promise<Blob> | "template" | "tar" | undefined;
  /** Databases known to exist in the files (so a start can open one directly). */
  databases: Set<string>;
  /** Databases whose tables are emptied at their next opening (a schema-only branch). */
  emptyOnOpen: Set<string>;
  /** Where the WAL was when each database of a schema-only branch was emptied (a copy as of before then empties it again). */
  emptiedAt: Map<string, string>;
  contents: ClusterContents;
  /** The contents (as JSON) last brought into the files: a start with nothing new to make opens the database directly. */
  synced: string | undefined;
  running: Running | undefined;
  /** A start or stop in progress: the next one waits for it. */
  busy: Promise<unknown>;
  lastUsed: number;
  /** Its history since its first start (history.ts); undefined before. */
  marks: HistoryMark[] | undefined;
}

/** Postgres's own databases: never created or dropped to match the API. */
const systemDatabases = new Set(["postgres", "template0", "template1"]);

/**
 * Every start: PGlite's own parameters, and no WAL segment ever dropped at a checkpoint (a
 * branch's WAL is its history; it goes with the branch. 1 TB: larger values fail to start PGlite).
 */
const startParams = [...PGlite.defaultStartParams, "-c", "wal_keep_size=1TB"];

// One initdb per process (about five seconds): every new project's cluster is a copy of it.
let template: Promise<Blob> | undefined;
function templateDump(): Promise<Blob> {
  template ??= (async () => {
    const db = await PGlite.create({ startParams });
    try {
      return await db.dumpDataDir("none");
    } finally {
      await db.close();
    }
  })();
  return template;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** What survives a restart (clusters.json in the root): each cluster's folder and what is known of it. */
interface Manifest {
  version: 1;
  clusters: Record<
    string,
    {
      dir: string;
      source: "template" | "tar" | "files";
      databases: string[];
      emptyOnOpen: string[];
      emptiedAt?: Record<string, string>;
      contents: ClusterContents;
      synced?: string;
    }
  >;
}

export class Clusters {
  readonly #root: string;
  readonly #maxRunning: number;
  readonly #now: () => number;
  readonly #clusters = new Map<string, Cluster>();
  /** Dumps being written next to their folders: `close` waits for them. */
  readonly #writing = new Set<Promise<unknown>>();

  constructor(options: { root: string; maxRunning: number; now: () => number }) {
    this.#root = options.root;
    this.#maxRunning = options.maxRunning;
    this.#now = options.now;
    fs.mkdirSync(this.#root, { recursive: true });
    this.#load();
  }

  get #manifestFile(): string {
    return path.join(this.#root, "clusters.json");
  }

  /** The clusters a previous run left (their data kept in the root), as they were at its last change. */
  #load(): void {
    if (!fs.existsSync(this.#manifestFile)) return;
    const manifest = JSON.parse(fs.readFileSync(this.#manifestFile, "utf8")) as Manifest;
    for (const [key, saved] of Object.entries(manifest.clusters)) {
      const dir = path.join(this.#root, saved.dir);
      // A dump whose tar file was never written (a crash right after the branch was made) cannot be had back.
      if (saved.source === "tar" && !fs.existsSync(`${dir}.tar`)) continue;
      if (saved.source === "files" && !fs.existsSync(dir)) continue;
      this.#clusters.set(key, {
        dir,
        source: saved.source === "files" ? undefined : saved.source,
        databases: new Set(saved.databases),
        emptyOnOpen: new Set(saved.emptyOnOpen),
        emptiedAt: new Map(Object.entries(saved.emptiedAt ?? {})),
        contents: saved.contents,
        synced: saved.synced,
        running: undefined,
        busy: Promise.resolve(),
        lastUsed: this.#now(),
        marks: readHistory(dir),
      });
    }
  }

  /** Writes the manifest (atomically: a crash leaves the previous one whole). */
  #save(): void {
    const clusters: Manifest["clusters"] = {};
    for (const [key, c] of this.#clusters) {
      const source = c.source === undefined ? "files" : c.source === "template" ? "template" : "tar";
      clusters[key] = {
        dir: path.basename(c.dir),
        source,
        databases: [...c.databases],
        emptyOnOpen: [...c.emptyOnOpen],
        ...(c.emptiedAt.size === 0 ? {} : { emptiedAt: Object.fromEntries(c.emptiedAt) }),
        contents: c.contents,
        ...(c.synced === undefined ? {} : { synced: c.synced }),
      };
    }
    writeFileAtomically(this.#manifestFile, JSON.stringify({ version: 1, clusters } satisfies Manifest));
  }

  has(key: string): boolean {
    return this.#clusters.has(key);
  }

  keys(): string[] {
    return [...this.#clusters.keys()];
  }

  /** A new, empty cluster (a new project's default branch). */
  createEmpty(key: string, contents: ClusterContents): void {
    const cluster = this.#add(key, contents);
    cluster.source = "template";
    cluster.databases = new Set(["postgres"]);
    this.#save();
  }

  /**
   * A copy of `from` (a branch, a snapshot, a restore) as it is now, or, when `from` has history, as
   * it was at `asOf` (the API's clock) or at WAL position `atLsn` (always replayed then: a write
   * not yet marked cannot slip into the copy); `schemaOnly` empties its tables.
   */
  fork(from: string, to: string, contents: ClusterContents, options: { schemaOnly?: boolean; asOf?: number; atLsn?: string } = {}): void {
    const parent = this.#get(from);
    const cluster = this.#add(to, contents);
    try {
      const past = pastPosition(parent.marks, options);
      if (past !== undefined) this.#copyAsOf(parent, cluster, past);
      else this.#copy(parent, cluster, contents, options.schemaOnly ?? false);
    } catch (err) {
      // Nothing half-made stays: the next change of the API tries again.
      this.#clusters.delete(to);
      fs.rmSync(cluster.dir, { recursive: true, force: true });
      fs.rmSync(`${cluster.dir}.tar`, { force: true });
      throw err;
    }
  }

  #copy(parent: Cluster, cluster: Cluster, contents: ClusterContents, schemaOnly: boolean): void {
    cluster.databases = new Set(parent.databases);
    cluster.synced = parent.synced;
    if (parent.running) cluster.source = this.#keepDump(cluster, parent.running.db.dumpDataDir("none"));
    else if (parent.source === "template") cluster.source = "template";
    else if (parent.source === "tar") {
      fs.copyFileSync(`${parent.dir}.tar`, `${cluster.dir}.tar`);
      cluster.source = "tar";
    } else if (parent.source) cluster.source = this.#keepDump(cluster, parent.source);
    else fs.cpSync(parent.dir, cluster.dir, { recursive: true, filter: withoutSpentWal(parent.dir) });
    cluster.emptyOnOpen = schemaOnly ? new Set(contents.databases.map((d) => d.name)) : new Set(parent.emptyOnOpen);
    this.#save();
  }

  /**
   * The parent's files as of WAL position `lsn`: its base and its WAL up to there, replayed by
   * Postgres at the copy's first start. What the API lists is brought in then (a role made since
   * is made again).
   */
  #copyAsOf(parent: Cluster, cluster: Cluster, lsn: string): void {
    copyAsOf(parent.dir, cluster.dir, lsn);
    cluster.databases = new Set(["postgres"]);
    cluster.synced = undefined;
    // A schema-only parent's database emptied after that point still holds its source's rows there.
    const emptiedSince = [...parent.emptiedAt].filter(([, at]) => parseLsn(at)! > parseLsn(lsn)!).map(([name]) => name);
    cluster.emptyOnOpen = new Set([...parent.emptyOnOpen, ...emptiedSince]);
    this.#save();
  }

  /**
   * Records the moment and where the branch's WAL is durable up to now (a later copy as of this
   * moment replays up to here). Synchronous: called right after a client's message ran, before
   * anything else runs on the database, and before the client has the answer.
   */
  #mark(cluster: Cluster, db: PGlite): void {
    if (!cluster.marks) return; // no history yet, or removed
    const lsn = walPosition(db);
    if (lsn === undefined || !isNewMark(cluster.marks, lsn)) return;
    const mark: HistoryMark = [this.#now(), lsn];
    cluster.marks.push(mark);
    appendMark(cluster.dir, mark);
  }

  /**
   * Marks the branch's history after each message its clients send: pglite-socket runs each one
   * through `execProtocolRawStream`, which runs it in full before its first await, so the position
   * read right after it is where that message left the WAL, before any other connection's message
   * runs. Reading it is not a query (walPosition): a client's session, transaction and prepared
   * statements are left exactly as they were.
   */
  #markAfterMessages(cluster: Cluster, db: PGlite): void {
    const run = db.execProtocolRawStream.bind(db);
    db.execProtocolRawStream = (message, options) => {
      const answered = run(message, options);
      this.#mark(cluster, db);
      return answered;
    };
  }

  /** Writes a dump next to the cluster's folder once it is made (it then survives a restart). */
  #keepDump(cluster: Cluster, dump: Promise<Blob>): Promise<Blob> {
    const kept = dump.then(async (blob) => {
      // Still wanted, and not started meanwhile (a start consumes the dump itself).
      if ([...this.#clusters.values()].includes(cluster) && cluster.source === kept) {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        // Removed (or started) while the bytes were read: nothing to keep.
        if (![...this.#clusters.values()].includes(cluster) || cluster.source !== kept) return blob;
        writeFileAtomically(`${cluster.dir}.tar`, bytes);
        cluster.source = "tar";
        this.#save();
      }
      return blob;
    });
    const settled = kept.catch(() => undefined);
    this.#writing.add(settled);
    void settled.then(() => this.#writing.delete(settled));
    return kept;
  }

  /**
   * Records what the API now says the cluster holds. A running database gets new roles at once (its
   * role may create roles, as Neon's may); databases are made, as Postgres's superuser, when one of
   * them is next opened.
   */
  async setContents(key: string, contents: ClusterContents): Promise<void> {
    const cluster = this.#get(key);
    cluster.contents = contents;
    this.#save();
    const running = cluster.running;
    if (running) {
      await this.#syncRoles(cluster, running.db);
      await running.db.runExclusive(async () => this.#mark(cluster, running.db));
    }
  }

  /**
   * The running database `database` of `key`, started if need be (waits for a start in progress),
   * with one more connection counted on it (it is not stopped while counted): call `release` when
   * the connection ends.
   */
  async open(key: string, database: string): Promise<RunningDatabase & { release: () => void }> {
    const cluster = this.#get(key);
    const run = async (): Promise<Running> => {
      if (cluster.running?.database === database) return cluster.running;
      if (cluster.running) {
        if (cluster.running.connections > 0) throw new ClusterBusyError(database, cluster.running.database);
        await this.#stop(cluster);
      }
      await this.#makeRoom(cluster);
      return this.#start(cluster, database);
    };
    // Counted inside the cluster's chain: no stop queued after this start can come between.
    const started = cluster.busy.then(run, run).then((running) => {
      running.connections += 1;
      return running;
    });
    cluster.busy = started.catch(() => undefined);
    const running = await started;
    cluster.lastUsed = this.#now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      running.connections -= 1;
      cluster.lastUsed = this.#now();
    };
    return { database: running.database, port: running.port, release };
  }

  /** The WAL positions the cluster's history spans (its first mark to its last), once it has run. */
  walSpan(key: string): { first: number; last: number } | undefined {
    const marks = this.#clusters.get(key)?.marks;
    return marks ? { first: parseLsn(marks[0]![1])!, last: parseLsn(marks[marks.length - 1]![1])! } : undefined;
  }

  /** Connections counted on the running cluster. */
  connectionCount(key: string): number {
    return this.#clusters.get(key)?.running?.connections ?? 0;
  }

  /** When the cluster last served (a start or a connection), if it is known. */
  lastUsed(key: string): number | undefined {
    return this.#clusters.get(key)?.lastUsed;
  }

  isRunning(key: string): boolean {
    return this.#clusters.get(key)?.running !== undefined;
  }

  runningCount(): number {
    return [...this.#clusters.values()].filter((c) => c.running).length;
  }

  /** Stops a running cluster (its files stay). Open connections are cut by the caller first. */
  async stop(key: string): Promise<void> {
    const cluster = this.#clusters.get(key);
    if (!cluster) return;
    const stop = () => this.#stop(cluster);
    const stopped = cluster.busy.then(stop, stop);
    cluster.busy = stopped.catch(() => undefined);
    await stopped;
  }

  /** Stops and forgets a cluster, removing its files. */
  async remove(key: string): Promise<void> {
    const cluster = this.#clusters.get(key);
    if (!cluster) return;
    await this.stop(key);
    if (this.#clusters.get(key) !== cluster) return;
    this.#clusters.delete(key);
    cluster.marks = undefined; // nothing more is marked in files about to go
    this.#save();
    fs.rmSync(cluster.dir, { recursive: true, force: true });
    fs.rmSync(`${cluster.dir}.tar`, { force: true });
    removeHistory(cluster.dir);
  }

  /** Keys of running clusters with no connection since `idleSinceMs`. */
  idleSince(idleSinceMs: number): string[] {
    return [...this.#clusters].filter(([, c]) => c.running && c.running.connections === 0 && c.lastUsed <= idleSinceMs).map(([k]) => k);
  }

  async close(): Promise<void> {
    await Promise.all(this.#writing);
    for (const key of this.#clusters.keys()) await this.stop(key).catch(() => undefined);
  }

  #add(key: string, contents: ClusterContents): Cluster {
    if (this.#clusters.has(key)) throw new Error(`cluster ${key} already exists`);
    const dir = path.join(this.#root, key.replace(/[^a-z0-9-]+/gi, "_"));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}.tar`, { force: true });
    removeHistory(dir);
    const cluster: Cluster = {
      dir,
      source: undefined,
      databases: new Set(),
      emptyOnOpen: new Set(),
      emptiedAt: new Map(),
      contents,
      synced: undefined,
      running: undefined,
      busy: Promise.resolve(),
      lastUsed: this.#now(),
      marks: undefined,
    };
    this.#clusters.set(key, cluster);
    return cluster;
  }

  #get(key: string): Cluster {
    const cluster = this.#clusters.get(key);
    if (!cluster) throw new Error(`no cluster ${key}`);
    return cluster;
  }

  /** Stops the least recently used idle clusters until one more fits under the cap. */
  async #makeRoom(starting: Cluster): Promise<void> {
    const running = [...this.#clusters.values()].filter((c) => c.running && c !== starting);
    let excess = running.length + 1 - this.#maxRunning;
    for (const cluster of running.filter((c) => c.running!.connections === 0).sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (excess <= 0) break;
      await this.#stop(cluster);
      excess -= 1;
    }
  }

  async #start(cluster: Cluster, database: string): Promise<Running> {
    const source = await loadSource(cluster);
    const owner = cluster.contents.databases.find((d) => d.name === database)?.owner;
    if (owner === undefined && !systemDatabases.has(database)) throw new UnknownDatabaseError(database);
    const hadTar = cluster.source === "tar";
    // Its files are the cluster's data from now on: the manifest says so before the tar goes.
    const loaded = () => {
      cluster.source = undefined;
      this.#save();
      if (hadTar) fs.rmSync(`${cluster.dir}.tar`, { force: true });
    };
    const upToDate = cluster.synced === JSON.stringify(cluster.contents) && cluster.databases.has(database) && !cluster.emptyOnOpen.has(database);
    // A start cut short (a crash, a failed sync) may have left files: the source is loaded whole again.
    if (source) fs.rmSync(cluster.dir, { recursive: true, force: true });
    if (upToDate) {
      // Nothing to make (a branch's copy of a parent that had it all): one start, as the owner.
      const direct = await PGlite.create({ dataDir: cluster.dir, database, username: owner ?? "postgres", startParams, ...(source ? { loadDataDir: source } : {}) });
      loaded();
      return this.#serve(cluster, direct, database);
    }
    // Bring Postgres to what the API says (roles, databases) as its superuser, on a database that exists.
    const adminDatabase = cluster.databases.has(database) ? database : "postgres";
    let db = await PGlite.create({ dataDir: cluster.dir, database: adminDatabase, startParams, ...(source ? { loadDataDir: source } : {}) });
    try {
      await this.#syncContents(cluster, db);
      if (adminDatabase === database) await this.#emptyIfDue(cluster, db, database);
    } catch (err) {
      await db.close();
      throw err;
    }
    await db.close();
    loaded();
    db = await PGlite.create({ dataDir: cluster.dir, database, username: owner ?? "postgres", startParams });
    await this.#emptyIfDue(cluster, db, database);
    return this.#serve(cluster, db, database);
  }

  /** Empties the open database's tables if it is a schema-only copy opened for the first time (once: recorded at once). */
  async #emptyIfDue(cluster: Cluster, db: PGlite, database: string): Promise<void> {
    if (!cluster.emptyOnOpen.has(database)) return;
    await emptyTables(db);
    cluster.emptyOnOpen.delete(database);
    const emptied = walPosition(db);
    if (emptied !== undefined) cluster.emptiedAt.set(database, emptied);
    this.#save();
  }

  /**
   * Puts an open database behind its internal pglite-socket server, its history begun first at its
   * first start, else marked (a start may have written: roles, databases, a schema-only emptying).
   */
  async #serve(cluster: Cluster, db: PGlite, database: string): Promise<Running> {
    try {
      const lsn = walPosition(db);
      if (!cluster.marks && lsn !== undefined) {
        const first: HistoryMark = [this.#now(), lsn];
        beginHistory(cluster.dir, first);
        cluster.marks = [first];
      } else this.#mark(cluster, db);
    } catch (err) {
      await db.close();
      throw err;
    }
    this.#markAfterMessages(cluster, db);
    const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 100 });
    await server.start();
    const port = Number(server.getServerConn().split(":").pop());
    cluster.running = { db, server, database, port, connections: 0 };
    return cluster.running;
  }

  async #syncRoles(cluster: Cluster, db: PGlite, contents: ClusterContents = cluster.contents): Promise<void> {
    const roles = new Set((await db.query<{ rolname: string }>("select rolname from pg_roles")).rows.map((r) => r.rolname));
    for (const role of contents.roles) {
      // As Neon's roles (members of neon_superuser): they may create roles and databases.
      if (!roles.has(role)) await db.exec(`create role ${quoteIdent(role)} login createrole createdb`);
    }
  }

  /** Makes the roles and databases the API lists (as of now: a later change is synced by a later start). */
  async #syncContents(cluster: Cluster, db: PGlite): Promise<void> {
    const contents = cluster.contents;
    await this.#syncRoles(cluster, db, contents);
    const existing = new Set((await db.query<{ datname: string }>("select datname from pg_database")).rows.map((r) => r.datname));
    for (const { name, owner } of contents.databases) {
      if (!existing.has(name)) await db.exec(`create database ${quoteIdent(name)} owner ${quoteIdent(owner)}`);
    }
    const wanted = new Set(contents.databases.map((d) => d.name));
    for (const name of existing) {
      if (!wanted.has(name) && !systemDatabases.has(name) && name !== cluster.running?.database) await db.exec(`drop database ${quoteIdent(name)}`);
    }
    cluster.databases = new Set([...systemDatabases, ...wanted]);
    cluster.synced = JSON.stringify(contents);
  }

  async #stop(cluster: Cluster): Promise<void> {
    const running = cluster.running;
    if (!running) return;
    cluster.running = undefined;
    await running.server.stop();
    await running.db.close();
  }
}

/** The data a cluster's first start loads, if it has not been started yet. */
async function loadSource(cluster: Cluster): Promise<Blob | undefined> {
  if (cluster.source === undefined) return undefined;
  if (cluster.source === "template") return templateDump();
  if (cluster.source === "tar") return new Blob([fs.readFileSync(`${cluster.dir}.tar`)]);
  return cluster.source;
}

/**
 * The position in the parent's WAL a copy is to be made as of, when one was asked for and the
 * parent has history (always replayed then: a write not marked yet cannot slip into the copy).
 */
function pastPosition(marks: readonly HistoryMark[] | undefined, asked: { asOf?: number; atLsn?: string }): string | undefined {
  if (!marks) return undefined;
  if (asked.atLsn !== undefined) return asked.atLsn;
  if (asked.asOf !== undefined) return lsnAsOf(marks, asked.asOf);
  return undefined;
}

/** PGlite's WebAssembly module exports Postgres's own GetFlushRecPtr (a 64-bit position, as a bigint). */
interface WithFlushPosition {
  mod?: { _GetFlushRecPtr?: (timeline: number) => bigint };
}

/**
 * Where the database's WAL is durable up to now: every committed transaction is before it (a
 * commit is flushed before it is acknowledged). Asked of Postgres directly, not by a query, so a
 * client's session is not touched. Undefined if this PGlite does not export it (no history then).
 */
function walPosition(db: PGlite): string | undefined {
  const position = (db as unknown as WithFlushPosition).mod?._GetFlushRecPtr?.(0);
  return typeof position === "bigint" ? formatLsn(Number(position)) : undefined;
}

/** Empties every table of the open database (a schema-only branch keeps the schema, not the rows). */
async function emptyTables(db: PGlite): Promise<void> {
  const tables = await db.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
  );
  if (tables.rows.length > 0) await db.exec(`truncate ${tables.rows.map((t) => t.name).join(", ")} cascade`);
}

export class ClusterBusyError extends Error {
  constructor(wanted: string, open: string) {
    super(`database ${wanted} cannot be opened while database ${open} of the same branch has connections (the local compute serves one database at a time)`);
  }
}

export class UnknownDatabaseError extends Error {
  constructor(database: string) {
    super(`database "${database}" does not exist`);
  }
}
