/**
 * Every CLI command the runner starts that runs the program (preview, up, refresh, destroy: the
 * ones that start plugins) runs in a process group of its own, so that nothing it started outlives
 * it. The Pulumi CLI starts plugins (the dynamic provider's Node process among
 * them); when the CLI is killed (SIGKILL, a crashed runner host), those plugins live on (measured:
 * still running half an hour later, ~127 MB each) and may even finish a create later (issue 13).
 *
 * The Automation API spawns the CLI itself and exposes neither its process id nor spawn options,
 * so the runner gives it a launcher in place of the CLI: a small Node script that starts the real
 * CLI in a session of its own (`detached`: a new session and process group), records its pid
 * (`NEON_PULUMI_PID_FILE`), forwards SIGINT/SIGTERM (the Automation API's cancel), and when the CLI
 * exits, however it exits, ends what is left of its session. The CLI puts each plugin in a process
 * group of its own (so that a terminal's Ctrl-C reaches only the CLI), but in the CLI's session:
 * on Linux the launcher finds them there (/proc); elsewhere it ends the CLI's group only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { writeFileIfChanged } from "./files";

/** The environment variable naming the file the launcher writes the CLI's pid to (removed when it exits). */
export const enginePidFileVariable = "NEON_PULUMI_PID_FILE";

function launcherSource(realCommand: string): string {
  return `#!/usr/bin/env node
// Written by neon-pulumi-dynamic's runner (runner/processGroup.ts): runs the Pulumi CLI in a
// process group of its own and ends what is left of the group when the CLI exits.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const { constants } = require("node:os");
const pidFile = process.env.${enginePidFileVariable};
const child = spawn(${JSON.stringify(realCommand)}, process.argv.slice(2), { stdio: "inherit", detached: true });
child.on("error", (err) => {
  process.stderr.write(String(err && err.message) + "\\n");
  process.exit(127);
});
if (pidFile && child.pid) fs.writeFileSync(pidFile, String(child.pid));
const forward = (signal) => {
  try { process.kill(child.pid, signal); } catch {}
};
process.on("SIGINT", () => forward("SIGINT"));
process.on("SIGTERM", () => forward("SIGTERM"));
// Every process of the CLI's session (its plugins sit in groups of their own within it).
const sessionMembers = () => {
  let entries = [];
  try { entries = fs.readdirSync("/proc"); } catch { return []; }
  const members = [];
  for (const entry of entries) {
    if (!/^\\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync("/proc/" + entry + "/stat", "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) === child.pid && fields[0] !== "Z") members.push(Number(entry));
    } catch {}
  }
  return members;
};
child.on("exit", (code, signal) => {
  try { process.kill(-child.pid, "SIGKILL"); } catch {}
  // Until the session is empty (a process may be starting one more as the first ones die), for
  // at most two seconds: the caller can then rely on nothing being left.
  let rounds = 0;
  const sweep = () => {
    const left = sessionMembers();
    if (left.length > 0 && rounds++ < 100) {
      for (const pid of left) {
        try { process.kill(pid, "SIGKILL"); } catch {}
      }
      setTimeout(sweep, 20);
      return;
    }
    if (pidFile) { try { fs.rmSync(pidFile, { force: true }); } catch {} }
    process.exit(code !== null ? code : 128 + (constants.signals[signal] || 1));
  };
  sweep();
});
`;
}

/**
 * `command` with every CLI command started through the launcher (written into `launcherDir`).
 * Not on Windows, which has no process groups: there the command is returned as it is.
 */
export function groupedEngineCommand(command: PulumiCommand, launcherDir: string): PulumiCommand {
  if (process.platform === "win32") return command;
  const launcher = path.join(launcherDir, "pulumi-in-own-group");
  writeFileIfChanged(launcher, launcherSource(command.command), 0o755);
  const grouped = Object.create(command) as PulumiCommand;
  Object.defineProperty(grouped, "command", { value: launcher, enumerable: true });
  return grouped;
}

/** The pid of the CLI command running now (from the launcher's file), if one runs. */
export function runningEnginePid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
