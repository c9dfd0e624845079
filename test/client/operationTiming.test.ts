import * as assert from "node:assert/strict";
import { ActionDurations, expectedEnds, ownDuration } from "../../provider/client/internal/operationTiming";

describe("operation timing (when a project's operations should end)", () => {
  it("estimates an action from its last run, else the mean of what was seen, else the fallback", () => {
    const durations = new ActionDurations();
    assert.equal(durations.estimate("create_branch", 200), 200);
    durations.observe("create_timeline", 300);
    durations.observe("start_compute", 500);
    assert.equal(durations.estimate("create_timeline", 200), 300);
    assert.equal(durations.estimate("create_branch", 200), 400);
    durations.observe("create_timeline", 250);
    assert.equal(durations.estimate("create_timeline", 200), 250);
  });

  it("ignores durations that are not numbers of milliseconds", () => {
    const durations = new ActionDurations();
    durations.observe("create_branch", Number.NaN);
    durations.observe("create_branch", -1);
    assert.equal(durations.estimate("create_branch", 200), 200);
  });

  it("queues a project's pending operations one after another, each starting when the previous ends", () => {
    const durations = new ActionDurations();
    durations.observe("create_timeline", 300);
    durations.observe("start_compute", 100);
    const ends = expectedEnds(
      [
        { action: "create_timeline", registeredAt: 0, endedAt: 280 },
        { action: "start_compute", registeredAt: 0 },
        { action: "create_timeline", registeredAt: 50 },
        // Created after the queue should have drained: starts when it was created.
        { action: "start_compute", registeredAt: 1000 },
      ],
      durations,
      200,
      undefined,
    );
    assert.deepEqual([...ends], [[1, 380], [2, 680], [3, 1100]]);
  });

  it("starts the queue after operations that ended before it, when their end is known", () => {
    const ends = expectedEnds([{ action: "create_branch", registeredAt: 0 }], new ActionDurations(), 200, 150);
    assert.deepEqual([...ends], [[0, 350]]);
  });

  it("counts an operation's own running time, not the time it spent queued", () => {
    assert.equal(ownDuration({ action: "start_compute", registeredAt: 0, endedAt: 600 }, 300), 300);
    assert.equal(ownDuration({ action: "start_compute", registeredAt: 400, endedAt: 600 }, 300), 200);
    assert.equal(ownDuration({ action: "start_compute", registeredAt: 0, endedAt: 600 }, undefined), 600);
  });
});
