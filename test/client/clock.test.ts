import * as assert from "node:assert/strict";
import { systemClock } from "../../provider/client";

describe("the client's system clock", () => {
  it("reads like Date.now() but does not go back when the wall clock is stepped back", () => {
    const realNow = Date.now;
    const before = systemClock.now();
    assert.ok(Math.abs(before - realNow()) < 1000, "close to the wall clock at the start");
    try {
      Date.now = () => realNow() - 3_600_000; // NTP or a resumed VM steps the clock back an hour
      assert.ok(systemClock.now() >= before);
    } finally {
      Date.now = realNow;
    }
  });
});
