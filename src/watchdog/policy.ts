import type { ResolvedConfig } from "../config/config.js";
import type { WatchdogPolicy } from "./types.js";

/** Triages per tick: each one runs a model, so a swarm-wide stall does not start dozens at once. */
export const MAX_TRIAGE_PER_TICK = 3;

/** The decider's thresholds from `watchdog.*` configuration. */
export function policyFromConfig(cfg: ResolvedConfig): WatchdogPolicy {
  return {
    staleMs: cfg.num("watchdog.staleMs"),
    zombieMs: cfg.num("watchdog.zombieMs"),
    nudgeIntervalMs: cfg.num("watchdog.nudgeIntervalMs"),
    notifyParentOnDeath: cfg.bool("watchdog.notifyParentOnDeath"),
    triage: cfg.bool("watchdog.triage"),
    maxTriagePerTick: MAX_TRIAGE_PER_TICK,
    sweepGraceMs: cfg.num("watchdog.sweepGraceMs"),
  };
}
