import type { ChildProcess, SpawnOptions } from "node:child_process";
import { hostname } from "node:os";
import { childProcess } from "./builtins.js";

/** True when a process with this pid exists (signal 0 probe; EPERM means it exists). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function currentPid(): number {
  return process.pid;
}

export function currentHost(): string {
  return hostname();
}

/** Starts a detached process that outlives this one; stdio ignored unless given. */
export function spawnDetached(cmd: string, args: string[], opts: SpawnOptions = {}): number | undefined {
  const child = childProcess().spawn(cmd, args, { detached: true, stdio: "ignore", ...opts });
  child.unref();
  return child.pid;
}

export function spawnChild(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  return childProcess().spawn(cmd, args, opts);
}

/** Sends a signal to a process group (negative pid) or a process, ignoring "no such process". */
export function signal(pid: number, sig: NodeJS.Signals, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, sig);
    return true;
  } catch {
    return false;
  }
}
