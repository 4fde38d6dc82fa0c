import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Session, SessionState } from "../../src/sessions/session.js";
import { decide, decideAgent } from "../../src/watchdog/decide.js";
import type { AgentLiveness, WatchdogPolicy } from "../../src/watchdog/types.js";
import { MIN, NOW, POLICY, SEC, iso, live, session, summary } from "./fixtures.js";

function one(s: Session, l: AgentLiveness, policy: WatchdogPolicy = POLICY): string[] {
  return summary(decideAgent(NOW, s, l, policy, { triage: policy.maxTriagePerTick }));
}

const ACTIVE: SessionState[] = ["booting", "working", "stalled"];
const DEATH = ["transition:zombie", "notifyParent"];

describe("watchdog decide: terminal sessions", () => {
  const rows: [string, Partial<AgentLiveness>, string[]][] = [
    ["nothing left behind", {}, []],
    ["a crashed runner's lease", { leaseHolderDead: true, leaseToken: "t" }, ["cleanLease"]],
    ["a turn process still running", { turnPid: 42, turnPidAlive: true }, ["kill:turn"]],
    ["a dead turn pid file only", { turnPid: 42, turnPidAlive: false }, []],
  ];
  for (const state of ["completed", "zombie"] as const) {
    for (const [what, l, want] of rows) {
      it(`${state} with ${what} → ${want.join(", ") || "nothing"}`, () => {
        assert.deepEqual(one(session({ state, lastActivity: iso(NOW - 60 * MIN) }), live(l)), want);
      });
    }
  }
});

describe("watchdog decide: persistent roles are exempt from time rules", () => {
  for (const capability of ["coordinator", "orchestrator", "monitor"] as const) {
    for (const state of ACTIVE) {
      for (const age of [0, 5 * MIN + 1, 10 * MIN + 1, 600 * MIN]) {
        const s = session({
          name: capability,
          capability,
          state,
          parent: null,
          lastActivity: iso(NOW - age),
        });
        const want = state === "stalled" ? ["transition:working"] : [];
        it(`${capability} ${state}, idle ${age / MIN} min → ${want.join(", ") || "nothing"}`, () => {
          assert.deepEqual(one(s, live()), want);
        });
      }
      it(`${capability} ${state} whose process died → zombie (parent notified when it has one)`, () => {
        const s = session({ name: capability, capability, state, pid: 4242, parent: "operator" });
        assert.deepEqual(one(s, live({ sessionPidAlive: false })), DEATH);
      });
    }
  }
});

describe("watchdog decide: spawn-per-turn, crashed runner", () => {
  for (const state of ACTIVE) {
    for (const age of [0, 5 * MIN + 1]) {
      it(`${state}, activity ${age / MIN} min old, dead lease holder → zombie at once, lease cleaned`, () => {
        const s = session({ state, lastActivity: iso(NOW - age) });
        assert.deepEqual(one(s, live({ leaseHolderDead: true, leaseToken: "t" })), [
          "transition:zombie",
          "cleanLease",
          "notifyParent",
        ]);
        assert.deepEqual(
          one(s, live({ leaseHolderDead: true, leaseToken: "t", turnPid: 7, turnPidAlive: true })),
          ["transition:zombie", "cleanLease", "kill:turn", "notifyParent"],
        );
      });
    }
  }
  it("without a parent, or with notification off, no worker_died", () => {
    const l = live({ leaseHolderDead: true });
    assert.deepEqual(one(session({ parent: null }), l), ["transition:zombie", "cleanLease"]);
    assert.deepEqual(one(session(), l, { ...POLICY, notifyParentOnDeath: false }), [
      "transition:zombie",
      "cleanLease",
    ]);
  });
});

