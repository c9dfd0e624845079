/**
 * Stale locks of Pulumi's DIY backends (file, S3, PostgreSQL…). The CLI takes a lock file per
 * update; an engine that is killed leaves it, and every later update then fails with "the stack is
 * currently locked". The runner removes a lock only when it is provably stale: taken on this host
 * by a process that is no longer running. A lock from another host, or from a live process, is
 * never touched: the error says whose it is and what to do.
 *
 * The holders are read from the file backend's lock files before anything else is done; on other
 * DIY backends, whose lock files are not reachable without the backend's driver, from the CLI's own
 * "locked" error message, which names each lock's user, host, pid and time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { StackLockedError } from "../errors";

export interface LockHolder {
  user: string;
  host: string;
  pid: number;
  /** When the lock was taken, as the CLI wrote it (RFC 3339). */
  at: string;
}

/** The holders named in a "stack is currently locked" error; undefined when the message is not one. */
export function lockHoldersIn(message: string): LockHolder[] | undefined {
  if (!/the stack is currently locked by \d+ lock\(s\)/.test(message)) return undefined;
  const holders: LockHolder[] = [];
  for (const m of message.matchAll(/: created by (.*?)@([^@\s]+) \(pid (\d+)\) at (\S+)/g)) {
    holders.push({ user: m[1], host: m[2], pid: Number(m[3]), at: m[4] });
  }
  return holders;
}

/** The holders of a file backend's lock folder (`<id>.json` each; the blob store's `.attrs` beside them). */
export function readLockFiles(lockDir: string): LockHolder[] {
  let names: string[];
  try {
    names = fs.readdirSync(lockDir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const holders: LockHolder[] = [];
  for (const name of names) {
    try {
      const lock = JSON.parse(fs.readFileSync(`${lockDir}/${name}`, "utf8")) as { pid?: number; username?: string; hostname?: string; timestamp?: string };
      holders.push({ user: lock.username ?? "", host: lock.hostname ?? "", pid: Number(lock.pid), at: lock.timestamp ?? "" });
    } catch {
      // removed while we looked, or being written: the CLI will say so when it tries to lock
    }
  }
  return holders;
}

/** Whether the lock can go: taken on this host, by a process that is gone. */
export function isStaleLock(holder: LockHolder, thisHost: string, running: (pid: number) => boolean): boolean {
  return holder.host === thisHost && !running(holder.pid);
}

/**
 * Whether a Pulumi CLI runs with this pid. A pid the kernel gave to another program since (whose
 * command is not `pulumi`) does not count.
 */
export function pulumiProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "pulumi";
  } catch {
    return true; // no /proc (not Linux): a live pid is taken as the CLI
  }
}

/** Returns when every holder is stale (its locks may go); else throws StackLockedError saying whose they are. */
export function assertLocksStale(stack: string, holders: readonly LockHolder[], cause?: unknown): void {
  const host = os.hostname();
  if (holders.length > 0 && holders.every((h) => isStaleLock(h, host, pulumiProcessRunning))) return;
  throw new StackLockedError(liveLockMessage(stack, holders, host), cause === undefined ? undefined : { cause });
}

/** Why a lock was left alone, and what the user can do. */
export function liveLockMessage(stack: string, holders: readonly LockHolder[], thisHost: string): string {
  const described = holders.map((h) => `${h.user}@${h.host} (pid ${h.pid}, since ${h.at})${h.host === thisHost ? ", still running" : ", on another host"}`);
  return (
    `stack ${stack} is locked by an update that may still be running: ${described.join("; ")}. ` +
    "Wait for it to end. If you know it is gone (its machine was lost), run `pulumi cancel` for the stack, then run again."
  );
}
