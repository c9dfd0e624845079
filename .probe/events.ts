import * as fs from "node:fs";
import { locateEngine } from "../runner/engine";
import { startNeonTarget, openTestStack, repoRoot } from "../test/support/engineHarness";
(async () => {
  const engine = (await locateEngine())!;
  const target = await startNeonTarget();
  const stack = await openTestStack({ engine, target, projectDir: repoRoot, config: { "tenant:id": "probe", "tenant:tier": "free", "tenant:checkpoints": ["a"], "tenant:auth": { enabled: true, trustedDomains: ["https://x.example.com"] } } });
  await stack.runner.up();
  stack.setConfig({ "tenant:tier": "paid", "tenant:checkpoints": ["a", "b"], "tenant:activeCheckpoint": "b", "tenant:previewBranches": [{ name: "p1" }], "tenant:auth": { enabled: true, trustedDomains: ["https://y.example.com"] } });
  const events: unknown[] = [];
  await stack.runner.preview({ onEvent: (e) => events.push(e) });
  fs.writeFileSync("/tmp/preview-events.json", JSON.stringify(events, null, 1));
  stack.setConfig({ "tenant:tier": "free", "tenant:region": "aws-eu-central-1", "tenant:previewBranches": [] });
  const ev2: unknown[] = [];
  await stack.runner.preview({ onEvent: (e) => ev2.push(e) });
  fs.writeFileSync("/tmp/preview-events2.json", JSON.stringify(ev2, null, 1));
  stack.remove(); await target.close();
})();
