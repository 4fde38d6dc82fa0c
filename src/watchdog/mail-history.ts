import type { Deps } from "../store/deps.js";

/** The name the watchdog sends its own mail (nudges, run completion) under. */
export const WATCHDOG_SENDER = "watchdog";

export interface MailHistory {
  /** Per recipient: commit time (ms) of the latest mail another agent (not the watchdog) sent it. */
  fromOthersAt: Map<string, number>;
  /** Per sender: the type of the latest mail it sent. */
  lastSentType: Map<string, string>;
}

const FIELDS = ["Ov-Op", "Ov-From", "Ov-To", "Ov-Type"].map(
  (k) => `%(trailers:key=${k},valueonly,separator=%x2C)`,
);

/**
 * Reads the send commits of every inbox since `sinceMs` with one `git log` (their trailers say who
 * sent what to whom), for the idle ladder: did anyone write to an idle agent, did it last ask for a
 * decision?
 */
export async function readMailHistory(deps: Deps, sinceMs: number): Promise<MailHistory> {
  const out: MailHistory = { fromOthersAt: new Map(), lastSentType: new Map() };
  const res = await deps.git.run(
    [
      "log",
      "--glob=refs/ov/mail/*",
      `--since=@${Math.max(0, Math.floor(sinceMs / 1000))}`,
      `--format=%ct%x1f${FIELDS.join("%x1f")}%x1e`,
    ],
    { check: false },
  );
  if (res.code !== 0) return out;
  const sentAt = new Map<string, number>();
  for (const rec of res.stdout.split("\x1e")) {
    const [ct, op, from, to, type] = rec.trim().split("\x1f");
    if (op !== "send" || !from || !to || !ct) continue;
    const at = Number(ct) * 1000;
    if (from !== to && from !== WATCHDOG_SENDER && at > (out.fromOthersAt.get(to) ?? -1))
      out.fromOthersAt.set(to, at);
    if (type && at > (sentAt.get(from) ?? -1)) {
      sentAt.set(from, at);
      out.lastSentType.set(from, type);
    }
  }
  return out;
}
