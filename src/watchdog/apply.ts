import { messageOf } from "../core/errors.js";
import { sendMail } from "../mail/send.js";
import { type Session, isTerminal } from "../sessions/session.js";
import { tryTransition, updateSession } from "../sessions/store.js";
import type { Deps } from "../store/deps.js";
import { notifyParentOfDeath } from "../turn/worker-died.js";
import { NO_LIVENESS } from "./decide.js";
import { type KillTarget, isoAt, terminate } from "./ladder.js";
import { WATCHDOG_SENDER } from "./mail-history.js";
import type { Observation } from "./observe.js";
import { cleanDeadLease, reap, turnPidStillNames } from "./reap.js";
import { announceRunComplete, runCompleteMessage } from "./run-complete.js";
import type { ObserveCache } from "./snapshot.js";
import { type Triage, triageInput } from "./triage.js";
import type { Action, WatchdogPolicy } from "./types.js";

/** Effects a tick applies its actions with. */
export interface TickContext {
  deps: Deps;
  policy: WatchdogPolicy;
  /** SIGTERM → SIGKILL delay for kills (`turn.killGraceMs`). */
  killGraceMs: number;
  /** Starts turns for agents that have mail to take (the CLI passes `dispatchAgents`). */
  dispatch: (agents: string[]) => Promise<void>;
  /** Tier 1; absent when `watchdog.triage` is off. */
  triage?: Triage;
  /**
   * Also dispatch the recipients of the watchdog's own mail (nudges, escalations, worker_died).
   * SEAM(mail): set false once `sendMail` dispatches its recipients itself.
   */
  dispatchOwnMail: boolean;
  log: (line: string) => void;
  /** Parsed documents kept between ticks of one daemon (refs that did not move are not re-read). */
  cache?: ObserveCache;
}

export interface AppliedAction {
  action: Action;
  outcome: "done" | "skipped" | "failed";
  detail?: string;
}

const RECOVERY_NUDGE =
  "[WATCHDOG] Triage suggests recovery is possible. Please retry your current operation or check for errors.";

/**
 * Applies one tick's actions in order. A refused transition (the state moved since it was
 * observed: the matrix never revives a zombie or reopens a completed agent) cancels that agent's
 * follow-ups; worker_died goes out only when this tick's own CAS moved the agent into zombie.
 */
export class Applier {
  readonly results: AppliedAction[] = [];
  private readonly refused = new Set<string>();
  private readonly zombified = new Map<string, Session>();
  private readonly toDispatch = new Set<string>();
  private readonly kills: Promise<void>[] = [];

  constructor(
    private readonly ctx: TickContext,
    private readonly obs: Observation,
  ) {}

  async applyAll(actions: readonly Action[]): Promise<AppliedAction[]> {
    for (const a of actions) await this.record(a);
    await Promise.all(this.kills);
    if (this.toDispatch.size > 0) {
      try {
        await this.ctx.dispatch([...this.toDispatch]);
      } catch (e) {
        this.ctx.log(`dispatch failed: ${messageOf(e)}`);
      }
    }
    return this.results;
  }

  private async record(a: Action): Promise<void> {
    const entry: AppliedAction = { action: a, outcome: "done" };
    this.results.push(entry);
    try {
      const r = await this.one(a, entry);
      if (r) Object.assign(entry, r);
    } catch (e) {
      entry.outcome = "failed";
      entry.detail = messageOf(e);
    }
  }

  private async one(a: Action, entry: AppliedAction): Promise<Partial<AppliedAction> | undefined> {
    const { deps } = this.ctx;
    if ("agent" in a && a.kind !== "transition" && this.refused.has(a.agent)) {
      return { outcome: "skipped", detail: "its transition was refused" };
    }
    switch (a.kind) {
      case "transition":
        return this.transition(a);
      case "setEscalation": {
        const e = a.escalation;
        await updateSession(
          deps,
          a.agent,
          (s) =>
            isTerminal(s.state)
              ? undefined
              : { escalationLevel: e.level, stalledSince: e.since, escalationKind: e.kind },
          e.kind ? `watchdog: ${e.kind} escalation level ${e.level}` : "watchdog: escalation cleared",
        );
        return undefined;
      }
      case "kill":
        return this.kill(a, entry);
      case "cleanLease":
        return cleanDeadLease(deps, a.agent, a.token)
          ? { detail: "lease removed" }
          : { outcome: "skipped", detail: "lease already gone or taken over" };
      case "notifyParent": {
        const s = this.zombified.get(a.agent);
        if (!s) return { outcome: "skipped", detail: "not this tick's death (already notified)" };
        if (!s.parent) return { outcome: "skipped", detail: "no parent" };
        await notifyParentOfDeath(
          deps,
          s,
          a.reason,
          (_l, m) => this.ctx.log(`${a.agent}: ${m}`),
          a.terminatedBy,
        );
        this.wake(s.parent);
        return { detail: `worker_died to ${s.parent}` };
      }
      case "warn":
        this.ctx.log(`${a.agent}: ${a.message}`);
        return undefined;
      case "nudge":
        await sendMail(deps, {
          from: WATCHDOG_SENDER,
          to: a.agent,
          subject: `[WATCHDOG] nudge: ${a.agent}`,
          body: a.message,
          type: "health_check",
          priority: "high",
          payload: { agentName: a.agent, checkType: "liveness", level: a.level },
        });
        this.wake(a.agent);
        return undefined;
      case "escalate":
        return this.escalate(a);
      case "triage":
        return this.triage(a.agent);
      case "dispatch":
        this.toDispatch.add(a.agent);
        return undefined;
      case "completeRun":
        return this.completeRun(a);
    }
  }

