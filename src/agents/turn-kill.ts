import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { pidAlive, signal } from "../sys/process.js";

/** `<git-common-dir>/ov/turns/<agent>.pid`: present only while a turn of the agent runs. */
export function turnPidPath(deps: Deps, agent: string): string {
  return join(ovDir(deps.repo), "turns", `${agent}.pid`);
}

/** The pid in an agent's turn pid file, if the file exists and holds one. */
export function readTurnPid(deps: Deps, agent: string): number | undefined {
  try {
    const m = /\d+/.exec(readFileSync(turnPidPath(deps, agent), "utf8"));
    return m ? Number(m[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the agent has a turn in flight (pid file with a live pid). */
export function turnInFlight(deps: Deps, agent: string): boolean {
  const pid = readTurnPid(deps, agent);
  return pid !== undefined && pidAlive(pid);
}

/**
 * Ends a process and its group: SIGTERM to the group (the turn engine starts runtimes as group
 * leaders), then SIGKILL after `graceMs` if anything survives. Returns true when it was alive.
 */
export async function killProcessTree(deps: Deps, pid: number, graceMs: number): Promise<boolean> {
  if (!pidAlive(pid)) return false;
  if (!signal(pid, "SIGTERM", true)) signal(pid, "SIGTERM");
  for (let waited = 0; waited < graceMs && pidAlive(pid); waited += 50) await deps.clock.sleep(50);
  if (pidAlive(pid) && !signal(pid, "SIGKILL", true)) signal(pid, "SIGKILL");
  return true;
}

/** Kills an agent's in-flight turn (if any) and removes its pid file; returns the pid killed. */
export async function killTurn(deps: Deps, agent: string, graceMs: number): Promise<number | undefined> {
  const pid = readTurnPid(deps, agent);
  const killed = pid !== undefined && (await killProcessTree(deps, pid, graceMs));
  const path = turnPidPath(deps, agent);
  // Remove only the file we acted on: a new turn may have written its own pid meanwhile.
  if (existsSync(path) && readTurnPid(deps, agent) === pid) rmSync(path, { force: true });
  return killed ? pid : undefined;
}
