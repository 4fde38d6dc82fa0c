import { messageOf } from "../core/errors.js";
import { sendMail } from "../mail/send.js";
import type { Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";

/**
 * Tells a dead agent's parent, in the agent's name: `worker_died`, priority high. Never throws; a
 * failure is logged. Sent only on a first transition into zombie, so the watchdog never doubles it.
 */
export async function notifyParentOfDeath(
  deps: Deps,
  session: Session,
  reason: string,
  log: (level: "info" | "warn" | "error", msg: string) => void,
  terminatedBy: "runner" | "tier0" | "tier1" = "runner",
): Promise<void> {
  if (!session.parent) return;
  try {
    await sendMail(deps, {
      from: session.name,
      to: session.parent,
      subject: `[${terminatedBy === "runner" ? "RUNNER" : "WATCHDOG"}] worker_died: ${session.name}`,
      body: [
        `Worker: ${session.name}`,
        `Capability: ${session.capability}`,
        `Task: ${session.task}`,
        `Reason: ${reason}`,
        `Last activity: ${session.lastActivity}`,
        "",
        "Decide whether to retry the work, escalate, or report the failure upstream.",
      ].join("\n"),
      type: "worker_died",
      priority: "high",
      payload: {
        agentName: session.name,
        capability: session.capability,
        taskId: session.task,
        reason,
        lastActivity: session.lastActivity,
        terminatedBy,
      },
    });
  } catch (e) {
    log("warn", `could not send worker_died to ${session.parent}: ${messageOf(e)}`);
  }
}