describe("watchdog decide: spawn-per-turn, turn in flight", () => {
  const inFlight = (quietMs: number, extra: Partial<AgentLiveness> = {}) =>
    live({
      turnInFlight: true,
      turnStartedAt: NOW - 60 * MIN,
      lastEventAt: NOW - quietMs,
      turnPid: 99,
      turnPidAlive: true,
      ...extra,
    });
  const rows: [number, string[]][] = [
    [0, []],
    [5 * MIN, []],
    [5 * MIN + 1, ["transition:stalled", "warn:0"]],
    [10 * MIN, ["transition:stalled", "warn:0"]],
    [10 * MIN + 1, ["transition:zombie", "kill:turn", "notifyParent"]],
  ];
  for (const state of ["booting", "working"] as const) {
    for (const [quiet, want] of rows) {
      it(`${state}, last event ${quiet / SEC} s ago → ${want.join(", ") || "nothing"}`, () => {
        assert.deepEqual(one(session({ state, lastActivity: iso(NOW - 90 * MIN) }), inFlight(quiet)), want);
      });
    }
  }
  it("a turn that never printed is judged from the lease's start", () => {
    const l = live({ turnInFlight: true, turnStartedAt: NOW - 6 * MIN, lastEventAt: null });
    assert.deepEqual(one(session(), l), ["transition:stalled", "warn:0"]);
    assert.deepEqual(one(session(), { ...l, turnStartedAt: NOW - MIN }), []);
  });

  const stalled = (level: number, sinceMin: number) =>
    session({
      state: "stalled",
      escalationKind: "stall",
      escalationLevel: level,
      stalledSince: iso(NOW - sinceMin * MIN),
    });
  const ladder: [number, number, string[]][] = [
    [0, 0.5, []],
    [0, 1, ["setEscalation:stall/1", "nudge:1"]],
    [1, 1.5, []],
    [1, 2, ["setEscalation:stall/2"]],
    [0, 2, ["setEscalation:stall/2", "nudge:1"]],
    [2, 3, ["transition:zombie", "kill:turn", "notifyParent"]],
    [0, 4, ["transition:zombie", "kill:turn", "notifyParent"]],
  ];
  for (const [level, since, want] of ladder) {
    it(`stall ladder: level ${level}, stalled ${since} min → ${want.join(", ") || "nothing"}`, () => {
      assert.deepEqual(one(stalled(level, since), inFlight(6 * MIN)), want);
    });
  }
  it("stall ladder level 2 triages only when triage is on", () => {
    assert.deepEqual(one(stalled(1, 2), inFlight(6 * MIN), { ...POLICY, triage: true }), [
      "setEscalation:stall/2",
      "triage:2",
    ]);
  });
  it("fresh events clear the stall ladder (stalled → working)", () => {
    assert.deepEqual(one(stalled(2, 2.5), inFlight(10 * SEC)), ["transition:working"]);
  });
  it("a turn answering an idle nudge leaves the idle ladder alone", () => {
    const s = session({
      escalationKind: "idle",
      stalledSince: iso(NOW - MIN),
      idleSince: iso(NOW - 7 * MIN),
    });
    assert.deepEqual(one(s, inFlight(10 * SEC)), []);
    assert.deepEqual(one(s, inFlight(6 * MIN)), ["transition:stalled", "warn:0"]);
  });
});

describe("watchdog decide: spawn-per-turn, idle between turns", () => {
  const idle = (ageMs: number, over: Partial<Session> = {}) =>
    session({ idleSince: iso(NOW - ageMs), lastActivity: iso(NOW - ageMs), ...over });
  const rows: [string, number, Partial<AgentLiveness>, string[]][] = [
    ["just idle", 0, {}, []],
    ["idle exactly staleMs", 5 * MIN, {}, []],
    ["idle past staleMs", 5 * MIN + 1, {}, ["setEscalation:idle/0", "nudge:0"]],
    ["idle for hours (never terminated)", 600 * MIN, {}, ["setEscalation:idle/0", "nudge:0"]],
    ["a lead waiting on live builders", 600 * MIN, { liveChildren: 2 }, []],
    ["an open decision gate", 600 * MIN, { lastSentType: "decision_gate" }, []],
    ["stranded unread mail", 2 * MIN, { unreadCount: 3, inboxChangedAt: NOW - 30 * SEC }, ["dispatch"]],
    ["mail younger than the sweep grace", 2 * MIN, { unreadCount: 1, inboxChangedAt: NOW - SEC }, []],
    [
      "stranded mail while idle past staleMs",
      6 * MIN,
      { unreadCount: 1, inboxChangedAt: NOW - MIN },
      ["dispatch"],
    ],
    ["recent events after idleSince", 6 * MIN, { lastEventAt: NOW - MIN }, []],
  ];
  for (const [what, age, l, want] of rows) {
    it(`${what} → ${want.join(", ") || "nothing"}`, () => {
      assert.deepEqual(one(idle(age), live(l)), want);
    });
  }
  it("a booting agent whose first turn never started is nudged (which starts it)", () => {
    const s = session({ state: "booting", turns: 0, lastActivity: iso(NOW - 6 * MIN) });
    assert.deepEqual(one(s, live()), ["setEscalation:idle/0", "nudge:0"]);
    assert.deepEqual(one({ ...s, lastActivity: iso(NOW - MIN) }, live()), []);
  });
  it("a stalled agent whose turn ended goes back to working", () => {
    const s = session({
      state: "stalled",
      escalationKind: "stall",
      escalationLevel: 1,
      stalledSince: iso(NOW - 90 * SEC),
      idleSince: iso(NOW - 10 * SEC),
    });
    assert.deepEqual(one(s, live()), ["transition:working"]);
    assert.deepEqual(one({ ...s, state: "working" }, live()), ["setEscalation:none/0"]);
  });

  const inLadder = (level: number, sinceMin: number) =>
    idle(20 * MIN, {
      escalationKind: "idle",
      escalationLevel: level,
      stalledSince: iso(NOW - sinceMin * MIN),
    });
  const ladder: [number, number, Partial<WatchdogPolicy>, string[]][] = [
    [0, 0.5, {}, []],
    [0, 1, {}, ["setEscalation:idle/1", "escalate:1"]],
    [1, 2, {}, ["setEscalation:idle/2"]],
    [1, 2, { triage: true }, ["setEscalation:idle/2", "triage:2"]],
    [2, 3, {}, ["setEscalation:idle/3"]],
    [0, 5, {}, ["setEscalation:idle/3", "escalate:1"]],
    [3, 500, {}, []],
  ];
  for (const [level, since, p, want] of ladder) {
    it(`idle ladder: level ${level}, started ${since} min ago${p.triage ? ", triage on" : ""} → ${want.join(", ") || "nothing"}`, () => {
      assert.deepEqual(one(inLadder(level, since), live(), { ...POLICY, ...p }), want);
    });
  }
  it("mail from another agent, or new children, end the idle ladder", () => {
    assert.deepEqual(one(inLadder(1, 2), live({ mailFromOthersAt: NOW - 30 * SEC })), [
      "setEscalation:none/0",
    ]);
    assert.deepEqual(one(inLadder(1, 2), live({ mailFromOthersAt: NOW - 5 * MIN })), [
      "setEscalation:idle/2",
    ]);
    assert.deepEqual(one(inLadder(1, 2), live({ liveChildren: 1 })), ["setEscalation:none/0"]);
  });
  it("escalates to the operator when the agent has no parent", () => {
    const [, esc] = decideAgent(NOW, { ...inLadder(0, 1), parent: null }, live(), POLICY, { triage: 3 });
    assert.equal(esc?.kind === "escalate" && esc.to, "operator");
  });
});

