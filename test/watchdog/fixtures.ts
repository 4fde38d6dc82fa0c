import type { Session } from "../../src/sessions/session.js";
import { NO_LIVENESS } from "../../src/watchdog/decide.js";
import type { Action, AgentLiveness, WatchdogPolicy } from "../../src/watchdog/types.js";

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60_000;

export const POLICY: WatchdogPolicy = {
  staleMs: 5 * MIN,
  zombieMs: 10 * MIN,
  nudgeIntervalMs: MIN,
  notifyParentOnDeath: true,
  triage: false,
  maxTriagePerTick: 3,
  sweepGraceMs: 5 * SEC,
};

export const iso = (ms: number) => new Date(ms).toISOString();

/** A session document for decider tables; times are relative to NOW. */
export function session(over: Partial<Session> & { name?: string } = {}): Session {
  return {
    v: 1,
    id: `s-${over.name ?? "builder-1"}`,
    name: "builder-1",
    capability: "builder",
    task: "task-1",
    branch: "ov/builder-1/task-1",
    baseBranch: "main",
    worktree: "/tmp/wt",
    runtime: "fixture",
    runtimeSessionId: null,
    parent: "lead-1",
    depth: 1,
    runId: "run-1",
    state: "working",
    pid: null,
    turns: 1,
    idleSince: null,
    startedAt: iso(NOW - 60 * MIN),
    lastActivity: iso(NOW),
    escalationLevel: 0,
    stalledSince: null,
    escalationKind: null,
    reason: null,
    ...over,
  };
}

export function live(over: Partial<AgentLiveness> = {}): AgentLiveness {
  return { ...NO_LIVENESS, ...over };
}

/** Compact view of actions: "transition:zombie", "kill:turn", "nudge:0", "escalate:1", "setEscalation:idle/1"… */
export function summary(actions: readonly Action[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case "transition":
        return `transition:${a.to}`;
      case "setEscalation":
        return `setEscalation:${a.escalation.kind ?? "none"}/${a.escalation.level}`;
      case "kill":
        return `kill:${a.source}`;
      case "nudge":
      case "escalate":
      case "warn":
      case "triage":
        return `${a.kind}:${a.level}`;
      default:
        return a.kind;
    }
  });
}
