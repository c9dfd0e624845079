/**
 * The sliding window both the client's rate limiter and the local Neon API's account limit use
 * (provider/client/internal/slidingWindow.ts): exact "at most N in any window", with a buffer that
 * grows with the events, so a huge or infinite limit costs nothing up front.
 */
import assert from "node:assert/strict";
import { SlidingWindow } from "../../provider/client/internal/slidingWindow";

/** Admits events at the given times as the limiter does, returning which were admitted at once. */
function admit(window: SlidingWindow, times: number[]): boolean[] {
  return times.map((t) => {
    const free = window.waitTime(t) === 0;
    if (free) window.record(t);
    return free;
  });
}

describe("SlidingWindow", () => {
  it("admits at most `limit` events in any window, and says when the next fits", () => {
    const window = new SlidingWindow(3, 1000);
    assert.deepEqual(admit(window, [0, 10, 20, 30]), [true, true, true, false]);
    assert.equal(window.waitTime(30), 970, "the oldest (at 0) leaves the window at 1000");
    // An event exactly one window after the oldest may pass: that one has left the window.
    assert.deepEqual(admit(window, [999, 1000, 1005, 1010]), [false, true, false, true]);
  });

  it("keeps exact order across many windows as its buffer grows and wraps", () => {
    const window = new SlidingWindow(40, 100);
    let admitted = 0;
    for (let t = 0; t < 10_000; t++) if (admit(window, [t])[0]) admitted++;
    // 40 at the start of each 100 ms window: 100 windows.
    assert.equal(admitted, 4000);
  });

  it("takes a huge or infinite limit without allocating for it, and never makes anything wait", () => {
    for (const limit of [1e12, Infinity]) {
      const window = new SlidingWindow(limit, 60_000);
      assert.deepEqual(admit(window, Array.from({ length: 5000 }, (_, i) => i)).filter((ok) => !ok), []);
    }
  });

  it("with a fractional limit, admits as many as stay below it (2.5: three)", () => {
    const window = new SlidingWindow(2.5, 1000);
    assert.deepEqual(admit(window, [0, 1, 2, 3]), [true, true, true, false]);
  });
});
