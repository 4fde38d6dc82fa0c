import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Backoff } from "../../src/store/retry.js";
import { ManualClock } from "../../src/sys/clock.js";

const limits = { stallMs: 5000, maxWaitMs: 60_000 };

describe("Backoff", () => {
  it("sleeps at most min(64 ms, 2^attempt) while attempts are fast", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock, limits);
    for (const [attempt, cap] of [
      [1, 2],
      [3, 8],
      [6, 64],
      [12, 64],
    ] as const) {
      for (let i = 0; i < 50; i++) {
        b.begin();
        clock.advance(1);
        const n = b.next(attempt);
        assert.ok(
          "sleepMs" in n && n.sleepMs >= 0 && n.sleepMs < cap,
          `attempt ${attempt}: ${JSON.stringify(n)}`,
        );
      }
    }
  });

  it("widens the cap to twice a slow attempt, up to 1 s", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock, limits);
    let max = 0;
    for (let i = 0; i < 200; i++) {
      b.begin();
      clock.advance(300);
      b.observe(`tip-${i}`);
      const n = b.next(20);
      assert.ok("sleepMs" in n && n.sleepMs < 600);
      max = Math.max(max, n.sleepMs);
    }
    assert.ok(max >= 64, "slow attempts allow sleeps beyond the 64 ms base cap");
  });

  it("gives up as stalled when the tips stop changing for stallMs", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock, limits);
    b.observe("a");
    clock.advance(4000);
    b.observe("a");
    assert.ok("sleepMs" in b.next(5));
    clock.advance(1001);
    assert.deepEqual(b.next(6), { giveUp: "stalled" });
  });

  it("keeps going while others make progress, until maxWaitMs", () => {
    const clock = new ManualClock();
    const b = new Backoff(clock, limits);
    for (let i = 0; i < 59; i++) {
      clock.advance(1000);
      b.observe(`tip-${i}`);
      assert.ok("sleepMs" in b.next(i + 1), `second ${i}`);
    }
    clock.advance(1001);
    b.observe("tip-last");
    assert.deepEqual(b.next(60), { giveUp: "starved" });
  });
});
