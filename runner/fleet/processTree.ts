/**
 * Memory and CPU of process trees, read from Linux's /proc: the fleet measures each stack's process
 * (its Pulumi CLI and the provider processes the CLI starts are its descendants) and the whole run.
 * Node reports only its own process's figures; nothing else on npm reads a tree without native code.
 * Elsewhere than Linux there is no /proc: the figures are then absent, never made up.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

export interface ProcessSample {
  readonly pid: number;
  readonly ppid: number;
  readonly rssBytes: number;
  /** User + system CPU of the process itself, and of its children that ended and were waited for. */
  readonly cpuMs: number;
  readonly childrenCpuMs: number;
}

/** Clock ticks in /proc's CPU fields: USER_HZ, 100 on every Linux ABI (the kernel's HZ is hidden from userspace). */
const msPerTick = 10;

/** One line of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")". */
export function parseStat(line: string, pageBytes: number): ProcessSample | undefined {
  const close = line.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number(line.slice(0, line.indexOf(" ")));
  // From field 3 (state) on: index 0 = state, 1 = ppid, 11 = utime, 12 = stime, 13 = cutime, 14 = cstime, 21 = rss.
  const fields = line.slice(close + 2).trim().split(" ");
  if (fields.length < 22 || !Number.isInteger(pid)) return undefined;
  const n = (i: number) => Number(fields[i]);
  return { pid, ppid: n(1), rssBytes: n(21) * pageBytes, cpuMs: (n(11) + n(12)) * msPerTick, childrenCpuMs: (n(13) + n(14)) * msPerTick };
}

let pageBytesCache: number | undefined;
function pageBytes(): number {
  if (pageBytesCache === undefined) {
    try {
      pageBytesCache = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim()) || 4096;
    } catch {
      pageBytesCache = 4096;
    }
  }
  return pageBytesCache;
}

/** Every process this user can see now ([] without /proc). */
export function readProcesses(): ProcessSample[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const size = pageBytes();
  const samples: ProcessSample[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const sample = parseStat(fs.readFileSync(`/proc/${entry}/stat`, "utf8"), size);
      if (sample) samples.push(sample);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return samples;
}

/** The processes grouped by their parent's pid. */
export function childrenByParent(processes: readonly ProcessSample[]): Map<number, ProcessSample[]> {
  const grouped = new Map<number, ProcessSample[]>();
  for (const p of processes) {
    const siblings = grouped.get(p.ppid);
    if (siblings) siblings.push(p);
    else grouped.set(p.ppid, [p]);
  }
  return grouped;
}

/**
 * `root` and all its descendants among `processes` (empty when `root` is not there). Reading several
 * trees from one sample, group the sample once and pass `children`.
 */
export function treeOf(
  root: number,
  processes: readonly ProcessSample[],
  children: ReadonlyMap<number, readonly ProcessSample[]> = childrenByParent(processes),
): ProcessSample[] {
  const start = processes.find((p) => p.pid === root);
  if (!start) return [];
  const tree: ProcessSample[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

export const residentBytes = (processes: readonly ProcessSample[]): number => processes.reduce((sum, p) => sum + p.rssBytes, 0);

/**
 * CPU this process used, and all the processes it started that have ended (each waits for its own:
 * the Automation API for the CLI, the CLI for its plugins), in milliseconds; undefined without /proc.
 */
export function ownAndChildrenCpuMs(): number | undefined {
  try {
    const self = parseStat(fs.readFileSync("/proc/self/stat", "utf8"), 1);
    return self ? self.cpuMs + self.childrenCpuMs : undefined;
  } catch {
    return undefined;
  }
}
