import type { Session } from "../sessions/session.js";
import type { Action, AgentLiveness, EscalationPatch, TerminatedBy, WatchdogPolicy } from "./types.js";

/** Highest escalation level: warn (0) → nudge (1) → triage (2) → terminate (3). */
export const MAX_LEVEL = 3;

export const RESET: EscalationPatch = { level: 0, since: null, kind: null };

/** A process the watchdog may kill for an agent. */
export interface KillTarget {
  pid: number;
  source: "turn" | "session";
}

/** Mutable per-tick allowance shared by every agent's decision (triage runs a model). */
export interface TickBudget {
  triage: number;
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** "42s", "5m00s", "2h03m". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Escalation level reached `now`, one step per `nudgeIntervalMs` since the ladder started. */
export function ladderLevel(now: number, since: number, policy: WatchdogPolicy): number {
  return Math.max(0, Math.min(MAX_LEVEL, Math.floor((now - since) / policy.nudgeIntervalMs)));
}

/** True when the session records any escalation to clear. */
export function hasEscalation(s: Session): boolean {
  return s.escalationLevel !== 0 || s.stalledSince !== null || (s.escalationKind ?? null) !== null;
}

/** Zombie now: CAS (escalation cleared), kill what still runs, tell the parent (once; the loop checks). */
export function terminate(
  s: Session,
  reason: string,
  policy: WatchdogPolicy,
  by: TerminatedBy,
  target?: KillTarget,
): Action[] {
  const out: Action[] = [{ kind: "transition", agent: s.name, to: "zombie", reason, escalation: RESET }];
  if (target) out.push({ kind: "kill", agent: s.name, pid: target.pid, source: target.source, reason });
  if (policy.notifyParentOnDeath && s.parent)
    out.push({ kind: "notifyParent", agent: s.name, reason, terminatedBy: by });
  return out;
}

/** Clears a finished ladder; a `stalled` agent goes back to `working`. */
export function recover(s: Session, reason: string): Action[] {
  if (s.state === "stalled")
    return [{ kind: "transition", agent: s.name, to: "working", reason, escalation: RESET }];
  return hasEscalation(s) ? [{ kind: "setEscalation", agent: s.name, escalation: RESET }] : [];
}

function steps(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from + 1; k <= to; k++) out.push(k);
  return out;
}

/**
 * The stall ladder for a live turn or process that went quiet for `quiet` ms: stalled + warn at
 * staleMs, then one step per nudge interval (nudge, triage, terminate); zombieMs of silence
 * terminates at once. Steps skipped between two ticks are all taken, except that terminate
 * pre-empts the others.
 */
export function stallLadder(
  now: number,
  s: Session,
  quiet: number,
  policy: WatchdogPolicy,
  budget: TickBudget,
  target: KillTarget | undefined,
): Action[] {
  if (quiet > policy.zombieMs)
    return terminate(s, `no activity for ${formatAge(quiet)}`, policy, "tier0", target);
  if (quiet <= policy.staleMs) {
    return s.escalationKind === "stall" || s.state === "stalled" ? recover(s, "activity resumed") : [];
  }
  const since = s.escalationKind === "stall" ? parseTime(s.stalledSince) : null;
  if (since === null) {
    return [
      {
        kind: "transition",
        agent: s.name,
        to: "stalled",
        reason: `no runtime activity for ${formatAge(quiet)}`,
        escalation: { level: 0, since: isoAt(now), kind: "stall" },
      },
      {
        kind: "warn",
        agent: s.name,
        level: 0,
        message: `stalled: no runtime activity for ${formatAge(quiet)}`,
      },
    ];
  }
  const level = ladderLevel(now, since, policy);
  const out: Action[] = [];
  if (s.state !== "stalled") {
    out.push({
      kind: "transition",
      agent: s.name,
      to: "stalled",
      reason: `still no runtime activity (${formatAge(quiet)})`,
    });
  }
  if (level <= s.escalationLevel) return out;
  const todo = steps(s.escalationLevel, level);
  if (todo.includes(MAX_LEVEL)) {
    return terminate(
      s,
      `stalled for ${formatAge(now - since)}: escalation reached its last level`,
      policy,
      "tier0",
      target,
    );
  }
  out.push({
    kind: "setEscalation",
    agent: s.name,
    escalation: { level, since: s.stalledSince, kind: "stall" },
  });
  for (const k of todo) {
    if (k === 1) {
      out.push({
        kind: "nudge",
        agent: s.name,
        level: k,
        message: `[WATCHDOG] Agent "${s.name}" appears stalled (no runtime activity for ${formatAge(quiet)}). Please check your current task and report status.`,
      });
    }
    if (k === 2 && policy.triage && budget.triage > 0) {
      budget.triage--;
      out.push({ kind: "triage", agent: s.name, level: k });
    }
  }
  return out;
}

/** Whether an idle agent (no turn in flight) has something legitimate to wait for. */
function waiting(l: AgentLiveness): boolean {
  return l.liveChildren > 0 || l.lastSentType === "decision_gate";
}

/**
 * The idle ladder for a spawn-per-turn agent between turns: after staleMs idle with no unread mail,
 * no live children and no open decision gate it is nudged (level 0); if it is still idle a nudge
 * interval later its parent gets an escalation (1); then triage (2, when enabled). Idle agents hold
 * no process and are never terminated by time. Mail from another agent, or children, end the ladder.
 */
export function idleLadder(
  now: number,
  s: Session,
  l: AgentLiveness,
  activityAt: number,
  policy: WatchdogPolicy,
  budget: TickBudget,
): Action[] {
  const inLadder = s.escalationKind === "idle";
  const since = inLadder ? parseTime(s.stalledSince) : null;
  if (waiting(l)) return inLadder ? recover(s, "waiting on children or a decision") : [];
  if (inLadder && since !== null) {
    if (l.mailFromOthersAt !== null && l.mailFromOthersAt > since) return recover(s, "new mail arrived");
    const level = ladderLevel(now, since, policy);
    if (level <= s.escalationLevel) return [];
    const out: Action[] = [
      { kind: "setEscalation", agent: s.name, escalation: { level, since: s.stalledSince, kind: "idle" } },
    ];
    for (const k of steps(s.escalationLevel, level)) {
      if (k === 1) {
        out.push({
          kind: "escalate",
          agent: s.name,
          to: s.parent ?? "operator",
          level: k,
          severity: "warning",
          context: `${s.name} (${s.capability}, task ${s.task}) has been idle since ${s.idleSince ?? s.lastActivity} without its terminal mail, with no unread mail and no running children; it was nudged ${formatAge(now - since)} ago. Reply to it with what it should do, or stop it with: git ov stop ${s.name}`,
        });
      }
      if (k === 2 && policy.triage && budget.triage > 0) {
        budget.triage--;
        out.push({ kind: "triage", agent: s.name, level: k });
      }
    }
    return out;
  }
  const idleFor = now - activityAt;
  if (idleFor <= policy.staleMs || l.unreadCount > 0) return [];
  return [
    { kind: "setEscalation", agent: s.name, escalation: { level: 0, since: isoAt(now), kind: "idle" } },
    {
      kind: "nudge",
      agent: s.name,
      level: 0,
      message: `[WATCHDOG] You have been idle for ${formatAge(idleFor)} with no unread mail and no running children. Finish with your terminal mail (e.g. worker_done to ${s.parent ?? "your parent"}), or send ${s.parent ?? "your parent"} a mail saying what you are waiting for.`,
    },
  ];
}