describe("watchdog decide: task-scoped agents with a long-lived process", () => {
  const withPid = (ageMs: number, state: SessionState = "working") =>
    session({ pid: 555, state, lastActivity: iso(NOW - ageMs) });
  const rows: [string, number, boolean, string[]][] = [
    ["alive, fresh", 0, true, []],
    ["alive, stale", 5 * MIN + 1, true, ["transition:stalled", "warn:0"]],
    ["alive, zombie-old", 10 * MIN + 1, true, ["transition:zombie", "kill:session", "notifyParent"]],
    ["dead, recent activity", MIN, false, DEATH],
    ["dead, stale activity (missed end signal)", 5 * MIN + 1, false, ["transition:completed"]],
  ];
  for (const state of ACTIVE) {
    for (const [what, age, alive, want] of rows) {
      const expect = state === "stalled" && what === "alive, fresh" ? ["transition:working"] : want;
      it(`${state}, ${what} → ${expect.join(", ") || "nothing"}`, () => {
        assert.deepEqual(one(withPid(age, state), live({ sessionPidAlive: alive })), expect);
      });
    }
  }
});

describe("watchdog decide: whole ticks", () => {
  it("runs at most maxTriagePerTick triages per tick", () => {
    const sessions = Array.from({ length: 5 }, (_, i) =>
      session({
        name: `b${i}`,
        state: "stalled",
        escalationKind: "stall",
        escalationLevel: 1,
        stalledSince: iso(NOW - 2 * MIN),
      }),
    );
    const l = new Map(
      sessions.map((s) => [
        s.name,
        live({ turnInFlight: true, turnStartedAt: NOW - 20 * MIN, lastEventAt: NOW - 7 * MIN }),
      ]),
    );
    const actions = decide(NOW, sessions, l, { ...POLICY, triage: true });
    assert.equal(actions.filter((a) => a.kind === "triage").length, 3);
  });

  const run = { id: "run-1", completed: false };
  const workers = (states: SessionState[]) =>
    states.map((state, i) => session({ name: `w${i}`, state, capability: i % 2 ? "scout" : "builder" }));
  const coordinator = session({
    name: "coordinator",
    capability: "coordinator",
    state: "working",
    parent: null,
  });
  it("records run completion once every worker of the run is completed or zombie", () => {
    const done = decide(
      NOW,
      [coordinator, ...workers(["completed", "zombie", "completed"])],
      new Map(),
      POLICY,
      run,
    );
    assert.deepEqual(
      done.filter((a) => a.kind === "completeRun"),
      [{ kind: "completeRun", runId: "run-1", completed: 2, zombie: 1, capabilities: ["builder", "scout"] }],
    );
  });
  for (const [what, sessions, r] of [
    ["a worker still active", [coordinator, ...workers(["completed", "working"])], run],
    ["no workers at all", [coordinator], run],
    ["already recorded", workers(["completed"]), { ...run, completed: true }],
    ["workers of another run", workers(["completed"]).map((s) => ({ ...s, runId: "run-0" })), run],
  ] as const) {
    it(`no run completion with ${what}`, () => {
      assert.equal(
        decide(NOW, sessions, new Map(), POLICY, r).filter((a) => a.kind === "completeRun").length,
        0,
      );
    });
  }
});
