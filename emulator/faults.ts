/**
 * Fault injection, explicit and typed. A fault matches requests by method, path (template such as
 * `/projects/{project_id}/branches`, or a concrete path) and/or operationId, and fires a number of
 * times or with a probability. Operation faults make the next operations of a project end
 * failed/error or run slowly. Invalid fault definitions are rejected, never silently ignored.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { OperationPlan } from "./operations";

const faultMatch = z
  .object({
    method: z.enum(["GET", "POST", "PATCH", "PUT", "DELETE"]).optional(),
    path: z.string().startsWith("/").optional(),
    operationId: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => m.method !== undefined || m.path !== undefined || m.operationId !== undefined, {
    message: "must name at least one of method, path, operationId",
  });

const faultAction = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("status"),
      status: z.union([z.literal(423), z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
      retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
      message: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal("delay"), ms: z.number().int().min(0).max(600000) }).strict(),
  /** The connection is destroyed before anything is done. */
  z.object({ kind: z.literal("drop") }).strict(),
  /** The request is carried out, then the connection is destroyed before the response: the ambiguous write. */
  z.object({ kind: z.literal("commit_then_drop") }).strict(),
  /**
   * The request waits, its body read, until it is released (`FaultController.release`, or the
   * admin route), then goes on as `then` says: answered normally, dropped without being carried out,
   * or carried out with the answer dropped. Lets a test stop a client at a chosen point (kill the
   * engine while its create is held) without any real wait.
   */
  z.object({ kind: z.literal("hold"), then: z.enum(["continue", "drop", "commit_then_drop"]).default("continue") }).strict(),
]);

export const faultSpecSchema = z
  .object({
    match: faultMatch,
    action: faultAction,
    times: z.number().int().min(1).optional(),
    probability: z.number().gt(0).max(1).optional(),
  })
  .strict()
  .refine((f) => !(f.times !== undefined && f.probability !== undefined), { message: "give times or probability, not both" });

export const operationFaultSchema = z
  .object({
    projectId: z.string().min(1).optional(),
    count: z.number().int().min(1).default(1),
    outcome: z.enum(["failed", "error", "slow"]),
    /** For `slow`: how many times longer than usual the operations take. */
    factor: z.number().gt(1).max(1000).optional(),
  })
  .strict()
  .refine((f) => (f.outcome === "slow") === (f.factor !== undefined), { message: "factor is required for slow, and only for slow" });

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type FaultAction = z.infer<typeof faultAction>;
export type OperationFaultSpec = z.input<typeof operationFaultSchema>;

export interface ActiveFault {
  id: string;
  spec: z.infer<typeof faultSpecSchema>;
  remaining: number | undefined;
  fired: number;
}

interface ActiveOperationFault {
  id: string;
  spec: z.infer<typeof operationFaultSchema>;
  remaining: number;
}

export class InvalidFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidFaultError";
  }
}

function parseFault<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join(".");
  throw new InvalidFaultError(`invalid ${what}${field ? ` at ${field}` : ""}: ${issue.message}`);
}

/** How a held request's wait ended. */
export type HoldEnd = "released" | "abandoned";

/** A request held by a `hold` fault. */
export interface HeldRequest {
  id: string;
  method: string;
  path: string;
}

export interface FaultRequest {
  method: string;
  path: string;
  routeTemplate?: string;
  operationId?: string;
}

export class FaultController {
  private faults: ActiveFault[] = [];
  private operationFaults: ActiveOperationFault[] = [];
  private held = new Map<string, { request: HeldRequest; release: (how: HoldEnd) => void }>();
  private holdWaiters: { resolve: (request: HeldRequest) => void; reject: (err: Error) => void }[] = [];
  /** Held requests already handed to a `nextHeld()` caller. */
  private claimed = new Set<string>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a request fault; returns its id. Throws InvalidFaultError for a bad definition. */
  add(spec: FaultSpec): string {
    const parsed = parseFault(faultSpecSchema, spec, "fault");
    const id = randomUUID();
    this.faults.push({ id, spec: parsed, remaining: parsed.probability === undefined ? parsed.times ?? 1 : parsed.times, fired: 0 });
    return id;
  }

  /** Makes the next `count` operations (of one project, or any) end `failed` or `error`. */
  failNextOperations(projectId: string | undefined, options: { count?: number; status: "failed" | "error" }): string {
    return this.addOperationFault({ projectId, count: options.count ?? 1, outcome: options.status });
  }

