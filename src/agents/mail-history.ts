import { isRecord } from "../core/json.js";
import type { Deps } from "../store/deps.js";

/** A merge_ready mail an agent sent, with the branch named in its payload (if any). */
export interface MergeReadySent {
  id: string;
  branch: string | undefined;
}

/** merge_ready mails sent by `agent`, found by commit trailers across every inbox ref. */
export async function mergeReadySentBy(deps: Deps, agent: string): Promise<MergeReadySent[]> {
  const res = await deps.git.run(
    [
      "log",
      "--glob=refs/ov/mail/*",
      "--all-match",
      `--grep=^Ov-From: ${agent.replace(/\./g, "\\.")}$`,
      "--grep=^Ov-Type: merge_ready$",
      "--format=%H %(trailers:key=Ov-Msg,valueonly,separator=%x20)",
    ],
    { check: false },
  );
  const seen = new Map<string, MergeReadySent>();
  for (const line of res.stdout.split("\n")) {
    const [commit, id] = line.trim().split(/\s+/);
    if (!commit || !id || seen.has(id)) continue;
    const obj = await deps.git.readObject(`${commit}:unread/${id}.json`);
    let branch: string | undefined;
    try {
      const msg: unknown = obj ? JSON.parse(obj.body.toString("utf8")) : undefined;
      const b = isRecord(msg) && isRecord(msg.payload) ? msg.payload.branch : undefined;
      branch = typeof b === "string" && b !== "" ? b : undefined;
    } catch {
      branch = undefined;
    }
    seen.set(id, { id, branch });
  }
  return [...seen.values()];
}

/** The notice subject the reference derives from a stopped lead's merge_ready mails. */
export function leadStoppedSubject(lead: string, sent: readonly MergeReadySent[]): string {
  if (sent.length === 0) return `Lead ${lead} exited — no merge_ready sent, needs coordinator follow-up`;
  const branches = [...new Set(sent.map((s) => s.branch).filter((b): b is string => b !== undefined))];
  if (branches.length === 0) return `Lead ${lead} sent ${sent.length} merge_ready (branch unknown)`;
  if (sent.length === 1) return `Lead ${lead} sent merge_ready for branch ${branches[0]}`;
  return `Lead ${lead} sent ${sent.length} merge_ready (branches: ${branches.join(", ")})`;
}
