/**
 * The environment every engine run gets: offline and non-interactive, with nothing read from or
 * written to the user's own Pulumi setup. Each variable is documented in docs/engine.md.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { StackSetupError } from "./errors";

export interface RunnerPaths {
  /** The runner's own folder: file backend, PULUMI_HOME, passphrase, stack config copies. */
  readonly stateDir: string;
  /** `file://<stateDir>/backend` unless a backend URL is given. */
  readonly backendUrl: string;
  /** The file backend's folder, when the backend is a local folder. */
  readonly backendDir?: string;
  readonly pulumiHome: string;
  readonly passphraseFile: string;
  /** Where the runner keeps the stack config files the CLI reads (`--config-file`). */
  readonly configDir: string;
}

export function runnerPaths(stateDir: string, backendUrl?: string): RunnerPaths {
  const absolute = path.resolve(stateDir);
  const backendDir = backendUrl === undefined ? path.join(absolute, "backend") : fileBackendDir(backendUrl);
  return {
    stateDir: absolute,
    backendUrl: backendUrl ?? `file://${backendDir}`,
    ...(backendDir !== undefined ? { backendDir } : {}),
    pulumiHome: path.join(absolute, "home"),
    passphraseFile: path.join(absolute, "passphrase"),
    configDir: path.join(absolute, "config"),
  };
}

function fileBackendDir(url: string): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  const rest = url.slice("file://".length).replace(/\?.*$/, "");
  return rest.startsWith("~") ? undefined : path.resolve(rest);
}

/**
 * The passphrase that encrypts this state folder's secrets: made once (random, file mode 0600)
 * and kept beside the state it protects, so repeated local runs can decrypt their own state.
 */
export function localPassphrase(paths: RunnerPaths): string {
  fs.mkdirSync(paths.stateDir, { recursive: true });
  // Written whole, then linked into place: a second process sees no file or the whole passphrase,
  // never an empty one it would encrypt with.
  const partial = `${paths.passphraseFile}.${process.pid}.partial`;
  fs.writeFileSync(partial, randomBytes(24).toString("base64url"), { mode: 0o600 });
  try {
    fs.linkSync(partial, paths.passphraseFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(partial, { force: true });
  }
  const passphrase = fs.readFileSync(paths.passphraseFile, "utf8").trim();
  if (passphrase === "") throw new StackSetupError(`${paths.passphraseFile} is empty: delete it (and the state it protected) or put the passphrase back`);
  return passphrase;
}

/**
 * - `PULUMI_BACKEND_URL`: the state backend (a folder of ours unless told otherwise): no login.
 * - `PULUMI_CONFIG_PASSPHRASE`: the passphrase secrets provider, so nothing prompts; set
 *   explicitly so a passphrase in the user's shell cannot be picked up for our state.
 * - `PULUMI_SKIP_UPDATE_CHECK`: no call home for a newer CLI.
 * - `PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION`: never download plugins; the only one needed,
 *   the dynamic-provider launcher, is beside the CLI.
 * - `PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER`: a stack config file without an `encryptionsalt`
 *   uses the one recorded in the stack's state, so committed stack files need no salt.
 * - `PULUMI_HOME` is set by the workspace (`pulumiHome`): plugins, workspace files and
 *   credentials stay in the state folder, apart from the user's `~/.pulumi`.
 */
export function engineEnvironment(paths: RunnerPaths, passphrase: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: paths.backendUrl,
    ...(passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: passphrase } : {}),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
    ...extra,
  };
}
