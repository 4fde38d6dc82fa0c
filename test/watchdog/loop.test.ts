import "../helpers/env.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { runLoop, watchdogLogPath } from "../../src/watchdog/daemon.js";
import { runTick } from "../../src/watchdog/tick.js";
import { type Harness, agent, context, current, harness, inbox, waitFor } from "./harness.js";

const cleanups: Harness[] = [];
after(() => {
  for (const h of cleanups) h.cleanup();
});

async function setup(): Promise<Harness> {
  const h = await harness();
  cleanups.push(h);
  return h;
}

describe("watchdog loop: runLoop", () => {
  it("ticks at once, then once per interval of the (manual) clock, and stops when aborted", async () => {
    const h = await setup();
    await agent(h, "builder-1", { idleSince: new Date(h.clock.now()).toISOString() });
    const stop = new AbortController();
    let ticks = 0;
    const done = runLoop(
      { deps: h.deps, dispatch: async () => {}, echo: () => {} },
      {
        intervalMs: 30_000,
        sleep: (ms) => h.clock.manualSleep(ms),
        signal: stop.signal,
        onTick: () => {
          ticks++;
        },
      },
    );
    await waitFor("the first tick", () => ticks === 1);
    h.clock.advance(30_000);
    await waitFor("the second tick", () => ticks === 2);
    // Default staleMs is 5 min: ten more intervals make builder-1 idle-stale, and it is nudged once.
    for (let i = 3; i <= 12; i++) {
      h.clock.advance(30_000);
      await waitFor(`tick ${i}`, () => ticks === i);
    }
    stop.abort();
    h.clock.advance(30_000);
    assert.equal(await done, 12);
    assert.equal((await current(h, "builder-1")).escalationKind, "idle");
    assert.equal((await inbox(h, "builder-1")).filter((m) => m.from === "watchdog").length, 1);
    assert.match(readFileSync(watchdogLogPath(h.deps), "utf8"), /builder-1: nudge \(level 0\)/);
  });
});

describe("watchdog loop: run completion", () => {
  it("records a finished run once and tells its coordinator which workers ended how", async () => {
    const h = await setup();
    const { createRun, getRun } = await import("../../src/sessions/runs.js");
    const runId = (await createRun(h.deps)).id;
    await agent(h, "coordinator", { capability: "coordinator", runId });
    await agent(h, "builder-1", { runId, state: "completed" });
    await agent(h, "builder-2", { runId, state: "zombie" });
    await agent(h, "builder-3", { runId });
    const ctx = context(h);

    await runTick(ctx);
    assert.equal((await getRun(h.deps, runId))?.status, "active", "a worker is still active");

    const { tryTransition } = await import("../../src/sessions/store.js");
    await tryTransition(h.deps, "builder-3", "completed");
    await runTick(ctx);
    await runTick(ctx);
    const told = (await inbox(h, "coordinator")).filter((m) => m.from === "watchdog");
    assert.deepEqual(
      told.map((m) => m.body),
      [
        `[WATCHDOG] All 3 builder(s) in run ${runId} have terminated (2 completed, 1 zombie). Awaiting lead verification.`,
      ],
    );
    assert.equal((await getRun(h.deps, runId))?.status, "completed");
  });
});