  private wake(agent: string): void {
    if (this.ctx.dispatchOwnMail) this.toDispatch.add(agent);
  }

  private async transition(a: Extract<Action, { kind: "transition" }>): Promise<Partial<AppliedAction>> {
    const e = a.escalation;
    const res = await tryTransition(this.ctx.deps, a.agent, a.to, {
      reason: `watchdog: ${a.reason}`,
      note: "(watchdog)",
      // The watchdog's own writes are not the agent's activity.
      patch: (_next, prev) => ({
        lastActivity: prev.lastActivity,
        ...(e ? { escalationLevel: e.level, stalledSince: e.since, escalationKind: e.kind } : {}),
      }),
    });
    if (!res.ok) {
      this.refused.add(a.agent);
      return {
        outcome: "skipped",
        detail: res.reason === "illegal_transition" ? `refused: state is now ${res.prev}` : "no session",
      };
    }
    if (res.next === "zombie" && res.prev !== "zombie") this.zombified.set(a.agent, res.session);
    return { detail: `${res.prev} -> ${res.next}` };
  }

  private kill(a: Extract<Action, { kind: "kill" }>, entry: AppliedAction): Partial<AppliedAction> {
    if (a.source === "turn" && !turnPidStillNames(this.ctx.deps, a.agent, a.pid)) {
      return { outcome: "skipped", detail: "the turn already ended" };
    }
    this.kills.push(
      reap(this.ctx.deps, a.agent, a.pid, a.source, this.ctx.killGraceMs).then((how) => {
        entry.detail = how;
      }),
    );
    return { detail: `pid ${a.pid}: signalled` };
  }

  private async escalate(a: Extract<Action, { kind: "escalate" }>): Promise<Partial<AppliedAction>> {
    const s = this.session(a.agent);
    await sendMail(this.ctx.deps, {
      from: a.agent,
      to: a.to,
      subject: `[WATCHDOG] escalation: ${a.agent} is idle without its terminal mail`,
      body: a.context,
      type: "escalation",
      priority: a.severity === "critical" ? "urgent" : "high",
      payload: {
        severity: a.severity,
        taskId: s?.task ?? null,
        context: a.context,
        agentName: a.agent,
        level: a.level,
      },
    });
    this.wake(a.to);
    return { detail: `escalation to ${a.to}` };
  }

  private async triage(agent: string): Promise<Partial<AppliedAction>> {
    const s = this.session(agent);
    if (!this.ctx.triage || !s) return { outcome: "skipped", detail: "triage is off" };
    const verdict = await this.ctx.triage.classify(
      triageInput(this.ctx.deps, s, s.escalationKind ?? "stall"),
    );
    const detail = `verdict ${verdict.verdict}${verdict.fallback ? " (fallback)" : ""}${verdict.reason ? `: ${verdict.reason}` : ""}`;
    if (verdict.verdict === "retry") {
      await this.record({ kind: "nudge", agent, level: 2, message: RECOVERY_NUDGE });
    } else if (verdict.verdict === "terminate") {
      const l = this.obs.liveness.get(agent) ?? NO_LIVENESS;
      const target: KillTarget | undefined =
        l.turnPid !== null && l.turnPidAlive
          ? { pid: l.turnPid, source: "turn" }
          : s.pid !== null
            ? { pid: s.pid, source: "session" }
            : undefined;
      for (const f of terminate(
        s,
        "AI triage classified it as a terminal failure",
        this.ctx.policy,
        "tier1",
        target,
      ))
        await this.record(f);
    } else {
      // extend: the ladder starts over from now.
      await this.record({
        kind: "setEscalation",
        agent,
        escalation: { level: 0, since: isoAt(this.obs.now), kind: s.escalationKind ?? "stall" },
      });
    }
    return { detail };
  }

  private async completeRun(a: Extract<Action, { kind: "completeRun" }>): Promise<Partial<AppliedAction>> {
    const told = await announceRunComplete(this.ctx.deps, this.obs.sessions, a);
    for (const c of told) this.wake(c);
    this.ctx.log(runCompleteMessage(a));
    return { detail: told.length ? `told ${told.join(", ")}` : "no coordinator to tell" };
  }

  private session(agent: string): Session | undefined {
    return this.obs.sessions.find((s) => s.name === agent);
  }
}
