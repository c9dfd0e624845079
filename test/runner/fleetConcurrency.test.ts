import assert from "node:assert/strict";
import { fleetLowerBound, memoryShare, planFleet } from "../../runner/fleet/concurrency";
import { parseStat, treeOf, type ProcessSample } from "../../runner/fleet/processTree";

const GiB = 2 ** 30;
const MiB = 2 ** 20;
// One tenant stack alone, as measured on the 2-core machine: 3.6 s of wall time, 3 s of CPU, 240 MB, 20 requests.
const tenant = { cpuMs: 3000, wallMs: 3600, peakRssBytes: 240 * MiB, requests: 20 };
const twoCores = { cores: 2, availableMemoryBytes: 22 * GiB };

describe("fleet concurrency", () => {
  it("is bound by the cores when the CPU fills first", () => {
    const plan = planFleet(50, tenant, twoCores, { perMinute: 700 });
    // 2 cores × 3.6 s / 3 s = 2.4 → 3 stacks keep both cores busy; 700/min at 20 requests per 3.6 s → 3 stacks.
    assert.deepEqual(plan.byBound, { cores: 3, memory: Math.floor((22 * GiB * memoryShare) / (240 * MiB)), rate: 3, stacks: 50 });
    assert.equal(plan.concurrency, 3);
    assert.equal(plan.bound, "cores", "a tie goes to the machine's own limit");
  });

  it("is bound by Neon's rate when the limit is lower (a slower time factor)", () => {
    const plan = planFleet(50, tenant, twoCores, { perMinute: 175 });
    assert.equal(plan.bound, "rate");
    assert.equal(plan.concurrency, 1);
  });

  it("is bound by memory on a small machine, and by the stack count on a small fleet", () => {
    assert.deepEqual(
      [planFleet(50, tenant, { cores: 16, availableMemoryBytes: 1 * GiB }, { perMinute: 7000 })].map((p) => [p.bound, p.concurrency]),
      [["memory", 3]],
    );
    assert.deepEqual([planFleet(2, tenant, twoCores, { perMinute: 7000 })].map((p) => [p.bound, p.concurrency]), [["stacks", 2]]);
  });

  it("runs at least one stack, and refuses nonsense", () => {
    assert.equal(planFleet(5, { ...tenant, peakRssBytes: 4 * GiB }, { cores: 1, availableMemoryBytes: GiB }, { perMinute: 700 }).concurrency, 1);
    assert.throws(() => planFleet(0, tenant, twoCores, { perMinute: 700 }), /stacks must be a whole number of at least 1, got 0/);
    assert.throws(() => planFleet(2.5, tenant, twoCores, { perMinute: 700 }), /stacks must be a whole number/);
    assert.throws(() => fleetLowerBound(5, tenant, { cores: 0, availableMemoryBytes: GiB }, { perMinute: 700 }), /cores must be a whole number of at least 1, got 0/);
    assert.throws(() => fleetLowerBound(5, tenant, twoCores, { perMinute: -1 }), /perMinute must be a finite number/);
    assert.throws(() => planFleet(5, { ...tenant, cpuMs: Number.NaN }, twoCores, { perMinute: 700 }), /cpuMs/);
  });

  it("puts the least time at the larger of the CPU, the rate window and one stack", () => {
    // 50 stacks × 3 s of CPU on 2 cores: 75 s. 1000 requests through 700 a minute: the 701st waits a minute.
    assert.deepEqual(fleetLowerBound(50, tenant, twoCores, { perMinute: 700 }), { ms: 75_000, bound: "cpu", byBound: { cpu: 75_000, rate: 60_000, "one stack": 3600 } });
    assert.equal(fleetLowerBound(50, tenant, twoCores, { perMinute: 175 }).bound, "rate");
    assert.equal(fleetLowerBound(50, tenant, twoCores, { perMinute: 175 }).ms, 5 * 60_000, "the 1000th request: floor(999 / 175) = 5 minutes in");
    assert.equal(fleetLowerBound(1, tenant, twoCores, { perMinute: 700 }).bound, "one stack");
    // A measured average: 50 × 14 = 700 requests fit the first minute, whatever the rounding of 700 / 50.
    assert.equal(fleetLowerBound(50, { ...tenant, requests: 700 / 50 }, twoCores, { perMinute: 700 }).byBound.rate, 0);
    assert.equal(fleetLowerBound(3, { ...tenant, requests: 0.1 * 7001 }, twoCores, { perMinute: 700 }).byBound.rate, 60_000 * 2);
  });
});

describe("process trees from /proc", () => {
  it("reads a stat line whose command name holds spaces and parentheses", () => {
    const line = "4242 (node (fleet) x) S 4200 4242 4242 0 -1 4194304 100 0 0 0 150 50 30 20 20 0 11 0 1000 123456789 2560 18446744073709551615";
    assert.deepEqual(parseStat(line, 4096), { pid: 4242, ppid: 4200, rssBytes: 2560 * 4096, cpuMs: 2000, childrenCpuMs: 500 });
    assert.equal(parseStat("garbage", 4096), undefined);
  });

  it("finds a process's descendants, and nothing for a process that is gone", () => {
    const p = (pid: number, ppid: number, rssBytes = 1): ProcessSample => ({ pid, ppid, rssBytes, cpuMs: 0, childrenCpuMs: 0 });
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1)];
    assert.deepEqual(treeOf(10, all).map((x) => x.pid).sort(), [10, 11, 12, 13]);
    assert.deepEqual(treeOf(99, all), []);
  });
});
