import assert from "node:assert/strict";
import { ManualClock, neonRateLimits, type NeonLocal, type NeonLocalOptions } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

describe("local Neon API: rate limits", () => {
  const servers: NeonLocal[] = [];
  async function start(options: NeonLocalOptions): Promise<NeonLocal> {
    const neon = await startTestNeon(options);
    servers.push(neon);
    return neon;
  }
  after(() => Promise.all(servers.map((s) => s.close())));

  /** Sends `n` GETs one after another and returns their statuses. */
  async function burst(neon: NeonLocal, path: string, n: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await call(neon, "GET", path)).status);
    return statuses;
  }

  it("starts with a huge or infinite account limit (no window allocated up front) and admits requests", async () => {
    for (const perMinute of [1e12, Infinity]) {
      const neon = await start({ clock: new ManualClock(), rateLimit: { perMinute, perSecondPerRoute: 1000 } });
      assert.deepEqual(await burst(neon, "/projects", 5), Array(5).fill(200));
    }
  });

  it("lets 40 requests a second through on one route, refuses the 41st with 429, Retry-After and Neon's error body", async () => {
    const clock = new ManualClock();
    const neon = await start({ clock, rateLimit: { perMinute: 700, perSecondPerRoute: 40 } });
    const project = (await call(neon, "POST", "/projects", { project: {} })).body.project.id;
    const path = `/projects/${project}`;

    assert.deepEqual(await burst(neon, path, 40), Array(40).fill(200));
    const refused = await call(neon, "GET", path, undefined, { "X-Request-ID": "rl-41" });
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After: ${refused.headers.get("retry-after")}`);
    assert.deepEqual(Object.keys(refused.body).sort(), ["code", "message", "request_id"]);
    assert.equal(refused.body.code, "TOO_MANY_REQUESTS");
    assert.equal(refused.body.request_id, "rl-41");
    assert.match(refused.body.message, /40 requests per second on GET \/projects\/\{project_id\}/);

    // The limit is per route: a different route (same method) still has its own budget.
    assert.equal((await call(neon, "GET", `/projects/${project}/branches`)).status, 200);
    assert.equal((await call(neon, "GET", "/projects")).status, 200);
    // Another project's id is the same route, so it shares the budget.
    assert.equal((await call(neon, "GET", "/projects/another-project-1")).status, 429);

    clock.advance(1000);
    assert.deepEqual(await burst(neon, path, 40), Array(40).fill(200), "a second later the route has its budget back");
    assert.equal((await call(neon, "GET", path)).status, 429);
  });

  it("refills the route budget gradually: one request per 1/40 s", async () => {
    const clock = new ManualClock();
    const neon = await start({ clock, rateLimit: { perMinute: 700, perSecondPerRoute: 40 } });
    await burst(neon, "/projects", 40);
    assert.equal((await call(neon, "GET", "/projects")).status, 429);
    clock.advance(25);
    assert.equal((await call(neon, "GET", "/projects")).status, 200);
    assert.equal((await call(neon, "GET", "/projects")).status, 429);
  });

  it("enforces the per-minute account limit across routes, with a Retry-After of the time to the next free request", async () => {
    const clock = new ManualClock();
    const neon = await start({ clock, rateLimit: { perMinute: 5, perSecondPerRoute: 40 } });
    assert.deepEqual(await burst(neon, "/projects", 3), [200, 200, 200]);
    assert.deepEqual(await burst(neon, "/users/me", 2), [200, 200]);
    const refused = await call(neon, "GET", "/auth");
    assert.equal(refused.status, 429);
    assert.match(refused.body.message, /5 requests per minute per account/);
    assert.equal(refused.headers.get("retry-after"), "60", "the first of the five leaves the window after a minute");
    clock.advance(59_999);
    assert.equal((await call(neon, "GET", "/auth")).status, 429);
    clock.advance(1);
    assert.deepEqual(await burst(neon, "/auth", 6), [200, 200, 200, 200, 200, 429]);
  });

  it("never admits more than the per-minute limit in any rolling minute (a refilled bucket would admit twice)", async () => {
    const clock = new ManualClock();
    const neon = await start({ clock, rateLimit: { perMinute: 4, perSecondPerRoute: 40 } });
    assert.deepEqual(await burst(neon, "/projects", 4), [200, 200, 200, 200]);
    clock.advance(30_000);
    assert.equal((await call(neon, "GET", "/projects")).status, 429, "half a minute later the window still holds four");
    clock.advance(30_000);
    assert.deepEqual(await burst(neon, "/projects", 5), [200, 200, 200, 200, 429]);
  });

  it("a refused request does not use up budget", async () => {
    const clock = new ManualClock();
    const neon = await start({ clock, rateLimit: { perMinute: 2, perSecondPerRoute: 40 } });
    assert.deepEqual(await burst(neon, "/projects", 5), [200, 200, 429, 429, 429]);
    clock.advance(60_000);
    assert.deepEqual(await burst(neon, "/projects", 3), [200, 200, 429]);
  });

  it("uses Neon's published limits (700/min, 40/s per route) when none are given", async () => {
    assert.deepEqual(neonRateLimits, { perMinute: 700, perSecondPerRoute: 40 });
    const neon = await start({ clock: new ManualClock(), rateLimit: {} });
    assert.deepEqual(await burst(neon, "/projects", 41), [...Array(40).fill(200), 429]);
  });

  it("never limits with rateLimit: false", async () => {
    const neon = await start({ clock: new ManualClock(), rateLimit: false });
    const statuses = await Promise.all(Array.from({ length: 120 }, () => call(neon, "GET", "/projects").then((r) => r.status)));
    assert.deepEqual(new Set(statuses), new Set([200]));
  });

  it("does not count the admin routes", async () => {
    const neon = await start({ clock: new ManualClock(), rateLimit: { perMinute: 1, perSecondPerRoute: 1 } });
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${neon.origin}/__neon_local/health`)).status, 200);
    assert.equal((await call(neon, "GET", "/projects")).status, 200);
  });

  it("refuses limits that are not positive", async () => {
    await assert.rejects(startTestNeon({ rateLimit: { perMinute: 0 } }), RangeError);
    await assert.rejects(startTestNeon({ rateLimit: { perSecondPerRoute: -1 } }), RangeError);
  });
});
