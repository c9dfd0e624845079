/**
 * `isolation:role` picks the program's part; `isolation:meetingDir` is a folder both stacks see.
 * - "steady": says it is running (a file), then waits until the other has rejected, then ends
 *   with an output. Running in the same process as the other, its update would fail with the
 *   other's rejection (the Automation API's handlers are process-wide).
 * - "rejecting": waits until the steady one runs, then leaves a promise rejected and unhandled.
 * The waits watch for files, so the two overlap whatever the machine's speed, with no timing.
 * - "plain": ends at once with an output; "broken": throws (the CLI's fleet test, with the
 *   committed stack files Pulumi.cli-*.yaml); "leaky": throws with `isolation:leak` in its message
 *   (a secret a careless program puts in an error).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

function fileAppears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!fs.existsSync(file)) return false;
      clearInterval(timer);
      resolve();
      return true;
    };
    const timer = setInterval(check, 20);
    check();
  });
}

export = async () => {
  const config = new pulumi.Config("isolation");
  const role = config.require("role");
  if (role === "plain") return { role };
  if (role === "broken") throw new Error("tenant program bug: broken on purpose");
  if (role === "leaky") throw new Error(`tenant program bug: leaked ${config.require("leak")}`);
  const meetingDir = config.require("meetingDir");
  const running = path.join(meetingDir, "steady-is-running");
  const rejected = path.join(meetingDir, "rejected");
  if (role === "rejecting") {
    await fileAppears(running);
    void Promise.reject(new Error("tenant program bug: a promise nobody awaited was rejected"));
    // Give the rejection a turn to be reported before saying it happened.
    await new Promise((resolve) => setImmediate(resolve));
    fs.writeFileSync(rejected, "");
    return { role: "rejecting" };
  }
  fs.writeFileSync(running, "");
  await fileAppears(rejected);
  return { role: "steady" };
};
