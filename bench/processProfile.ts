/**
 * CPU by kind of process while something runs: every descendant of this process is read from
 * /proc every 50 ms and its CPU kept as last seen (a process that ends loses at most its last
 * 50 ms). Kinds come from the command line: the runner's Node process (the Automation API, the
 * program, the serializing of providers), the Pulumi CLI, the launcher that keeps the CLI in a
 * process group, and the dynamic-provider host the CLI starts.
 */
import * as fs from "node:fs";
import { readProcesses, treeOf } from "../runner/fleet/processTree";

export const stackProcessKind = "stack process (Automation API, program, provider serialization)";
export const processKinds = [stackProcessKind, "Pulumi CLI", "launcher", "dynamic-provider host", "other"] as const;
export type ProcessKind = (typeof processKinds)[number];

export function kindOf(commandLine: string): ProcessKind {
  if (/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(commandLine)) return "dynamic-provider host";
  if (/pulumi-in-own-group/.test(commandLine)) return "launcher";
  if (/(^|\/)pulumi /.test(commandLine)) return "Pulumi CLI";
  if (/fleet\/worker/.test(commandLine)) return stackProcessKind;
  return "other";
}

export async function profileDescendants<T>(run: () => Promise<T>): Promise<{ result: T; cpuMsByKind: Map<ProcessKind, number> }> {
  const seen = new Map<number, { kind: ProcessKind; cpuMs: number }>();
  const sample = () => {
    for (const p of treeOf(process.pid, readProcesses())) {
      if (p.pid === process.pid) continue;
      let entry = seen.get(p.pid);
      if (!entry) {
        let commandLine = "";
        try {
          commandLine = fs.readFileSync(`/proc/${p.pid}/cmdline`, "utf8").replace(/\0/g, " ");
        } catch {
          continue;
        }
        entry = { kind: kindOf(commandLine), cpuMs: 0 };
        seen.set(p.pid, entry);
      }
      entry.cpuMs = Math.max(entry.cpuMs, p.cpuMs);
    }
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await run();
    const cpuMsByKind = new Map<ProcessKind, number>();
    for (const { kind, cpuMs } of seen.values()) cpuMsByKind.set(kind, (cpuMsByKind.get(kind) ?? 0) + cpuMs);
    return { result, cpuMsByKind };
  } finally {
    clearInterval(timer);
  }
}
