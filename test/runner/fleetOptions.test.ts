/** runFleet refuses options it cannot run, naming the one that is wrong, before it starts anything. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Engine } from "../../runner/engine";
import { runFleet, type FleetOptions } from "../../runner/fleet";

describe("fleet options", () => {
  // Never used: every case is refused before a process starts.
  const engine = { command: { command: "/nonexistent/pulumi" }, version: "3.0.0", source: "built", pathEntries: [] } as unknown as Engine;
  const stateDir = path.join(os.tmpdir(), `fleet-options-${process.pid}`);
  const base: FleetOptions = { projectDir: ".", command: "up", concurrency: 2, stacks: [{ stackName: "a" }, { stackName: "b" }] };
  after(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  const cases: [string, Partial<FleetOptions>, RegExp][] = [
    ["an unknown command", { command: "import" as never }, /command must be one of preview, up, refresh, destroy, got "import"/],
    ["no concurrency", { concurrency: 0 }, /concurrency must be a whole number of at least 1, got 0/],
    ["a fractional concurrency", { concurrency: 1.5 }, /concurrency must be a whole number/],
    ["a stack twice", { stacks: [{ stackName: "a" }, { stackName: "a" }] }, /stacks: a is given twice/],
    ["an empty stack name", { stacks: [{ stackName: "" }] }, /stacks: "" is not a stack name/],
    ["a stack name with a slash", { stacks: [{ stackName: "org/a" }] }, /stacks: "org\/a" is not a stack name/],
    ["sampling every millisecond", { sampleEveryMs: 1 }, /sampleEveryMs must be a number of milliseconds of at least 10, got 1/],
  ];
  for (const [what, change, message] of cases) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(runFleet({ engine, stateDir }, { ...base, ...change }), message);
      assert.equal(fs.existsSync(stateDir), false, "nothing was started or written");
    });
  }
});
