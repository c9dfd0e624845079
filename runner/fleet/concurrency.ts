/**
 * How many stacks a fleet runs at once, and the least time the run can take. Pure, but for
 * thisMachine(), which reads the machine the plan is for.
 *
 * Three things bound a fleet, each measured per stack by running one alone (the calibration):
 * - **cores**: a stack's engine, program and provider processes keep cpuMs/wallMs of a core busy
 *   while it runs; past cores × wallMs / cpuMs stacks at once they only queue for the CPU (and
 *   every extra process costs memory and switching).
 * - **memory**: each stack's process tree peaks at peakRssBytes; a fleet stays within a share of
 *   the memory available so that the machine never swaps.
 * - **Neon's rate limit**: a stack sends `requests` in wallMs; limit / (requests / wallMs) stacks
 *   at once keep the limit busy. Rounded up, like the cores: a fleet that falls short of the limit
 *   loses time for good, while the few requests over it wait for a 429's Retry-After and go (the
 *   client retries 429s, which Neon refuses before doing anything).
 * The concurrency is the least of the three (and of the number of stacks), and the run is named
 * after the bound that set it.
 */
import * as os from "node:os";

export interface StackCost {
  /** CPU of one stack's update, everything it started included. */
  readonly cpuMs: number;
  /** Wall time of one stack's update alone. */
  readonly wallMs: number;
  readonly peakRssBytes: number;
  /** Neon API requests one stack's update sends (429s excluded). */
  readonly requests: number;
}

/**
 * One tenant stack's first `up` (a project with its compute, Neon Auth, the Data API, two
 * checkpoints, a preview branch with its compute) as `npm run bench:fleet` calibrates it on a
 * 2-core machine: what the CLI plans with when it has not measured the stacks it runs.
 */
export const typicalTenantCost: StackCost = { cpuMs: 10_000, wallMs: 10_600, peakRssBytes: 510 * 2 ** 20, requests: 17 };

export interface Machine {
  readonly cores: number;
  readonly availableMemoryBytes: number;
}

/**
 * The machine this process runs on: its cores, and the memory available (`MemAvailable` on Linux,
 * which is what os.freemem() reads there). Not a container's cgroup limits.
 */
export function thisMachine(): Machine {
  return { cores: os.availableParallelism(), availableMemoryBytes: os.freemem() };
}

export interface RateLimit {
  /** Requests in any rolling minute (Neon's: 700, scaled by the run's time factor). */
  readonly perMinute: number;
}

export type FleetBound = "cores" | "memory" | "rate" | "stacks";

export interface FleetPlan {
  readonly concurrency: number;
  readonly bound: FleetBound;
  /** Each bound's concurrency, for the report. */
  readonly byBound: Readonly<Record<FleetBound, number>>;
}

/** The share of available memory a fleet may fill: the rest is the system's and the page cache's. */
export const memoryShare = 0.75;

/** Every figure finite and not negative; the stack count and the cores whole numbers of at least 1. */
function checkFigures(stacks: number, cost: StackCost, machine: Machine, rate: RateLimit): void {
  for (const [name, value] of Object.entries({ ...cost, ...machine, perMinute: rate.perMinute })) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number of at least 0, got ${value}`);
  }
  if (!Number.isInteger(stacks) || stacks < 1) throw new RangeError(`stacks must be a whole number of at least 1, got ${stacks}`);
  if (!Number.isInteger(machine.cores) || machine.cores < 1) throw new RangeError(`cores must be a whole number of at least 1, got ${machine.cores}`);
}

export function planFleet(stacks: number, cost: StackCost, machine: Machine, rate: RateLimit): FleetPlan {
  checkFigures(stacks, cost, machine, rate);
  const atLeastOne = (n: number) => Math.max(1, Math.floor(n));
  const byBound: Record<FleetBound, number> = {
    cores: cost.cpuMs > 0 ? atLeastOne(Math.ceil((machine.cores * cost.wallMs) / cost.cpuMs)) : stacks,
    memory: cost.peakRssBytes > 0 ? atLeastOne((machine.availableMemoryBytes * memoryShare) / cost.peakRssBytes) : stacks,
    rate: cost.requests > 0 && rate.perMinute > 0 ? atLeastOne(Math.ceil((rate.perMinute / 60_000) * (cost.wallMs / cost.requests))) : stacks,
    stacks,
  };
  // Ties go to the first named: the machine's own limits before Neon's, and any before the count.
  const order: FleetBound[] = ["cores", "memory", "rate", "stacks"];
  const bound = order.reduce((best, b) => (byBound[b] < byBound[best] ? b : best), order[0]);
  return { concurrency: byBound[bound], bound, byBound };
}

export interface LowerBound {
  readonly ms: number;
  readonly bound: "cpu" | "rate" | "one stack";
  readonly byBound: Readonly<Record<"cpu" | "rate" | "one stack", number>>;
}

/**
 * The least wall time N stacks can take: all their CPU spread over every core; all their requests
 * through a sliding window of perMinute per minute (the k-th request can go no earlier than
 * floor((k − 1) / perMinute) minutes in); and never less than one stack alone.
 */
export function fleetLowerBound(stacks: number, cost: StackCost, machine: Machine, rate: RateLimit): LowerBound {
  checkFigures(stacks, cost, machine, rate);
  // A count of requests: `requests` may be a measured average, whose product is off by a rounding error.
  const total = Math.round(stacks * cost.requests);
  const byBound = {
    cpu: (stacks * cost.cpuMs) / machine.cores,
    rate: total > 0 && rate.perMinute > 0 ? Math.floor((total - 1) / rate.perMinute) * 60_000 : 0,
    "one stack": cost.wallMs,
  };
  const bound = (Object.keys(byBound) as (keyof typeof byBound)[]).reduce((best, b) => (byBound[b] > byBound[best] ? b : best));
  return { ms: byBound[bound], bound, byBound };
}
