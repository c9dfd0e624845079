import * as assert from "node:assert/strict";
import { NeonConfigurationError, RateLimiter } from "../../provider/client";
import { project } from "./helpers/fixtures";
import { ScriptedServer } from "./helpers/scriptedServer";
import { testClient } from "./helpers/testClient";
import { VirtualClock } from "./helpers/virtualClock";

/** The largest number of timestamps inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= windowMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function burst(limiter: RateLimiter, clock: VirtualClock, routes: readonly string[], count: number): Promise<number[]> {
  const admitted: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await limiter.acquire(routes[i % routes.length]!);
      admitted.push(clock.now());
    }),
  );
  return admitted;
}

describe("client-side rate limiter", () => {
  it("keeps a burst on one route at or under the per-second limit, in every rolling second", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 10_000, perSecondPerRoute: 40, clock });
    const start = clock.now();

    const admitted = await burst(limiter, clock, ["POST /projects/{project_id}/branches"], 100);

    assert.equal(admitted.length, 100);
    assert.equal(maxInAnyWindow(admitted, 1000), 40);
    // 40 at once, 40 a second later, the last 20 a second after that: no slower than it must be.
    assert.deepEqual([admitted.filter((t) => t === start).length, Math.max(...admitted) - start], [40, 2000]);
  });

  it("counts routes separately against the per-route limit", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 10_000, perSecondPerRoute: 5, clock });
    const admitted = await burst(limiter, clock, ["GET /projects", "GET /projects/{project_id}"], 10);
    assert.ok(admitted.every((t) => t === admitted[0]), "two routes × 5 fit in the same instant");
  });

  it("keeps every route together under the per-minute account limit", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 700, perSecondPerRoute: 40, clock });
    const routes = Array.from({ length: 30 }, (_, i) => `GET /route-${i}`);

    const admitted = await burst(limiter, clock, routes, 1500);

    assert.equal(maxInAnyWindow(admitted, 60_000), 700);
    assert.ok(maxInAnyWindow(admitted, 1000) <= 700);
    assert.equal(Math.max(...admitted) - Math.min(...admitted), 120_000);
  });

  it("lets a request through at once when there is room", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    assert.equal(await limiter.acquire("GET /projects"), 0);
    assert.deepEqual(clock.sleeps, []);
  });

  it("refuses limits that are not positive integers", () => {
    assert.throws(() => new RateLimiter({ perMinute: 0 }), NeonConfigurationError);
    assert.throws(() => new RateLimiter({ perSecondPerRoute: 2.5 }), NeonConfigurationError);
  });

  describe("in the client", () => {
    let server: ScriptedServer;
    before(async () => {
      server = await ScriptedServer.start();
    });
    after(() => server.close());

    it("holds concurrent requests back to the per-route limit and logs the wait", async () => {
      server.on("GET", "/projects/p-1", { status: 200, body: { project: project() } });
      const clock = new VirtualClock();
      const limiter = new RateLimiter({ perMinute: 700, perSecondPerRoute: 2, clock });
      const { client, logLines } = testClient(server, { clock, rateLimit: limiter });

      await Promise.all([1, 2, 3, 4, 5].map(() => client.projects.get("p-1")));

      assert.equal(server.requests.length, 5);
      // Two go at once; three wait a second, of which one finds the window full again and waits another.
      assert.deepEqual(clock.sleeps, [1000, 1000, 1000, 1000]);
      assert.equal(logLines.filter((line) => line.includes("waited 1000ms for the rate limit")).length, 2);
      assert.equal(logLines.filter((line) => line.includes("waited 2000ms for the rate limit")).length, 1);
    });

    it("gates retries too", async () => {
      server.reset();
      server.on("GET", "/projects/p-1", { status: 503, body: { code: "UNAVAILABLE", message: "later" } }, { status: 200, body: { project: project() } });
      const clock = new VirtualClock();
      const { client } = testClient(server, { clock, rateLimit: new RateLimiter({ perSecondPerRoute: 1, clock }) });

      await client.projects.get("p-1");

      // The retry backoff (250 ms), then the rest of the second the route's window still needs.
      assert.deepEqual(clock.sleeps, [250, 750]);
    });

    it("does not count time queued in the limiter against the retry deadline", async () => {
      server.reset();
      server.on(
        "GET",
        "/projects/p-1",
        { status: 200, body: { project: project() } },
        { status: 503, body: { code: "UNAVAILABLE", message: "later" } },
        { status: 200, body: { project: project() } },
      );
      const clock = new VirtualClock();
      const { client } = testClient(server, { clock, rateLimit: new RateLimiter({ perSecondPerRoute: 1, clock }), retry: { deadlineMs: 500 } });

      // The second call queues 1000 ms, is answered 503, and still has its whole 500 ms for a retry.
      await Promise.all([client.projects.get("p-1"), client.projects.get("p-1")]);

      assert.equal(server.requests.length, 3);
      assert.deepEqual(clock.sleeps, [1000, 250, 750]);
    });

    it("can be switched off", async () => {
      server.on("GET", "/projects/p-1", { status: 200, body: { project: project() } });
      const { client, clock } = testClient(server, { rateLimit: false });
      await Promise.all(Array.from({ length: 50 }, () => client.projects.get("p-1")));
      assert.deepEqual(clock.sleeps, []);
    });
  });
});
