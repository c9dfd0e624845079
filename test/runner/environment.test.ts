/**
 * The environment every engine run gets, and what the runner refuses before starting one: a
 * shared backend without the team's passphrase (a passphrase made for a throwaway state folder
 * would leave the backend's secrets unreadable once that folder is gone).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineEnvironment, localPassphrase, runnerPaths } from "../../runner/environment";
import { StackSetupError } from "../../runner/errors";
import { packageRoot } from "../../runner/packageRoot";
import { openStack } from "../../runner/stack";
import type { Engine } from "../../runner/engine";

/** Never reached: the refusals come before the engine is used. */
const unusedEngine = { command: {}, version: "0", source: "path", pathEntries: [] } as unknown as Engine;

describe("the runner's environment", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-runner-env-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps everything in the state folder: a file backend, PULUMI_HOME, a passphrase made once (0600)", () => {
    const paths = runnerPaths(dir);
    const first = localPassphrase(paths);
    assert.equal(localPassphrase(paths), first, "the same passphrase the next time");
    assert.ok(first.length >= 32);
    assert.equal(fs.statSync(paths.passphraseFile).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir), ["passphrase"], "no partial files left");
    const env = engineEnvironment(paths, first, { NEON_API_KEY: "k" });
    assert.equal(env.PULUMI_BACKEND_URL, `file://${path.join(dir, "backend")}`);
    assert.equal(env.PULUMI_CONFIG_PASSPHRASE, first);
    assert.equal(env.PULUMI_SKIP_UPDATE_CHECK, "true");
    assert.equal(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
    assert.equal(env.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true");
    assert.equal(env.NEON_API_KEY, "k");
    assert.equal(paths.pulumiHome, path.join(dir, "home"));
  });

  it("refuses an emptied passphrase file instead of encrypting with an empty passphrase", () => {
    const paths = runnerPaths(dir);
    fs.writeFileSync(paths.passphraseFile, "");
    assert.throws(() => localPassphrase(paths), (err: Error) => err instanceof StackSetupError && /is empty/.test(err.message));
  });

  for (const [what, env] of [
    ["no passphrase", {}],
    ["an empty one (an unset CI secret)", { PULUMI_CONFIG_PASSPHRASE: "" }],
  ] as const) {
    it(`refuses a shared backend with ${what}, before running anything, without showing the backend's credentials`, async () => {
      await assert.rejects(
        openStack({ engine: unusedEngine, stateDir: dir, backendUrl: "postgres://user:secret@db.example.com/state", env: { ...env } }, { projectDir: packageRoot(), stackName: "acme" }),
        (err: Error) => {
          assert.ok(err instanceof StackSetupError);
          assert.match(err.message, /is not this state folder's own: give its passphrase in PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
          assert.doesNotMatch(err.message, /secret/);
          return true;
        },
      );
      assert.ok(!fs.existsSync(path.join(dir, "passphrase")), "no passphrase was made for it");
    });
  }
});
