import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { CliUsageError, isHelpRequest, parseCliOptions } from "../../emulator/cli";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

const repoRoot = resolve(__dirname, "../..");

describe("local Neon API: command line", () => {
  describe("parseCliOptions", () => {
    it("defaults to port 4010 on 127.0.0.1 with Neon's rate limits", () => {
      assert.deepEqual(parseCliOptions([]), {
        port: 4010,
        host: "127.0.0.1",
        apiKey: undefined,
        stateFile: undefined,
        operationDelayMs: undefined,
        rateLimit: {},
      });
    });

    it("reads every option", () => {
      const options = parseCliOptions([
        "--port", "0",
        "--host", "0.0.0.0",
        "--api-key", "k",
        "--state-file", "/tmp/s.json",
        "--operation-delay-ms", "5",
        "--rate-limit", "100",
        "--rate-limit-per-route", "7",
      ]);
      assert.deepEqual(options, {
        port: 0,
        host: "0.0.0.0",
        apiKey: "k",
        stateFile: "/tmp/s.json",
        operationDelayMs: 5,
        rateLimit: { perMinute: 100, perSecondPerRoute: 7 },
      });
      assert.equal(parseCliOptions(["--no-rate-limit"]).rateLimit, false);
      assert.equal(parseCliOptions(["--port=65535"]).port, 65535);
      assert.equal(parseCliOptions([]).dataPlane, undefined);
      assert.deepEqual(parseCliOptions(["--data-plane"]).dataPlane, {});
      assert.deepEqual(parseCliOptions(["--data-plane", "--postgres-port", "5433", "--max-running", "2"]).dataPlane, { port: 5433, maxRunning: 2 });
    });

    const bad: [string[], RegExp][] = [
      [["--postgres-port", "5433"], /--postgres-port and --max-running need --data-plane/],
      [["--data-plane", "--max-running", "0"], /--max-running must be between 1 and 1000, got 0/],
      [["--port", "abc"], /--port must be a whole number, got "abc"/],
      [["--port", "-1"], /--port/],
      [["--port", "65536"], /--port must be between 0 and 65535, got 65536/],
      [["--port"], /--port/],
      [["--operation-delay-ms", "1.5"], /--operation-delay-ms must be a whole number/],
      [["--rate-limit", "0"], /--rate-limit must be between 1 and/],
      [["--rate-limit", "5", "--no-rate-limit"], /give --rate-limit or --no-rate-limit, not both/],
      [["--rate-limit-per-route", "5", "--no-rate-limit"], /--rate-limit-per-route or --no-rate-limit/],
      [["--api-key", " "], /--api-key must not be empty/],
      [["--prot", "4010"], /--prot/],
      [["serve"], /serve/],
    ];
    for (const [argv, message] of bad) {
      it(`refuses ${argv.join(" ")} with a CliUsageError naming the flag`, () => {
        assert.throws(() => parseCliOptions(argv), (err: Error) => {
          assert.ok(err instanceof CliUsageError, `got ${err.name}: ${err.message}`);
          assert.match(err.message, message);
          return true;
        });
      });
    }

    it("recognises a request for help", () => {
      assert.equal(isHelpRequest(["--help"]), true);
      assert.equal(isHelpRequest(["--port", "1", "-h"]), true);
      assert.equal(isHelpRequest(["--port", "1"]), false);
    });
  });

  describe("the neon-local process", function () {
    // Each run starts Node with ts-node: allow for a slow machine.
    this.timeout(30_000);
    const children: ChildProcess[] = [];
    let dir: string;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), "neon-local-cli-"));
    });
    after(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });

    function spawnCli(args: string[]): ChildProcess {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      return child;
    }

    function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stderr })));
    }

    /** The first stdout line, or a failure with stderr if the process exits first. */
    function firstLine(child: ChildProcess, exit: Promise<{ code: number | null; stderr: string }>): Promise<string> {
      const lines = createInterface({ input: child.stdout! });
      return Promise.race([
        new Promise<string>((resolve) => lines.once("line", resolve)),
        exit.then(({ code, stderr }) => assert.fail(`neon-local exited (${code}) before printing its address: ${stderr}`)),
      ]);
    }

    it("listens on the real port for --port 0, serves authenticated requests, and exits 0 on SIGINT", async () => {
      const child = spawnCli(["--port", "0", "--api-key", "k", "--operation-delay-ms", "5", "--no-rate-limit"]);
      const exit = exited(child);
      const line = await firstLine(child, exit);
      const m = /^neon-local listening on (http:\/\/127\.0\.0\.1:(\d+)\/api\/v2) api-key k$/.exec(line);
      assert.ok(m, `unexpected first line: ${line}`);
      const port = Number(m[2]);
      assert.ok(port > 0 && port < 65536);
      const neon = { url: m[1], apiKey: "k" };

      assert.equal((await call(neon, "GET", "/auth")).status, 200);
      assert.equal((await call({ ...neon, apiKey: "wrong" }, "GET", "/auth")).status, 401);
      const created = await call(neon, "POST", "/projects", { project: { name: "from-cli" } });
      assert.equal(created.status, 201);
      const listed = await call(neon, "GET", "/projects");
      assert.deepEqual(listed.body.projects.map((p: any) => p.name), ["from-cli"]);

      child.kill("SIGINT");
      const { code, signal } = await exit;
      assert.equal(signal, null);
      assert.equal(code, 0);
    });

    it("saves the state file when stopped with SIGTERM", async () => {
      const stateFile = join(dir, "cli-state.json");
      const child = spawnCli(["--port", "0", "--api-key", "k", "--state-file", stateFile, "--no-rate-limit"]);
      const exit = exited(child);
      const url = /listening on (\S+)/.exec(await firstLine(child, exit))![1];
      const id = (await call({ url, apiKey: "k" }, "POST", "/projects", { project: { name: "persisted" } })).body.project.id;
      child.kill("SIGTERM");
      assert.equal((await exit).code, 0);
      assert.equal(JSON.parse(readFileSync(stateFile, "utf8")).projects[id].project.name, "persisted");
    });

    describe("short runs (started together, since each pays for Node and ts-node starting)", () => {
      type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
      const runs = new Map<string, Promise<Run>>();
      let busy: NeonLocal;

      function runToExit(args: string[]): Promise<Run> {
        const child = spawnCli(args);
        let stdout = "";
        child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
        return exited(child).then((r) => ({ ...r, stdout }));
      }

      before(async () => {
        busy = await startTestNeon();
        const corrupt = join(dir, "corrupt.json");
        writeFileSync(corrupt, "{oops");
        runs.set("--port abc", runToExit(["--port", "abc"]));
        runs.set("--rate-limit 5 --no-rate-limit", runToExit(["--rate-limit", "5", "--no-rate-limit"]));
        runs.set("--port 0 --frobnicate", runToExit(["--port", "0", "--frobnicate"]));
        runs.set("port taken", runToExit(["--port", String(busy.port), "--no-rate-limit"]));
        runs.set("corrupt state", runToExit(["--port", "0", "--state-file", corrupt]));
        runs.set("--help", runToExit(["--help"]));
      });
      after(() => busy.close());

      for (const [args, flag] of [
        ["--port abc", "--port"],
        ["--rate-limit 5 --no-rate-limit", "--rate-limit"],
        ["--port 0 --frobnicate", "--frobnicate"],
      ] as const) {
        it(`exits 2 with a message naming ${flag} for: ${args}`, async () => {
          const { code, stderr } = await runs.get(args)!;
          assert.equal(code, 2, stderr);
          assert.ok(stderr.startsWith("neon-local: "), stderr);
          assert.ok(stderr.includes(flag), stderr);
          assert.match(stderr, /usage: neon-local/);
        });
      }

      it("exits 1 with a clear message when the port is taken", async () => {
        const { code, stderr } = await runs.get("port taken")!;
        assert.equal(code, 1);
        assert.match(stderr, /^neon-local: .*EADDRINUSE/);
      });

      it("exits 1 with a clear message, not a stack trace, when the state file is corrupt", async () => {
        const { code, stderr } = await runs.get("corrupt state")!;
        assert.equal(code, 1);
        assert.match(stderr, /^neon-local: state file .*corrupt\.json is not valid JSON/);
        assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
      });

      it("prints the usage with --help and exits 0", async () => {
        const { code, signal, stdout, stderr } = await runs.get("--help")!;
        assert.equal(code, 0, `${signal} ${stderr}`);
        assert.match(stdout, /^usage: neon-local --port <p>/);
      });
    });
  });
});
