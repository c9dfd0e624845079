/**
 * What a platform's backend calls when a user signs up, upgrades or leaves: create or update that
 * user's stack from the user's record, or destroy it. Each user is one Pulumi stack of this project
 * (`user-<id>`), its config written from code into the runner's state folder (never into a
 * checkout), and applied through the real engine with the runner's public API.
 *
 *   const databases = userDatabases({ stateDir: "/var/lib/user-databases", env: { NEON_API_KEY } });
 *   const { databaseUrl } = await databases.provision({ id: "u42", plan: "free" });
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ensureEngine, openStack, renderChangeSummary, type Engine, type RunnerStack } from "neon-pulumi-dynamic/runner";

export interface UserRecord {
  /** The platform's user id: lower-case letters, digits and '-'. */
  readonly id: string;
  readonly plan: "free" | "paid";
  /** Give the user's app the Data API (with Neon Auth). Default false. */
  readonly dataApi?: boolean;
}

export interface ProvisionedDatabase {
  readonly projectId: string;
  /** Secret: hand it to the user's app, never log it. */
  readonly databaseUrl: string;
  readonly dataApiUrl?: string;
  /** What the update did, e.g. `4 created` or `no changes (4 unchanged)`. */
  readonly changes: string;
}

export interface UserDatabases {
  provision(user: UserRecord): Promise<ProvisionedDatabase>;
  /** Destroys the user's database and forgets the stack. */
  deprovision(userId: string): Promise<void>;
}

export interface UserDatabasesOptions {
  /** The runner's state folder (file backend, config copies); one per platform. */
  readonly stateDir: string;
  /** NEON_API_KEY (and NEON_API_HOST) for the providers; a PULUMI_CONFIG_PASSPHRASE of yours if you have one. */
  readonly env?: Record<string, string>;
  /** A shared backend (`s3://…`, `postgres://…`) instead of the state folder's own. */
  readonly backendUrl?: string;
  /** Engine progress (a cold engine build takes minutes). */
  readonly onProgress?: (line: string) => void;
}

const projectDir = __dirname;

export function userDatabases(options: UserDatabasesOptions): UserDatabases {
  let engine: Promise<Engine> | undefined;
  /** Updates of one user run one after another (Pulumi would refuse a second one while the first runs). */
  const queues = new Map<string, Promise<unknown>>();
  const serially = <T>(userId: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(userId) ?? Promise.resolve()).catch(() => undefined).then(work);
    queues.set(userId, next);
    return next;
  };

  const stackOf = async (userId: string): Promise<RunnerStack> => {
    assertUserId(userId);
    engine ??= ensureEngine(options.onProgress ?? (() => undefined));
    const configFile = path.join(options.stateDir, "users", `Pulumi.user-${userId}.yaml`);
    if (!fs.existsSync(configFile)) throw new Error(`user ${userId} has no database`);
    return openStack(
      { engine: await engine, stateDir: options.stateDir, env: options.env ?? {}, ...(options.backendUrl ? { backendUrl: options.backendUrl } : {}) },
      { projectDir, stackName: `user-${userId}`, configFile },
    );
  };

  return {
    provision: (user) =>
      serially(user.id, async () => {
        assertUserId(user.id); // before the id becomes part of a file name
        const configFile = path.join(options.stateDir, "users", `Pulumi.user-${user.id}.yaml`);
        fs.mkdirSync(path.dirname(configFile), { recursive: true });
        fs.writeFileSync(configFile, stringify({ config: tenantConfig(user) }));
        const stack = await stackOf(user.id);
        const result = await stack.up();
        return {
          projectId: result.outputs.projectId.value,
          databaseUrl: result.outputs.databaseUrl.value,
          ...(result.outputs.dataApiUrl ? { dataApiUrl: result.outputs.dataApiUrl.value } : {}),
          changes: renderChangeSummary(result.summary.resourceChanges),
        };
      }),
    deprovision: (userId) =>
      serially(userId, async () => {
        assertUserId(userId);
        const configFile = path.join(options.stateDir, "users", `Pulumi.user-${userId}.yaml`);
        if (fs.existsSync(configFile) && (parse(fs.readFileSync(configFile, "utf8"))?.config?.["tenant:tier"] ?? "free") === "paid") {
          // A paid tenant is protected as a whole: deleting its data must be a decision, not a side effect.
          throw new Error(`user ${userId} is on the paid plan, whose database is protected from deletion: provision it as free first, then deprovision`);
        }
        const stack = await stackOf(userId);
        await stack.destroy();
        await stack.remove();
        fs.rmSync(path.join(options.stateDir, "users", `Pulumi.user-${userId}.yaml`), { force: true });
      }),
  };
}

function assertUserId(userId: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(userId)) throw new Error(`user id must be lower-case letters, digits and '-' (at most 41), got "${userId}"`);
}

/** A user's record as tenant config: the plan is the tier; the Data API comes with Neon Auth. */
export function tenantConfig(user: UserRecord): Record<string, unknown> {
  return {
    "tenant:id": `user-${user.id}`,
    "tenant:tier": user.plan,
    ...(user.dataApi ? { "tenant:auth": { enabled: true }, "tenant:dataApi": { enabled: true } } : {}),
  };
}
