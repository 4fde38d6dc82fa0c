import { runGit } from "../../git/exec.js";
import type { LeadGateFacts } from "./types.js";

/**
 * Counts, from the commit trailers of every inbox ref, the merge_ready mails a lead sent and the
 * worker_done mails it received (distinct message ids; one `git log`, no blob reads).
 */
export async function leadGateFacts(cwd: string, lead: string): Promise<LeadGateFacts> {
  const res = await runGit(
    [
      "log",
      "--glob=refs/ov/mail/*",
      "-E",
      "--grep=^Ov-Type: (merge_ready|worker_done)$",
      "--format=%x00%(trailers:key=Ov-From,key=Ov-To,key=Ov-Type,key=Ov-Msg)",
    ],
    { cwd },
  );
  const sent = new Set<string>();
  const received = new Set<string>();
  for (const rec of res.stdout.split("\0")) {
    const t: Record<string, string> = {};
    for (const line of rec.split("\n")) {
      const m = /^(Ov-[A-Za-z]+): (.*)$/.exec(line.trim());
      if (m?.[1] && m[2] !== undefined) t[m[1]] = m[2];
    }
    const id = t["Ov-Msg"];
    if (!id) continue;
    if (t["Ov-Type"] === "merge_ready" && t["Ov-From"] === lead) sent.add(id);
    if (t["Ov-Type"] === "worker_done" && t["Ov-To"] === lead) received.add(id);
  }
  return { mergeReadySent: sent.size, workerDoneReceived: received.size };
}
