/**
 * What `npm start` prints about a run and how it reads its arguments: outputs with secrets
 * masked unless asked for, a change summary, and a clear error naming a bad flag.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { hasNoChanges, maskedSecret, renderChangeSummary, renderOutputs } from "../../runner/report";
import { parseStartOptions, StartUsageError } from "../../runner/start";

describe("the runner's report of a run", () => {
  const outputs = {
    projectId: { value: "holy-hill-123", secret: false },
    databaseUrl: { value: "postgresql://u:npg_secret@ep-x/db", secret: true },
    previewBranchIds: { value: { "pr-17": "br-a" }, secret: false },
  };

  it("masks secret outputs unless secrets are to be shown, and lists outputs by name", () => {
    const masked = renderOutputs(outputs, false);
    assert.ok(!masked.includes("npg_secret"));
    assert.deepEqual(masked.split("\n").map((l) => l.trim().split(/\s+/)[0]), ["databaseUrl", "previewBranchIds", "projectId"]);
    assert.match(masked, new RegExp(`databaseUrl\\s+${maskedSecret.replace(/[[\]]/g, "\\$&")}`));
    assert.match(masked, /previewBranchIds\s+\{"pr-17":"br-a"\}/);
    assert.match(renderOutputs(outputs, true), /databaseUrl\s+postgresql:\/\/u:npg_secret@ep-x\/db/);
    assert.equal(renderOutputs({}, false), "(no outputs)");
  });

  it("summarises changes, and knows a run that changed nothing", () => {
    assert.equal(renderChangeSummary({ same: 7 }), "no changes (7 unchanged)");
    assert.equal(renderChangeSummary({ create: 2, update: 1, same: 4 }), "2 created, 1 updated, 4 unchanged");
    assert.equal(renderChangeSummary({ delete: 1 }), "1 deleted");
    assert.equal(hasNoChanges({ same: 7 }), true);
    assert.equal(hasNoChanges({ same: 6, update: 1 }), false);
    assert.equal(hasNoChanges(undefined), true);
  });
});

describe("npm start's arguments", () => {
  const root = "/repo";

  it("defaults to the dev stack on port 4010, Postgres on 5433, state in .neon-local and Neon's 300 ms operations", () => {
    assert.deepEqual(parseStartOptions([], root), {
      once: false,
      showSecrets: false,
      stack: "dev",
      port: 4010,
      postgresPort: 5433,
      stateDir: path.resolve(root, ".neon-local"),
      operationDelayMs: 300,
    });
    const options = parseStartOptions(
      ["--once", "--show-secrets", "--stack", "acme", "--port", "0", "--postgres-port", "0", "--state-dir", "/tmp/x", "--operation-delay-ms", "20"],
      root,
    );
    assert.deepEqual(options, { once: true, showSecrets: true, stack: "acme", port: 0, postgresPort: 0, stateDir: "/tmp/x", operationDelayMs: 20 });
  });

  for (const [argv, message] of [
    [["--prot", "1"], /Unknown option '--prot'/],
    [["--port", "70000"], /--port must be a whole number from 0 to 65535, got "70000"/],
    [["--port", "-1"], /--port/],
    [["--postgres-port", "5432x"], /--postgres-port must be a whole number from 0 to 65535, got "5432x"/],
    [["--stack", "a/b"], /--stack must be a stack name/],
    [["--state-dir", " "], /--state-dir must not be empty/],
    [["--operation-delay-ms", "1.5"], /--operation-delay-ms must be a whole number/],
  ] as const) {
    it(`refuses ${argv.join(" ")} naming the flag`, () => {
      assert.throws(() => parseStartOptions([...argv], root), (err: Error) => err instanceof StartUsageError && (message as RegExp).test(err.message));
    });
  }
});
