/**
 * The client settings a provider process takes from its environment (providerConfig): the fleet
 * benchmark runs the providers' rate limiter at Neon's limits scaled by a time factor, the same
 * factor as the local Neon API's.
 */
import assert from "node:assert/strict";
import { NeonConfigurationError, scaledRateLimits } from "../../provider/client";
import { clientOptionsFromEnvironment } from "../../provider/resources/common/providerConfig";

describe("client settings from the provider's environment", () => {
  it("scales Neon's limits by the time factor, never below one request", () => {
    assert.deepEqual(scaledRateLimits(1), { perMinute: 700, perSecondPerRoute: 40 });
    assert.deepEqual(scaledRateLimits(4), { perMinute: 2800, perSecondPerRoute: 160 });
    assert.deepEqual(scaledRateLimits(0.5), { perMinute: 350, perSecondPerRoute: 20 });
    assert.deepEqual(scaledRateLimits(0.001), { perMinute: 1, perSecondPerRoute: 1 });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => scaledRateLimits(bad), NeonConfigurationError, String(bad));
  });

  it("takes NEON_RATE_LIMIT_TIME_FACTOR for the rate limiter, and nothing when it is unset", () => {
    assert.deepEqual(clientOptionsFromEnvironment({ NEON_RATE_LIMIT_TIME_FACTOR: "2.5" }), { rateLimit: { perMinute: 1750, perSecondPerRoute: 100 } });
    assert.deepEqual(clientOptionsFromEnvironment({}), {});
    assert.deepEqual(clientOptionsFromEnvironment({ NEON_RATE_LIMIT_TIME_FACTOR: "" }), {});
  });

  it("refuses a time factor that is not a positive number, naming the variable", () => {
    for (const raw of ["0", "-2", "fast", "Infinity"]) {
      assert.throws(() => clientOptionsFromEnvironment({ NEON_RATE_LIMIT_TIME_FACTOR: raw }), new RegExp(`NEON_RATE_LIMIT_TIME_FACTOR must be a positive number, got "${raw}"`));
    }
  });

  it("keeps the polling settings beside it", () => {
    assert.deepEqual(clientOptionsFromEnvironment({ NEON_OPERATION_POLL_MS: "10", NEON_OPERATION_DEADLINE_MS: "5000", NEON_RATE_LIMIT_TIME_FACTOR: "1" }), {
      operations: { firstPollDelayMs: 10, maxPollIntervalMs: 10, deadlineMs: 5000 },
      rateLimit: { perMinute: 700, perSecondPerRoute: 40 },
    });
  });
});
