import { sendMail } from "../mail/send.js";
import { type Session, isTerminal } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { WATCHDOG_SENDER } from "./mail-history.js";
import { markRunCompleted } from "./run-seam.js";
import type { Action } from "./types.js";

type CompleteRun = Extract<Action, { kind: "completeRun" }>;

const PHASE: Record<string, string> = {
  scout: "Ready for next phase.",
  builder: "Awaiting lead verification.",
  reviewer: "Reviews done.",
  lead: "Ready for merge/cleanup.",
  merger: "Merges done.",
};

/** The coordinator's phase message when every worker of a run is done. */
export function runCompleteMessage(a: CompleteRun): string {
  const n = a.completed + a.zombie;
  const verb =
    a.zombie > 0 ? `have terminated (${a.completed} completed, ${a.zombie} zombie)` : "have completed";
  const only = a.capabilities.length === 1 ? a.capabilities[0] : undefined;
  if (only)
    return `[WATCHDOG] All ${n} ${only}(s) in run ${a.runId} ${verb}. ${PHASE[only] ?? "Ready for next steps."}`;
  return `[WATCHDOG] All ${n} worker(s) in run ${a.runId} ${verb} (${a.capabilities.join(", ")}). Ready for next steps.`;
}

/** Records the run as completed and mails its live coordinator(s); returns who was told. */
export async function announceRunComplete(
  deps: Deps,
  sessions: readonly Session[],
  a: CompleteRun,
): Promise<string[]> {
  await markRunCompleted(deps, a.runId);
  const coordinators = sessions.filter(
    (s) =>
      s.capability === "coordinator" && !isTerminal(s.state) && (s.runId === null || s.runId === a.runId),
  );
  const body = runCompleteMessage(a);
  for (const c of coordinators) {
    await sendMail(deps, {
      from: WATCHDOG_SENDER,
      to: c.name,
      subject: body,
      body,
      type: "status",
      priority: "high",
      payload: { runId: a.runId },
    });
  }
  return coordinators.map((c) => c.name);
}
