import { existsSync, rmSync } from "node:fs";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { readLease, releaseLease } from "../sys/lease.js";
import { readPidFile } from "../sys/pid-file.js";
import { pidRunning, terminateGroup } from "../sys/process.js";
import { turnLockPath, turnPidPath } from "../turn/lock.js";

/** True while `turns/<agent>.pid` still names `pid` (the turn it belongs to has not ended). */
export function turnPidStillNames(deps: Deps, agent: string, pid: number): boolean {
  return readPidFile(turnPidPath(ovDir(deps.repo), agent)) === pid;
}

/**
 * Stops a process group (SIGTERM, SIGKILL after `graceMs`); for a turn's runtime also removes the
 * pid file its dead runner can no longer remove. Resolves with what happened.
 */
export async function reap(
  deps: Deps,
  agent: string,
  pid: number,
  source: "turn" | "session",
  graceMs: number,
): Promise<string> {
  const how = await terminateGroup(pid, graceMs);
  const pidPath = turnPidPath(ovDir(deps.repo), agent);
  if (source === "turn" && readPidFile(pidPath) === pid && !pidRunning(pid)) rmSync(pidPath, { force: true });
  return `pid ${pid}: ${how}`;
}

/**
 * Removes a crashed runner's lease — only the lease seen (same token) and only if its holder is
 * still gone, so a runner that took it over meanwhile keeps it — and a pid file naming no live
 * process. Returns true when the lease was removed.
 */
export function cleanDeadLease(deps: Deps, agent: string, token: string | null): boolean {
  const ov = ovDir(deps.repo);
  const path = turnLockPath(ov, agent);
  const cur = readLease(path);
  const removed = cur !== undefined && cur.token === token && !pidRunning(cur.pid) && releaseLease(path, cur);
  const pidPath = turnPidPath(ov, agent);
  const pid = readPidFile(pidPath);
  if (existsSync(pidPath) && (typeof pid !== "number" || !pidRunning(pid))) rmSync(pidPath, { force: true });
  return removed;
}
