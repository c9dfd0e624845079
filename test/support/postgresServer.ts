/**
 * A throwaway PostgreSQL server (Debian's PostgreSQL 15 binaries) for tests that keep Pulumi state
 * in PostgreSQL through Pulumi's DIY backend, as a platform team shares state across CI runners.
 * `initdb` refuses to run as root, so as root the cluster is made and run as the `postgres` user,
 * in a temporary folder it owns. Postgres cannot take port 0: a free loopback port is picked just
 * before it starts. `stop()` ends the server by its pid and removes the folder.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The folder of Debian's PostgreSQL binaries (the newest installed), or undefined. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], "bin") : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  if (!bin) throw new Error("PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql)");
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-state-pg-"));
  fs.chmodSync(dir, 0o700);
  const dataDir = path.join(dir, "data");
  if (asRoot) spawnSync("chown", ["-R", "postgres:postgres", dir]);
  const command = (file: string, args: string[]): [string, string[]] => (asRoot ? ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, ...args]] : [file, args]);
  const [initCmd, initArgs] = command(path.join(bin, "initdb"), ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const init = spawnSync(initCmd, initArgs, { encoding: "utf8" });
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const [serverCmd, serverArgs] = command(path.join(bin, "postgres"), ["-D", dataDir, "-k", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
  // setpriv execs the server in place (same pid), so the pid is the server's.
  const server: ChildProcess = spawn(serverCmd, serverArgs, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr!.setEncoding("utf8").on("data", (c: string) => (log = (log + c).slice(-4000)));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
      server.kill("SIGINT"); // fast shutdown
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const ready = await new Promise<boolean>((resolve) => {
    const onLog = () => {
      if (/ready to accept connections/.test(log)) done(true);
    };
    const done = (ok: boolean) => {
      server.stderr!.off("data", onLog);
      server.off("exit", onExit);
      resolve(ok);
    };
    const onExit = () => done(false);
    server.stderr!.on("data", onLog);
    server.once("exit", onExit);
  });
  if (!ready) {
    await stop();
    throw new Error(`PostgreSQL did not start: ${log}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`, pid: server.pid!, stop };
}
