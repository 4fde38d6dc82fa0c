import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readPidFile } from "../../src/sys/pid-file.js";
import { pidRunning } from "../../src/sys/process.js";
import { runTick } from "../../src/watchdog/tick.js";
import { fsck } from "../helpers/repo.js";
import {
  FAST,
  type Harness,
  agent,
  context,
  current,
  exited,
  harness,
  inbox,
  startRunner,
  waitFor,
} from "./harness.js";

const cleanups: Harness[] = [];
after(() => {
  for (const h of cleanups) h.cleanup();
});

async function setup(mode: string): Promise<Harness> {
  const h = await harness();
  cleanups.push(h);
  await agent(h, "lead-1", { capability: "lead", idleSince: new Date(h.clock.now()).toISOString() });
  await agent(h, "builder-1", { parent: "lead-1", mode });
  return h;
}

const pidPath = (h: Harness) => join(h.ov, "turns", "builder-1.pid");
const lockPath = (h: Harness) => join(h.ov, "turns", "builder-1.lock");
const eventLines = (h: Harness) => {
  try {
    return readFileSync(join(h.ov, "events", "builder-1.ndjson"), "utf8")
      .split("\n")
      .filter(Boolean).length;
  } catch {
    return 0;
  }
};
const workerDied = async (h: Harness) => (await inbox(h, "lead-1")).filter((m) => m.type === "worker_died");

describe("watchdog loop: deaths", () => {
  it("a runner killed with SIGKILL mid-turn is a zombie at the next tick: lease cleaned, runtime killed, one worker_died", async () => {
    const h = await setup("init-hang");
    const runner = startRunner(h, "builder-1");
    await waitFor("the runtime to start and print", () => existsSync(pidPath(h)) && eventLines(h) > 0);
    const runtimePid = readPidFile(pidPath(h)) as number;
    runner.kill("SIGKILL");
    await exited(runner);
    assert.ok(existsSync(lockPath(h)), "the dead runner left its lease behind");

    const ctx = context(h);
    const report = await runTick(ctx);

    const s = await current(h, "builder-1");
    assert.equal(s.state, "zombie");
    assert.match(s.reason ?? "", /runner died/);
    assert.equal(existsSync(lockPath(h)), false, "lease cleaned");
    assert.equal(existsSync(pidPath(h)), false, "pid file cleaned");
    assert.equal(pidRunning(runtimePid), false, "the orphaned runtime was killed");
    const died = await workerDied(h);
    assert.equal(died.length, 1);
    assert.equal(died[0]?.from, "builder-1");
    assert.equal(died[0]?.payload?.terminatedBy, "tier0");
    assert.ok(report.actions.some((a) => a.action.kind === "notifyParent" && a.outcome === "done"));

    await runTick(ctx);
    assert.equal((await workerDied(h)).length, 1, "a second tick sends nothing");
    assert.equal(fsck(h.repo), "");
  });

  it("a runtime killed with SIGKILL before any event: the runner settles zombie and the parent gets exactly one worker_died", async () => {
    const h = await setup("hang");
    const runner = startRunner(h, "builder-1");
    await waitFor("the runtime to start", () => existsSync(pidPath(h)));
    const runtimePid = readPidFile(pidPath(h)) as number;
    const ctx = context(h);
    process.kill(runtimePid, "SIGKILL");
    // Tick while the runner settles, and after it has.
    await runTick(ctx);
    await exited(runner);
    await runTick(ctx);
    await runTick(ctx);

    assert.equal((await current(h, "builder-1")).state, "zombie");
    const died = await workerDied(h);
    assert.equal(died.length, 1);
    assert.equal(died[0]?.payload?.terminatedBy, "runner");
    assert.equal(existsSync(lockPath(h)), false);
  });

  it("a runtime killed after it printed leaves the agent idle, and its undelivered mail is swept to a new turn", async () => {
    const h = await setup("init-hang");
    const { sendMail } = await import("../../src/mail/send.js");
    await sendMail(h.deps, { from: "lead-1", to: "builder-1", subject: "do it", body: "the task" });
    const runner = startRunner(h, "builder-1");
    await waitFor("the runtime to print", () => existsSync(pidPath(h)) && eventLines(h) > 0);
    process.kill(readPidFile(pidPath(h)) as number, "SIGKILL");
    await exited(runner);
    const s = await current(h, "builder-1");
    assert.equal(s.state, "working");
    assert.equal((await inbox(h, "builder-1")).length, 1, "the interrupted turn did not ack its mail");

    h.clock.advance(FAST.sweepGraceMs + 1000);
    const ctx = context(h);
    await runTick(ctx);
    assert.deepEqual(ctx.dispatched, [["builder-1"]]);
    assert.equal((await workerDied(h)).length, 0);
  });
});

describe("watchdog loop: a hung turn", () => {
  it("climbs warn → nudge → triage → terminate, one step per nudge interval, and is killed", async () => {
    const h = await setup("hang");
    const runner = startRunner(h, "builder-1");
    await waitFor("the runtime to start", () => existsSync(pidPath(h)));
    const runtimePid = readPidFile(pidPath(h)) as number;
    const ctx = context(h);

    await runTick(ctx);
    assert.equal((await current(h, "builder-1")).state, "working", "a fresh turn is left alone");

    h.clock.advance(FAST.staleMs + 1000);
    await runTick(ctx);
    let s = await current(h, "builder-1");
    assert.deepEqual([s.state, s.escalationKind, s.escalationLevel], ["stalled", "stall", 0]);

    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx);
    s = await current(h, "builder-1");
    assert.equal(s.escalationLevel, 1);
    const nudges = (await inbox(h, "builder-1")).filter((m) => m.from === "watchdog");
    assert.equal(nudges.length, 1, "one nudge, queued for the agent's next turn");

    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx);
    assert.equal((await current(h, "builder-1")).escalationLevel, 2);
    assert.equal(pidRunning(runtimePid), true, "still alive before the last step");

    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx);
    s = await current(h, "builder-1");
    assert.equal(s.state, "zombie");
    assert.equal(pidRunning(runtimePid), false);
    await exited(runner);
    assert.equal((await current(h, "builder-1")).state, "zombie", "the runner's own settlement was refused");
    assert.equal((await workerDied(h)).length, 1);
    assert.equal(existsSync(lockPath(h)), false, "the runner released its lease");
  });

  it("is terminated in one tick once silent for zombieMs", async () => {
    const h = await setup("hang");
    const runner = startRunner(h, "builder-1");
    await waitFor("the runtime to start", () => existsSync(pidPath(h)));
    h.clock.advance(FAST.zombieMs + 1000);
    await runTick(context(h));
    assert.equal((await current(h, "builder-1")).state, "zombie");
    await exited(runner);
    assert.equal((await workerDied(h)).length, 1);
  });
});
