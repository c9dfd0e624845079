import { locateEngine } from "../runner/engine";
import { startNeonTarget, openTestStack, repoRoot } from "../test/support/engineHarness";
(async () => {
  const engine = (await locateEngine())!;
  const target = await startNeonTarget();
  const stack = await openTestStack({ engine, target, projectDir: repoRoot, config: { "tenant:id": "probe", "tenant:tier": "gold" } });
  const events: any[] = [];
  try { await stack.runner.preview({ onEvent: (e) => events.push(e) }); } catch (e) { console.log("ERR", (e as Error).message.slice(0, 1500)); }
  for (const e of events) if (e.diagnosticEvent && e.diagnosticEvent.severity !== "debug") console.log(JSON.stringify(e.diagnosticEvent));
  stack.remove(); await target.close();
})();