  /** Makes the next `count` operations take `factor` times longer. */
  slowNextOperations(projectId: string | undefined, options: { count?: number; factor: number }): string {
    return this.addOperationFault({ projectId, count: options.count ?? 1, outcome: "slow", factor: options.factor });
  }

  addOperationFault(spec: OperationFaultSpec): string {
    const parsed = parseFault(operationFaultSchema, spec, "operation fault");
    const id = randomUUID();
    this.operationFaults.push({ id, spec: parsed, remaining: parsed.count });
    return id;
  }

  remove(id: string): boolean {
    const before = this.faults.length + this.operationFaults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    this.operationFaults = this.operationFaults.filter((f) => f.id !== id);
    return this.faults.length + this.operationFaults.length < before;
  }

  clear(): void {
    this.faults = [];
    this.operationFaults = [];
  }

  /**
   * Holds a request (the server calls this for a `hold` fault) until it is released (it goes on as
   * its fault says) or abandoned (the server closes: it is dropped, nothing carried out).
   */
  hold(method: string, path: string): Promise<HoldEnd> {
    const request: HeldRequest = { id: randomUUID(), method, path };
    return new Promise((release) => {
      this.held.set(request.id, { request, release });
      const waiter = this.holdWaiters.shift();
      waiter?.resolve(request);
    });
  }

  /** The requests held now, oldest first. */
  heldRequests(): HeldRequest[] {
    return [...this.held.values()].map((h) => ({ ...h.request }));
  }

  /** The next request to be held (or the oldest held now that no one has waited for yet). */
  nextHeld(): Promise<HeldRequest> {
    const unclaimed = [...this.held.values()].find((h) => !this.claimed.has(h.request.id));
    if (unclaimed) {
      this.claimed.add(unclaimed.request.id);
      return Promise.resolve({ ...unclaimed.request });
    }
    return new Promise((resolve, reject) =>
      this.holdWaiters.push({
        resolve: (request) => {
          this.claimed.add(request.id);
          resolve({ ...request });
        },
        reject,
      }),
    );
  }

  /** Lets a held request go on (as its fault's `then` says). False when no such request is held. */
  release(id: string, how: HoldEnd = "released"): boolean {
    const held = this.held.get(id);
    if (!held) return false;
    this.held.delete(id);
    this.claimed.delete(id);
    held.release(how);
    return true;
  }

  /** Lets every held request go on (a test's `afterEach()`). */
  releaseAll(): void {
    for (const id of [...this.held.keys()]) this.release(id);
  }

  /** The server closes: held requests are dropped without being carried out, and no one waits for another. */
  abandonHolds(): void {
    for (const id of [...this.held.keys()]) this.release(id, "abandoned");
    for (const waiter of this.holdWaiters.splice(0)) waiter.reject(new Error("the local Neon API closed: no request will be held"));
  }

  list(): { requests: ActiveFault[]; operations: ActiveOperationFault[] } {
    return { requests: this.faults.map((f) => ({ ...f })), operations: this.operationFaults.map((f) => ({ ...f })) };
  }

  /** The first matching fault that fires for this request, consuming one use of it. */
  take(req: FaultRequest): FaultAction | undefined {
    for (const fault of this.faults) {
      const m = fault.spec.match;
      if (m.method !== undefined && m.method !== req.method) continue;
      if (m.operationId !== undefined && m.operationId !== req.operationId) continue;
      if (m.path !== undefined && m.path !== req.path && m.path !== req.routeTemplate) continue;
      if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
      fault.fired++;
      if (fault.remaining !== undefined) {
        fault.remaining--;
        if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      }
      return fault.spec.action;
    }
    return undefined;
  }

  /** Where the operation faults stand now; calling the result puts them back there (a request that failed). */
  operationFaultsSavepoint(): () => void {
    const saved = this.operationFaults.map((f) => ({ ...f }));
    return () => {
      this.operationFaults = saved;
    };
  }

  nextOperationPlan(projectId: string): OperationPlan {
    const fault = this.operationFaults.find((f) => f.spec.projectId === undefined || f.spec.projectId === projectId);
    if (!fault) return { outcome: "finished", durationFactor: 1 };
    fault.remaining--;
    if (fault.remaining <= 0) this.operationFaults = this.operationFaults.filter((f) => f !== fault);
    if (fault.spec.outcome === "slow") return { outcome: "finished", durationFactor: fault.spec.factor ?? 1 };
    return { outcome: fault.spec.outcome, durationFactor: 1 };
  }
}
