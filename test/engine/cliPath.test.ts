/**
 * The other way to run the tenant project: `pulumi preview -s <stack>` with the CLI's Node.js
 * language host running `stacks/index.ts` itself, as a user with the Pulumi CLI does. Our machines
 * cannot run it: the language host (`pulumi-language-nodejs`) ships with Pulumi's release archives,
 * and its Go module is not served by the module proxy here. So it runs only where that host is on
 * PATH, and says why it did not run otherwise. Every entry point is typechecked by `npm run build`
 * either way.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { Engine } from "../../runner/engine";
import { changedResources, openTestStack, repoRoot, requireEngine, startNeonTarget, type NeonTarget, type TestStack } from "../support/engineHarness";

function languageHostOnPath(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v pulumi-language-nodejs"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

describe("the tenant project through the Pulumi CLI's own Node.js language host", function () {
  this.timeout(180_000);
  let engine: Engine;
  let target: NeonTarget | undefined;
  let stack: TestStack | undefined;

  before(async function () {
    const host = languageHostOnPath();
    if (!host) {
      process.stdout.write(
        "      (not run: no pulumi-language-nodejs on PATH. It comes with Pulumi's release archives, which cannot be\n" +
          "       downloaded here, and its Go module is not served by the module proxy; the same program runs inline above)\n",
      );
      this.skip();
    }
    engine = await requireEngine();
    target = await startNeonTarget();
    stack = await openTestStack({ engine, target, projectDir: repoRoot, config: { "tenant:name": `cli-${Date.now().toString(36)}` }, languageHost: true });
  });

  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it("previews the same five resources the inline program creates", async () => {
    const preview = await stack!.run((o) => stack!.runner.preview(o));
    assert.deepEqual(Object.keys(changedResources(preview.steps)).sort(), ["auth", "checkpoint", "compute", "data-api", "project"]);
  });
});

describe("the runner's language-host mode where the host is missing", function () {
  this.timeout(60_000);
  let target: NeonTarget | undefined;
  let stack: TestStack | undefined;

  before(async function () {
    if (languageHostOnPath()) this.skip(); // covered by the suite above
    target = await startNeonTarget();
    stack = await openTestStack({ engine: await requireEngine(), target, projectDir: repoRoot, config: {}, languageHost: true });
  });

  after(async () => {
    stack?.remove();
    await target?.close();
  });

  it("hands the program to the CLI, which asks for pulumi-language-nodejs (so the mode is really the CLI path)", async () => {
    await assert.rejects(stack!.runner.preview(), /pulumi-language-nodejs|language plugin/i);
    assert.deepEqual(target!.requestsSince(0), [], "nothing reached Neon");
  });
});
