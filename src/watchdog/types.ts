import type { EscalationKind, SessionState } from "../sessions/session.js";

/** What the watchdog observed about one agent outside its session document (machine-local facts). */
export interface AgentLiveness {
  /** The turn lease is held by a live process (or by a process on another host): a turn is running. */
  turnInFlight: boolean;
  /** When the current lease was taken (ms), while a turn is in flight. */
  turnStartedAt: number | null;
  /** A lease file whose holder died on this host: the turn runner crashed (SIGKILL, OOM, reboot). */
  leaseHolderDead: boolean;
  /** Token of the lease file seen (so a cleanup never removes a newer lease). */
  leaseToken: string | null;
  /** Pid in `turns/<agent>.pid` (the runtime of the running turn, its own process-group leader). */
  turnPid: number | null;
  turnPidAlive: boolean;
  /** Liveness of `session.pid` for long-lived (tmux/persistent) agents; null when the session has none. */
  sessionPidAlive: boolean | null;
  /** Last write to the agent's event log (ms): the runtime's last sign of life. */
  lastEventAt: number | null;
  /** Unread messages in the agent's inbox. */
  unreadCount: number;
  /** Commit time of the inbox tip (ms): when mail last arrived or was acked. */
  inboxChangedAt: number | null;
  /** Active sessions whose parent is this agent. */
  liveChildren: number;
  /** Latest mail sent to this agent by another agent (not by the watchdog); looked up for idle candidates only. */
  mailFromOthersAt: number | null;
  /** Type of the latest mail this agent sent; looked up for idle candidates only. */
  lastSentType: string | null;
}

/** Thresholds and switches, from `watchdog.*` config. */
export interface WatchdogPolicy {
  staleMs: number;
  zombieMs: number;
  nudgeIntervalMs: number;
  notifyParentOnDeath: boolean;
  triage: boolean;
  /** At most this many triages per tick (each runs a model). */
  maxTriagePerTick: number;
  /** Unread mail younger than this is left to the sender's own dispatch. */
  sweepGraceMs: number;
}

/** The current run as the decider sees it. */
export interface RunView {
  id: string;
  /** Completion already recorded (so it is recorded once). */
  completed: boolean;
}

export interface EscalationPatch {
  level: number;
  since: string | null;
  kind: EscalationKind | null;
}

export type TerminatedBy = "tier0" | "tier1";

/** What the watchdog should do; data only. The loop applies it through the store. */
export type Action =
  | { kind: "transition"; agent: string; to: SessionState; reason: string; escalation?: EscalationPatch }
  | { kind: "setEscalation"; agent: string; escalation: EscalationPatch }
  /** Kill the process group of `pid` (SIGTERM, then SIGKILL after the grace). `source` says where the pid came from. */
  | { kind: "kill"; agent: string; pid: number; source: "turn" | "session"; reason: string }
  /** worker_died to the parent; applied only when this tick's transition of `agent` into zombie landed first. */
  | { kind: "notifyParent"; agent: string; reason: string; terminatedBy: TerminatedBy }
  | { kind: "cleanLease"; agent: string; token: string | null }
  | { kind: "warn"; agent: string; message: string; level: number }
  | { kind: "nudge"; agent: string; message: string; level: number }
  | {
      kind: "escalate";
      agent: string;
      to: string;
      level: number;
      severity: "warning" | "critical";
      context: string;
    }
  | { kind: "triage"; agent: string; level: number }
  | { kind: "dispatch"; agent: string; unread: number }
  | { kind: "completeRun"; runId: string; completed: number; zombie: number; capabilities: string[] };

export type ActionKind = Action["kind"];
