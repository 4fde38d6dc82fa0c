import { type Session, isTerminal } from "../sessions/session.js";
import {
  type TickBudget,
  formatAge,
  idleLadder,
  parseTime,
  recover,
  stallLadder,
  terminate,
} from "./ladder.js";
import type { Action, AgentLiveness, RunView, WatchdogPolicy } from "./types.js";

/** Roles that live in their own long-lived process: exempt from every time-based rule. */
export const PERSISTENT_ROLES: ReadonlySet<string> = new Set(["coordinator", "orchestrator", "monitor"]);

/** Liveness of an agent nothing was observed for. */
export const NO_LIVENESS: AgentLiveness = {
  turnInFlight: false,
  turnStartedAt: null,
  leaseHolderDead: false,
  leaseToken: null,
  turnPid: null,
  turnPidAlive: false,
  sessionPidAlive: null,
  lastEventAt: null,
  unreadCount: 0,
  inboxChangedAt: null,
  liveChildren: 0,
  mailFromOthersAt: null,
  lastSentType: null,
};

/**
 * The watchdog's health rules as a pure function: sessions + machine-local liveness + policy →
 * actions. No I/O; the loop applies the actions. Order within one agent matters (a transition
 * first, then the kill and notification that depend on it).
 */
export function decide(
  now: number,
  sessions: readonly Session[],
  liveness: ReadonlyMap<string, AgentLiveness>,
  policy: WatchdogPolicy,
  run?: RunView,
): Action[] {
  const budget: TickBudget = { triage: policy.maxTriagePerTick };
  const out: Action[] = [];
  for (const s of sessions)
    out.push(...decideAgent(now, s, liveness.get(s.name) ?? NO_LIVENESS, policy, budget));
  if (run) out.push(...decideRun(sessions, run));
  return out;
}

/** One agent's actions, by topology: terminal, persistent role, long-lived process, spawn-per-turn. */
export function decideAgent(
  now: number,
  s: Session,
  l: AgentLiveness,
  policy: WatchdogPolicy,
  budget: TickBudget,
): Action[] {
  if (isTerminal(s.state)) return housekeeping(s, l);
  if (PERSISTENT_ROLES.has(s.capability)) return persistentRules(s, l, policy);
  if (s.pid !== null) return processRules(now, s, l, policy, budget);
  return turnRules(now, s, l, policy, budget);
}

/** Latest sign of life of an agent between turns or of a long-lived process. */
export function activityAt(s: Session, l: AgentLiveness): number {
  return Math.max(parseTime(s.lastActivity) ?? 0, parseTime(s.idleSince) ?? 0, l.lastEventAt ?? 0);
}

/** Completed/zombie agents: nothing may keep running for them, and a crashed runner's lease goes. */
function housekeeping(s: Session, l: AgentLiveness): Action[] {
  const out: Action[] = [];
  if (l.turnPid !== null && l.turnPidAlive) {
    out.push({
      kind: "kill",
      agent: s.name,
      pid: l.turnPid,
      source: "turn",
      reason: `agent is ${s.state}; its turn process must not outlive it`,
    });
  }
  if (l.leaseHolderDead) out.push({ kind: "cleanLease", agent: s.name, token: l.leaseToken });
  return out;
}

/** Coordinator/orchestrator/monitor: only a dead process counts; time never does. */
function persistentRules(s: Session, l: AgentLiveness, policy: WatchdogPolicy): Action[] {
  if (s.pid !== null && l.sessionPidAlive === false)
    return terminate(s, `process ${s.pid} is gone`, policy, "tier0");
  return recover(s, "persistent role: exempt from stale detection");
}

