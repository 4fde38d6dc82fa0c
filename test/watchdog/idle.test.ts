import "../helpers/env.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { sendMail } from "../../src/mail/send.js";
import { deliverTurns } from "../../src/turn/deliver.js";
import { runTick } from "../../src/watchdog/tick.js";
import { fixtureTurnEnv } from "../fixtures/watchdog/runtime.js";
import { FAST, type Harness, agent, context, current, harness, inbox } from "./harness.js";

const cleanups: Harness[] = [];
after(() => {
  for (const h of cleanups) h.cleanup();
});

async function setup(): Promise<Harness> {
  const h = await harness();
  cleanups.push(h);
  const idle = new Date(h.clock.now()).toISOString();
  await agent(h, "lead-1", { capability: "lead", idleSince: idle });
  await agent(h, "builder-1", { parent: "lead-1", idleSince: idle });
  return h;
}

/** A dispatcher that really runs the turns, in-process, through the turn engine. */
function realDispatch(h: Harness): (agents: string[]) => Promise<void> {
  return async (agents) => {
    for (const a of agents) await deliverTurns(h.deps, a, fixtureTurnEnv());
  };
}

const prompts = (h: Harness, agentName: string): string[] => {
  try {
    return readFileSync(join(h.worktree(agentName), ".fixture-prompts"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string);
  } catch {
    return [];
  }
};

describe("watchdog loop: idle agents", () => {
  it("leaves an idle agent alone until staleMs, then nudges it (a turn runs), then escalates to its parent, and never kills it", async () => {
    const h = await setup();
    const ctx = context(h, { dispatch: realDispatch(h), dispatchOwnMail: true });
    const acted = async (agentName: string) =>
      (await runTick(ctx)).actions
        .filter((a) => "agent" in a.action && a.action.agent === agentName)
        .map((a) => a.action.kind);

    assert.deepEqual(await acted("builder-1"), []);
    h.clock.advance(FAST.staleMs - 2000);
    assert.deepEqual(await acted("builder-1"), [], "idle for less than staleMs is normal");

    h.clock.advance(3000);
    assert.deepEqual(await acted("builder-1"), ["setEscalation", "nudge"]);
    const seen = prompts(h, "builder-1");
    assert.equal(seen.length, 1, "the nudge ran a turn");
    assert.match(seen[0] ?? "", /Finish with your terminal mail/);
    let b = await current(h, "builder-1");
    assert.deepEqual([b.state, b.turns, b.escalationKind, b.escalationLevel], ["working", 1, "idle", 0]);
    assert.equal((await inbox(h, "builder-1")).length, 0, "the nudge was delivered and acked");

    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx);
    const escalations = (await inbox(h, "lead-1", "read")).filter((m) => m.type === "escalation");
    assert.equal(escalations.length, 1, "the parent got one escalation (and a turn to read it)");
    assert.equal(escalations[0]?.from, "builder-1");
    assert.deepEqual(
      [escalations[0]?.payload?.severity, escalations[0]?.payload?.taskId],
      ["warning", "task-builder-1"],
    );

    for (let i = 0; i < 5; i++) {
      h.clock.advance(FAST.zombieMs);
      await runTick(ctx);
    }
    b = await current(h, "builder-1");
    assert.deepEqual(
      [b.state, b.escalationLevel],
      ["working", 3],
      "idle agents are never terminated by time",
    );
    assert.equal(
      (await inbox(h, "lead-1", "read")).filter((m) => m.type === "escalation").length,
      1,
      "escalated once",
    );
    assert.equal(
      (await current(h, "lead-1")).escalationLevel,
      0,
      "a lead waiting on a live builder is left alone",
    );

    await sendMail(h.deps, { from: "lead-1", to: "builder-1", subject: "carry on", body: "do X" });
    h.clock.advance(FAST.sweepGraceMs);
    await runTick(ctx);
    b = await current(h, "builder-1");
    assert.deepEqual(
      [b.escalationKind ?? null, b.escalationLevel, b.turns],
      [null, 0, 2],
      "mail from the parent ends the ladder",
    );
  });
});

describe("watchdog loop: the mail sweep", () => {
  it("delivers mail that no dispatcher delivered: a turn runs and acks it", async () => {
    const h = await setup();
    const ctx = context(h, { dispatch: realDispatch(h) });
    await sendMail(h.deps, { from: "lead-1", to: "builder-1", subject: "stranded", body: "nobody woke me" });

    await runTick(ctx);
    assert.deepEqual(ctx.dispatched, [], "mail younger than the sweep grace is the sender's to dispatch");

    h.clock.advance(FAST.sweepGraceMs);
    await runTick(ctx);
    assert.equal((await inbox(h, "builder-1")).length, 0);
    assert.equal((await inbox(h, "builder-1", "read")).length, 1);
    assert.match(prompts(h, "builder-1")[0] ?? "", /Subject: stranded/);
    assert.equal((await current(h, "builder-1")).turns, 1);
  });

  it("never dispatches terminal agents or persistent roles", async () => {
    const h = await setup();
    await agent(h, "done-1");
    await agent(h, "coordinator", { capability: "coordinator" });
    for (const to of ["done-1", "coordinator"])
      await sendMail(h.deps, { from: "lead-1", to, subject: "hi", body: "." });
    // Mail refuses terminal recipients, so the agent finishes after its mail landed.
    const { tryTransition } = await import("../../src/sessions/store.js");
    await tryTransition(h.deps, "done-1", "completed");
    h.clock.advance(FAST.sweepGraceMs);
    const ctx = context(h);
    await runTick(ctx);
    assert.deepEqual(ctx.dispatched, []);
  });
});
