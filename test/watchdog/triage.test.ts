import "../helpers/env.js";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runTick } from "../../src/watchdog/tick.js";
import { type TriageInput, classifyAnswer, commandTriage } from "../../src/watchdog/triage.js";
import { FAST, type Harness, agent, context, current, harness, inbox } from "./harness.js";
import { session } from "./fixtures.js";

const cleanups: Harness[] = [];
after(() => {
  for (const h of cleanups) h.cleanup();
});

const input: TriageInput = {
  session: session(),
  ladder: "stall",
  eventsTail: ['{"kind":"init"}'],
  runnerLogTail: [],
};

describe("triage: classifying an answer", () => {
  for (const [answer, verdict] of [
    ["retry", "retry"],
    ["It looks RECOVERABLE.", "retry"],
    ["terminate", "terminate"],
    ["fatal error in the build", "terminate"],
    ["the task failed", "terminate"],
    ["extend", "extend"],
    ["", "extend"],
    ["retrying is pointless; terminate", "terminate"],
  ] as const) {
    it(`${JSON.stringify(answer)} → ${verdict}`, () => assert.equal(classifyAnswer(answer), verdict));
  }
});

describe("triage: a command", () => {
  const cwd = process.cwd();
  it("gets the prompt on stdin and its answer is classified", async () => {
    const t = commandTriage(`grep -q 'Agent "builder-1"' && echo terminate || echo extend`, cwd);
    assert.deepEqual(await t.classify(input), { verdict: "terminate", fallback: false, reason: "terminate" });
  });
  for (const [what, command, timeout, reason] of [
    ["a failing command", "exit 3", 5000, /exited 3/],
    ["a command that hangs", "sleep 5", 200, /timed out/],
  ] as const) {
    it(`falls back to extend on ${what}`, async () => {
      const r = await commandTriage(command, cwd, timeout).classify(input);
      assert.equal(r.verdict, "extend");
      assert.equal(r.fallback, true);
      assert.match(r.reason ?? "", reason);
    });
  }
  it("does not run the command when there is nothing to read", async () => {
    const r = await commandTriage("echo terminate", cwd).classify({ ...input, eventsTail: [] });
    assert.deepEqual([r.verdict, r.fallback], ["extend", true]);
  });
});

describe("triage: acting on the verdict", () => {
  async function atTriageStep(verdict: string): Promise<{ h: Harness; level: number }> {
    const h = await harness();
    cleanups.push(h);
    const t0 = new Date(h.clock.now()).toISOString();
    await agent(h, "lead-1", { capability: "lead", idleSince: t0 });
    await agent(h, "builder-1", { parent: "lead-1", idleSince: t0 });
    mkdirSync(join(h.ov, "events"), { recursive: true });
    appendFileSync(join(h.ov, "events", "builder-1.ndjson"), '{"kind":"result"}\n');
    const ctx = context(h, {
      policy: { ...FAST, triage: true },
      triage: commandTriage(`echo ${verdict}`, h.repo.dir),
    });
    h.clock.advance(FAST.staleMs + 1000);
    await runTick(ctx); // nudge (level 0)
    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx); // escalation (level 1)
    h.clock.advance(FAST.nudgeIntervalMs);
    await runTick(ctx); // triage (level 2)
    return { h, level: (await current(h, "builder-1")).escalationLevel };
  }

  it("terminate: zombie, and worker_died says tier1", async () => {
    const { h } = await atTriageStep("terminate");
    assert.equal((await current(h, "builder-1")).state, "zombie");
    const died = (await inbox(h, "lead-1")).filter((m) => m.type === "worker_died");
    assert.deepEqual(
      died.map((m) => m.payload?.terminatedBy),
      ["tier1"],
    );
  });

  it("retry: a recovery nudge", async () => {
    const { h } = await atTriageStep("retry");
    const nudges = (await inbox(h, "builder-1")).filter((m) => m.from === "watchdog").map((m) => m.body);
    assert.equal(nudges.length, 2);
    assert.ok(nudges.some((b) => /Triage suggests recovery/.test(b)));
    assert.equal((await current(h, "builder-1")).state, "working");
  });

  it("extend: the ladder starts over", async () => {
    const { h, level } = await atTriageStep("extend");
    const s = await current(h, "builder-1");
    assert.deepEqual(
      [s.state, level, s.escalationKind, s.stalledSince],
      ["working", 0, "idle", new Date(h.clock.now()).toISOString()],
    );
  });
});
