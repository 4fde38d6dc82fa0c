import { describeProblem } from "../store/store.js";
import { isoTime } from "../sys/clock.js";
import { type AppliedAction, Applier, type TickContext } from "./apply.js";
import { decide } from "./decide.js";
import { observe } from "./observe.js";
import type { Action } from "./types.js";

export interface TickReport {
  at: string;
  sessions: number;
  /** Session documents that could not be read (reported, never fatal). */
  problems: string[];
  actions: AppliedAction[];
}

/** One watchdog tick: observe, decide, apply. Never throws for one agent's failure. */
export async function runTick(ctx: TickContext): Promise<TickReport> {
  const obs = await observe(ctx.deps, ctx.policy, ctx.cache);
  const actions = decide(obs.now, obs.sessions, obs.liveness, ctx.policy, obs.run);
  const applied = await new Applier(ctx, obs).applyAll(actions);
  return {
    at: isoTime(obs.now),
    sessions: obs.sessions.length,
    problems: obs.problems.map(describeProblem),
    actions: applied,
  };
}

/** One human line per applied action: `[HH:MM:SS] builder-1: transition -> zombie (reason) — done`. */
export function formatApplied(at: string, r: AppliedAction): string {
  const clock = at.slice(11, 19);
  const who =
    "agent" in r.action ? r.action.agent : r.action.kind === "completeRun" ? `run ${r.action.runId}` : "-";
  const outcome = r.outcome === "done" ? "" : ` [${r.outcome}]`;
  return `[${clock}] ${who}: ${describeAction(r.action)}${r.detail ? ` — ${r.detail}` : ""}${outcome}`;
}

function describeAction(a: Action): string {
  switch (a.kind) {
    case "transition":
      return `-> ${a.to} (${a.reason})`;
    case "setEscalation":
      return a.escalation.kind
        ? `${a.escalation.kind} escalation level ${a.escalation.level}`
        : "escalation cleared";
    case "kill":
      return `kill ${a.source} pid ${a.pid} (${a.reason})`;
    case "notifyParent":
      return `worker_died (${a.terminatedBy})`;
    case "cleanLease":
      return "clean dead turn lease";
    case "warn":
      return `warn: ${a.message}`;
    case "nudge":
      return `nudge (level ${a.level})`;
    case "escalate":
      return `escalate to ${a.to} (level ${a.level}, ${a.severity})`;
    case "triage":
      return "triage";
    case "dispatch":
      return `dispatch (${a.unread} unread)`;
    case "completeRun":
      return `run complete (${a.completed} completed, ${a.zombie} zombie)`;
  }
}
