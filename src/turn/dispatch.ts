import { ovDir } from "../git/repo.js";
import { readSession, isTerminal } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { holderDead, readLease } from "../sys/lease.js";
import { spawnDetached } from "../sys/process.js";
import { markPending } from "./deliver.js";
import { turnLockPath } from "./lock.js";

/** Roles that live in their own long-lived process and never take spawn-per-turn turns. */
const PERSISTENT = new Set(["coordinator", "orchestrator", "monitor"]);

export type DispatchOutcome = "started" | "pending" | "skipped";

/**
 * Wakes agents that just received mail: leaves a pending mark first, then starts a detached
 * `git ov turn <agent>` unless a live turn holds the lock (that turn sees the mark before it lets
 * go, and re-checks it after release, so no wake-up is lost). Idempotent.
 */
export async function dispatchAgents(
  deps: Deps,
  agents: readonly string[],
  selfBin: string,
): Promise<Record<string, DispatchOutcome>> {
  const out: Record<string, DispatchOutcome> = {};
  for (const agent of new Set(agents)) {
    const read = await readSession(deps, agent);
    if (read.kind !== "ok" || isTerminal(read.value.state) || PERSISTENT.has(read.value.capability)) {
      out[agent] = "skipped";
      continue;
    }
    markPending(deps, agent);
    const holder = readLease(turnLockPath(ovDir(deps.repo), agent));
    if (holder && !holderDead(holder)) {
      out[agent] = "pending";
      continue;
    }
    spawnDetached(process.execPath, [selfBin, "turn", agent, "--quiet"], {
      cwd: deps.repo.topLevel ?? deps.repo.cwd,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_OV_"))),
    });
    out[agent] = "started";
  }
  return out;
}