/** Task-scoped agents with a long-lived process (tmux/pid): a dead pid is death, else the stall ladder. */
function processRules(
  now: number,
  s: Session,
  l: AgentLiveness,
  policy: WatchdogPolicy,
  budget: TickBudget,
): Action[] {
  const quiet = now - activityAt(s, l);
  if (l.sessionPidAlive === false) {
    if (quiet > policy.staleMs) {
      return [
        {
          kind: "transition",
          agent: s.name,
          to: "completed",
          reason: `process ${s.pid} exited and activity is ${formatAge(quiet)} old: assumed finished (missed end signal)`,
          escalation: { level: 0, since: null, kind: null },
        },
      ];
    }
    return terminate(s, `process ${s.pid} exited`, policy, "tier0");
  }
  return stallLadder(
    now,
    s,
    quiet,
    policy,
    budget,
    s.pid !== null ? { pid: s.pid, source: "session" } : undefined,
  );
}

/**
 * Spawn-per-turn agents: a dead runner is a crash (zombie now); a running turn is judged by its
 * events; between turns the agent is idle, which is normal — undelivered mail is dispatched, and
 * idling with nothing to wait for climbs the idle ladder.
 */
function turnRules(
  now: number,
  s: Session,
  l: AgentLiveness,
  policy: WatchdogPolicy,
  budget: TickBudget,
): Action[] {
  if (l.leaseHolderDead) {
    const out = terminate(
      s,
      "turn runner died mid-turn (its lease holder is gone)",
      policy,
      "tier0",
      killable(l),
    );
    out.splice(1, 0, { kind: "cleanLease", agent: s.name, token: l.leaseToken });
    return out;
  }
  if (l.turnInFlight) {
    const quiet = now - Math.max(l.lastEventAt ?? 0, l.turnStartedAt ?? 0);
    if (quiet <= policy.staleMs && s.escalationKind === "idle") return []; // answering a nudge: the idle ladder waits
    return stallLadder(now, s, quiet, policy, budget, killable(l));
  }
  const grace = l.inboxChangedAt === null || now - l.inboxChangedAt >= policy.sweepGraceMs;
  const sweep: Action[] =
    l.unreadCount > 0 && grace ? [{ kind: "dispatch", agent: s.name, unread: l.unreadCount }] : [];
  // A stall that ended with its turn is cleared first; the idle ladder starts afresh next tick.
  if (s.escalationKind === "stall" || s.state === "stalled")
    return [...recover(s, "the stalled turn ended"), ...sweep];
  return [...sweep, ...idleLadder(now, s, l, activityAt(s, l), policy, budget)];
}

/**
 * Agents whose mail history the idle ladder needs (mail from others, last sent type): spawn-per-turn
 * agents between turns that are in the idle ladder or idle past staleMs. Usually none or few.
 */
export function idleCandidates(
  now: number,
  sessions: readonly Session[],
  liveness: ReadonlyMap<string, AgentLiveness>,
  policy: WatchdogPolicy,
): Session[] {
  return sessions.filter((s) => {
    if (isTerminal(s.state) || PERSISTENT_ROLES.has(s.capability) || s.pid !== null) return false;
    const l = liveness.get(s.name) ?? NO_LIVENESS;
    if (l.turnInFlight || l.leaseHolderDead || l.liveChildren > 0) return false;
    return s.escalationKind === "idle" || now - activityAt(s, l) > policy.staleMs;
  });
}

function killable(l: AgentLiveness): { pid: number; source: "turn" } | undefined {
  return l.turnPid !== null && l.turnPidAlive ? { pid: l.turnPid, source: "turn" } : undefined;
}

/** The current run is complete when it has workers and every one is completed or zombie (recorded once). */
export function decideRun(sessions: readonly Session[], run: RunView): Action[] {
  if (run.completed) return [];
  const workers = sessions.filter((s) => s.runId === run.id && !PERSISTENT_ROLES.has(s.capability));
  if (workers.length === 0 || !workers.every((s) => isTerminal(s.state))) return [];
  const zombie = workers.filter((s) => s.state === "zombie").length;
  const capabilities = [...new Set(workers.map((s) => s.capability))].sort();
  return [{ kind: "completeRun", runId: run.id, completed: workers.length - zombie, zombie, capabilities }];
}
