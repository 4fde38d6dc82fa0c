import type { ChildProcess, SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";
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

/** CLK_TCK on Linux: /proc/<pid>/stat times are in these units per second. */
const TICKS_PER_SECOND = 100;
let bootTimeMs: number | null | undefined;

function readBootTimeMs(): number | null {
  if (bootTimeMs === undefined) {
    try {
      const m = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
      bootTimeMs = m?.[1] ? Number(m[1]) * 1000 : null;
    } catch {
      bootTimeMs = null;
    }
  }
  return bootTimeMs;
}

function procStatFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** When process `pid` started (ms since the epoch, ±1 s), or null when unknown (not Linux, gone). */
export function processStartedAt(pid: number): number | null {
  const boot = readBootTimeMs();
  const fields = procStatFields(pid);
  const ticks = fields ? Number(fields[19]) : Number.NaN;
  if (boot === null || !Number.isFinite(ticks)) return null;
  return boot + (ticks * 1000) / TICKS_PER_SECOND;
}

/** Like pidAlive, but a zombie process (exited, not yet reaped) counts as dead. */
export function pidRunning(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  return procStatFields(pid)?.[0] !== "Z";
}

/**
 * Stops a process group (or the single process when `pid` leads no group): SIGTERM, then SIGKILL
 * if it still runs after `graceMs`. Resolves with what happened.
 */
export async function terminateGroup(
  pid: number,
  graceMs: number,
  pollMs = 50,
): Promise<"gone" | "exited" | "killed"> {
  if (!pidRunning(pid)) return "gone";
  const send = (sig: NodeJS.Signals) => signal(pid, sig, true) || signal(pid, sig);
  send("SIGTERM");
  for (let waited = 0; waited < graceMs; waited += pollMs) {
    await sleepMs(pollMs);
    if (!pidRunning(pid)) return "exited";
  }
  send("SIGKILL");
  return "killed";
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started. */
  error?: string;
}

/** Runs `command` with `sh -c`, feeding `input` on stdin; the whole group is killed after `timeoutMs`. */
export function runShell(
  command: string,
  opts: { input: string; timeoutMs: number; cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = childProcess().spawn("sh", ["-c", command], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) signal(child.pid, "SIGKILL", true);
    }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdin.on("error", () => {
      /* the command may not read its input */
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, timedOut, error: e.message });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.end(opts.input);
  });
}
