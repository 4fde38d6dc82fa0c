import type { SessionState } from "../sessions/session.js";

export interface TurnFacts {
  events: number;
  exitCode: number | null;
  cleanResult: boolean;
  terminalMail: boolean;
  stalled: boolean;
  aborted: boolean;
  spawnError: string | null;
  initialState: SessionState | null;
}

/**
 * The state a turn ends in (first match wins). Unlike the reference, a clean turn without terminal
 * mail leaves the agent idle (working) awaiting mail; the watchdog handles agents that forget.
 */
export function decideFinalState(f: TurnFacts): { state: SessionState; reason: string } {
  if (f.aborted) return { state: "zombie", reason: "aborted by operator (SIGTERM)" };
  if (f.stalled) return { state: "zombie", reason: "stalled: no runtime event within the stall timeout" };
  if (f.spawnError !== null) return { state: "zombie", reason: `runtime failed to start: ${f.spawnError}` };
  if (f.cleanResult && f.terminalMail)
    return { state: "completed", reason: "finished with its terminal mail" };
  if (f.events === 0 && f.exitCode !== 0)
    return { state: "zombie", reason: `runtime exited ${f.exitCode ?? "by signal"} without any event` };
  if (f.events === 0) {
    const keep = f.initialState === null || f.initialState === "booting" ? "working" : f.initialState;
    return { state: keep, reason: "runtime printed no events" };
  }
  if (!f.cleanResult)
    return { state: "working", reason: "turn ended without a clean result; idle awaiting mail" };
  return { state: "working", reason: "idle awaiting mail (no terminal mail yet)" };
}
