/**
 * The local Neon API: a server that follows Neon's official OpenAPI document, for tests, demos and
 * `npm start`. `startNeonLocal()` runs one in-process and returns what tests need to drive it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { systemClock, type Clock } from "./clock";
import { FaultController } from "./faults";
import { newDevelopmentApiKey } from "./ids";
import { loadState, StateSaver } from "./persistence";
import { neonRateLimits, RateLimiter, type RateLimitSettings } from "./rateLimit";
import { defaultOrganizations, initialState, type OrganizationSeed } from "./seed";
import { answerMalformedRequest, apiPrefix, createRequestListener, type Exchange, type RequestLogEntry } from "./server";
import type { NeonLocalState } from "./store";
import { World } from "./world";
import { DataPlane, type DataPlaneOptions } from "./dataPlane";

export interface NeonLocalOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; tests and the CLI default to 127.0.0.1. */
  host?: string;
  /** The Bearer key clients must send; a development key is generated when omitted. */
  apiKey?: string;
  /** Keep the state in this JSON file (loaded at start, saved atomically after changes). */
  stateFile?: string;
  /** How long each Neon operation takes from creation to `finished`, in ms. Default 300. */
  operationDelayMs?: number;
  /** Neon's limits by default; `false` switches rate limiting off. */
  rateLimit?: false | Partial<RateLimitSettings>;
  /** The time source; pass a ManualClock to move operations and rate limits forward without waiting. */
  clock?: Clock;
  /** Organizations the account belongs to (default: a sponsored free-plan one and a paid one). */
  organizations?: OrganizationSeed[];
  /** How many of the most recent requests `requestLog` keeps. Default 10 000. */
  requestLogLimit?: number;
  /** Larger request bodies are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Random numbers in [0, 1) for faults that fire with a probability; inject one to make them deterministic. */
  random?: () => number;
  /** Called with every request/response pair (the conformance suite validates them). */
  onExchange?: (exchange: Exchange) => void;
  /**
   * Serve every branch as a real Postgres database (PGlite) behind one loopback port, and make
   * connection URIs point there. Off by default: the API alone starts in milliseconds; this costs
   * seconds and memory per running branch. `true` or the data plane's options. With `stateFile`,
   * the data is kept beside it (`state.json` → `state.data/`) and survives a restart.
   */
  dataPlane?: boolean | DataPlaneOptions;
}

export interface NeonLocal {
  /** Base URL of the API, `http://127.0.0.1:<port>/api/v2`. */
  url: string;
  /** The origin, for the admin routes under /__neon_local. */
  origin: string;
  apiKey: string;
  port: number;
  faults: FaultController;
  requestLog: RequestLogEntry[];
  clock: Clock;
  /** The live state (read it in tests; change it only through the API). */
  state(): NeonLocalState;
  /** The data plane, when `dataPlane` was asked for. */
  dataPlane: DataPlane | undefined;
  close(): Promise<void>;
}

export async function startNeonLocal(options: NeonLocalOptions = {}): Promise<NeonLocal> {
  const clock = options.clock ?? systemClock;
  const operationDelayMs = options.operationDelayMs ?? 300;
  if (!Number.isFinite(operationDelayMs) || operationDelayMs < 0) throw new RangeError(`operationDelayMs must be ≥ 0, got ${operationDelayMs}`);
  const requestLogLimit = options.requestLogLimit ?? 10_000;
  if (!Number.isInteger(requestLogLimit) || requestLogLimit < 0) throw new RangeError(`requestLogLimit must be a whole number ≥ 0, got ${requestLogLimit}`);
  const apiKey = options.apiKey ?? newDevelopmentApiKey();
  const faults = new FaultController(options.random);
  const state = (options.stateFile ? loadState(options.stateFile) : undefined) ?? initialState(clock.now(), options.organizations ?? defaultOrganizations);
  const world = new World(state, {
    clock,
    operationDelayMs,
    hostDomain: "neon.tech",
    nextOperationPlan: (projectId) => faults.nextOperationPlan(projectId),
  });
  const saver = options.stateFile ? new StateSaver(options.stateFile, () => world.state) : undefined;
  saver?.flush();
  const rateLimiter =
    options.rateLimit === false ? undefined : new RateLimiter({ ...neonRateLimits, ...(options.rateLimit ?? {}) }, clock);
  const requestLog: RequestLogEntry[] = [];
  const stateChanged = () => {
    world.dirty = true;
    saver?.schedule();
  };
  const dataPlane = options.dataPlane ? await DataPlane.start(() => world.state, () => clock.now(), stateChanged, dataPlaneOptions(options)) : undefined;
  world.postgresAddress = dataPlane?.address;
  world.walHistory = dataPlane && ((projectId, branchId) => dataPlane.walHistory(projectId, branchId));

  const server: Server = createServer(
    createRequestListener({
      world,
      apiKey,
      faults,
      rateLimiter,
      requestLog,
      requestLogLimit,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      onExchange: options.onExchange,
      onMutation: () => {
        dataPlane?.reconcile();
        saver?.schedule();
      },
      admin: { faults, requestLog, clock },
    }),
  );
  server.keepAliveTimeout = 10_000;
  server.on("clientError", answerMalformedRequest);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await dataPlane?.close(); // its port and folder are not left behind
    throw err;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const origin = `http://${hostForUrl}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url: `${origin}${apiPrefix}`,
    origin,
    apiKey,
    port: address.port,
    faults,
    requestLog,
    clock,
    state: () => world.state,
    dataPlane,
    close() {
      faults.abandonHolds(); // a held request must not outlive the server, nor be carried out after it
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })
        .then(() => saver?.flush())
        .then(() => dataPlane?.close());
      return closed;
    },
  };
}

/** The data plane's options; with a state file, its data is kept beside it (`state.json` → `state.data/`). */
function dataPlaneOptions(options: NeonLocalOptions): DataPlaneOptions {
  const asked = options.dataPlane === true || options.dataPlane === undefined || options.dataPlane === false ? {} : options.dataPlane;
  if (asked.dataDir !== undefined || options.stateFile === undefined) return asked;
  const file = path.resolve(options.stateFile);
  return { ...asked, dataDir: path.join(path.dirname(file), `${path.basename(file, ".json")}.data`) };
}

export { ManualClock, systemClock, type Clock } from "./clock";
export { FaultController, InvalidFaultError, type FaultSpec, type FaultAction, type HeldRequest, type OperationFaultSpec } from "./faults";
export type { Exchange, RequestLogEntry } from "./server";
export type { NeonLocalState } from "./store";
export { defaultOrganizations, regions, type OrganizationSeed } from "./seed";
export { neonRateLimits, type RateLimitSettings } from "./rateLimit";
export { DataPlane, type DataPlaneOptions } from "./dataPlane";
