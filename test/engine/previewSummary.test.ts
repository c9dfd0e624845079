/**
 * PR preview summaries of previews the real engine produced: three tenant stacks changed the way
 * a pull request changes them (a paid tenant gains a checkpoint, makes it active and opens a
 * preview branch; a free tenant moves region, which replaces its project; a new tenant's config is
 * wrong), their engine events saved as a workflow's preview jobs save them, and the CLI rendering
 * one comment from them and posting it to a fake GitHub API. Also the CLI previewing a committed
 * stack itself (`preview-summary --stack dev`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Engine } from "../../runner/engine";
import { previewStack, writeSavedPreviews, type SavedPreview } from "../../runner/summary/collect";
import { summaryMarker } from "../../runner/summary/render";
import { openTestStack, repoRoot, requireEngine, runCli, startNeonTarget, type NeonTarget, type StackConfig, type TestStack, skipRestAfterFailure } from "../support/engineHarness";

describe("PR preview summaries of real engine previews", function () {
  this.timeout(240_000);
  skipRestAfterFailure();
  let engine: Engine;
  let target: NeonTarget;
  let workDir: string;
  const stacks: TestStack[] = [];
  let github: Server;
  let githubUrl: string;
  const posted: { method: string; path: string; body?: string }[] = [];
  const comments: { id: number; body: string; user: { login: string } }[] = [];
  let secretsInPlay: string[] = [];

  async function tenantStack(name: string, config: StackConfig): Promise<TestStack> {
    const stack = await openTestStack({ engine, target, projectDir: repoRoot, stackName: name, config: { "tenant:id": `${name}-${Date.now().toString(36)}`, ...config } });
    stacks.push(stack);
    return stack;
  }

  const savedPreview = (stack: TestStack): Promise<SavedPreview> => previewStack(stack.runner);

  before(async () => {
    engine = await requireEngine();
    target = await startNeonTarget();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-preview-summary-"));
    github = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const url = new URL(req.url!, "http://localhost");
        posted.push({ method: req.method!, path: url.pathname, ...(raw ? { body: JSON.parse(raw).body } : {}) });
        if (req.method === "GET") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(comments));
        if (req.method === "POST") comments.push({ id: comments.length + 1, body: JSON.parse(raw).body, user: { login: "github-actions[bot]" } });
        if (req.method === "PATCH") comments.find((c) => url.pathname.endsWith(`/${c.id}`))!.body = JSON.parse(raw).body;
        res.writeHead(req.method === "POST" ? 201 : 200).end("{}");
      });
    });
    await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
    githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const stack of stacks) stack.remove();
    fs.rmSync(workDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => github?.close(() => resolve()));
    await target?.close();
  });

  it("renders one comment for the three stacks from their saved events and posts it once, with data loss first and no secret", async () => {
    const acme = await tenantStack("acme", { "tenant:tier": "paid", "tenant:checkpoints": ["baseline"], "tenant:auth": { enabled: true, trustedDomains: ["https://acme.example.com"] } });
    const globex = await tenantStack("globex", { "tenant:tier": "free" });
    await acme.runner.up();
    await globex.runner.up();
    const outputs = { ...(await acme.runner.outputs()), ...Object.fromEntries(Object.entries(await globex.runner.outputs()).map(([k, v]) => [`globex-${k}`, v])) };
    secretsInPlay = Object.values(outputs).filter((o) => o.secret && typeof o.value === "string").map((o) => o.value as string);
    assert.ok(secretsInPlay.length >= 4);

    acme.setConfig({
      "tenant:checkpoints": ["baseline", "nightly"],
      "tenant:activeCheckpoint": "nightly",
      "tenant:previewBranches": [{ name: "pr-7", ttl: "2d" }],
      "tenant:auth": { enabled: true, trustedDomains: ["https://acme.example.com", "https://app.acme.example.com"] },
    });
    globex.setConfig({ "tenant:region": "aws-eu-central-1" });
    const broken = await tenantStack("broken", { "tenant:tier": "gold" });

    const saved = [await savedPreview(acme), await savedPreview(globex), await savedPreview(broken)];
    const dir = path.join(workDir, "events");
    writeSavedPreviews(dir, saved);

    const run = await runCli(["preview-summary", "--events", dir, "--output", path.join(workDir, "comment.md"), "--post", "--pull-request", "7"], {
      GITHUB_TOKEN: "ghs_token_for_test",
      GITHUB_REPOSITORY: "acme/tenants",
      GITHUB_API_URL: githubUrl,
    });
    assert.equal(run.code, 1, `a failed preview fails the command:\n${run.stderr}`);
    assert.match(run.stderr, /pull request comment: created/);
    const body = fs.readFileSync(path.join(workDir, "comment.md"), "utf8");
    assert.equal(comments.length, 1);
    assert.equal(comments[0].body, body);

    assert.ok(body.startsWith(summaryMarker));
    assert.match(body, /## Pulumi preview of 3 tenant stacks/);
    assert.match(body, /2 with changes, 0 without, \*\*1 failed\*\*\./);
    assert.match(body, /\| acme \| 3 \| 1 \|  \|  \| \d+ \| changes \|/);
    assert.match(body, /\| globex \|  \|  \| 1 \|  \| \d+ \| :warning: data loss \|/);
    assert.match(body, /\| broken \|  \|  \|  \|  \| 0 \| :x: failed \|/);
    assert.match(body, /### :warning: Data loss: 1 deletion or replacement\n/);
    assert.match(body, /- \*\*globex\*\*: \*\*replace\*\* `NeonProject` `project` \(`[\w-]+`\) because of `regionId`/);
    assert.match(body, /- \*\*broken\*\*: the preview failed\n  ````?text\n  the tenant spec is not valid:\n    - tenant:tier: must be one of free, paid, got "gold"\n  ````?\n/);
    assert.doesNotMatch(body, /Unhandled exception|\s+at \S+ \(/, "no stack trace, no duplicate of the error");
    assert.doesNotMatch(body, /Undefined value/, "the program exports no undefined outputs");
    assert.match(body, /<details><summary>acme: 3 to create, 1 to update<\/summary>/);
    assert.match(body, /\+ restoreDefaultBranch: true/);
    assert.match(body, /\+ branchId: \(known after the update\)/, "an id not known yet is said so");
    assert.match(body, /! trustedDomains: \["https:\/\/acme\.example\.com"\] → \["https:\/\/acme\.example\.com","https:\/\/app\.acme\.example\.com"\]/);
    assert.match(body, /- \*\*create\*\* `Branch` `preview-pr-7`/);
    assert.doesNotMatch(body, /__provider|__declared|\u001b/);
    for (const secret of secretsInPlay) assert.ok(!body.includes(secret), "a secret output is in the comment");
    assert.ok(posted.every((p) => p.method === "GET" || p.path === "/repos/acme/tenants/issues/7/comments"));
  });

  it("after the changes are applied and the bad config fixed, updates the same comment to say there are no changes", async () => {
    const [acme, globex, broken] = stacks;
    globex.setConfig({ "tenant:region": undefined });
    broken.setConfig({ "tenant:tier": "free" });
    const ups = [await acme.run((o) => acme.runner.up(o)), await broken.run((o) => broken.runner.up(o))];
    const saved = [await savedPreview(acme), await savedPreview(globex), await savedPreview(broken)];
    for (const preview of saved) {
      const changes = (preview.events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges ?? {}) as Record<string, number>;
      const changed = Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0);
      assert.deepEqual(changed, [], `${preview.stack} has changes after its update:\n${ups.map((u) => u.output).join("\n")}`);
    }
    const dir = path.join(workDir, "events-2");
    writeSavedPreviews(dir, saved);
    const run = await runCli(["preview-summary", "--events", dir, "--post", "--pull-request", "7"], {
      GITHUB_TOKEN: "ghs_token_for_test",
      GITHUB_REPOSITORY: "acme/tenants",
      GITHUB_API_URL: githubUrl,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /pull request comment: updated/);
    assert.equal(comments.length, 1, "still one comment");
    assert.match(comments[0].body, /0 with changes, 3 without\./);
    assert.doesNotMatch(comments[0].body, /Data loss|### Changes/);
  });

  it("previews the committed stacks itself (preview-summary --stack …) and prints the comment", async () => {
    const run = await runCli(["preview-summary", "--stack", "dev", "--stack", "acme", "--stack", "globex", "--state-dir", path.join(workDir, "cli-state")], {
      ...target.env,
      PULUMI_BACKEND_URL: `file://${path.join(workDir, "cli-backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.startsWith(summaryMarker));
    assert.match(run.stdout, /## Pulumi preview of 3 tenant stacks/);
    assert.match(run.stdout, /\| dev \| 7 \|/);
    assert.match(run.stdout, /\| acme \| 8 \|/);
    assert.match(run.stdout, /\| globex \| 2 \|/);
    assert.match(run.stdout, /- \*\*create\*\* `NeonProject` `project`/);
    assert.ok(!fs.existsSync(path.join(repoRoot, ".neon-pulumi")), "state stays in --state-dir");
  });
});
