import type { Writable } from "node:stream";
import { OvError } from "../../core/errors.js";
import type { Deps } from "../../store/deps.js";
import { claimPidFile, readPidFile, releasePidFile } from "../../sys/pid-file.js";
import { pidAlive, signal, spawnDetached } from "../../sys/process.js";
import { dispatchAgents } from "../../turn/dispatch.js";
import { type DaemonWiring, runLoop, tickOnce } from "../../watchdog/daemon.js";
import { formatApplied } from "../../watchdog/tick.js";
import type { CommandOutput } from "../ov-command.js";

function alreadyRunning(pid: number, pidFile: string): OvError {
  return new OvError(
    "LOCKED",
    pid > 0
      ? `watchdog already running (pid ${pid})`
      : "watchdog pid file is owned by another process (could not read its pid)",
    {
      data: { running: true, pid, pidFile },
      hint: `stop it (kill ${pid > 0 ? pid : "<pid>"}), run 'git ov watch --kill-others', or remove ${pidFile}`,
    },
  );
}

/** Claims the repository's watchdog pid file for `pid`, or throws LOCKED naming the live holder. */
export function claimOrRefuse(pidFile: string, pid: number): void {
  const claim = claimPidFile(pidFile, pid);
  if (!claim.ok) throw alreadyRunning(claim.existingPid, pidFile);
}

/**
 * Starts `git ov watch` detached and claims the pid file with the child's pid (the child's own
 * claim is then idempotent); if another watchdog won meanwhile, the child is stopped.
 */
export async function startBackground(
  deps: Deps,
  pidFile: string,
  selfBin: string,
  interval: number | undefined,
): Promise<number> {
  const existing = readPidFile(pidFile);
  if (typeof existing === "number" && existing !== process.pid && pidAlive(existing))
    throw alreadyRunning(existing, pidFile);
  const args = [selfBin, "watch", ...(interval !== undefined ? ["--interval", String(interval)] : [])];
  const pid = spawnDetached(process.execPath, args, { cwd: deps.repo.topLevel ?? deps.repo.cwd });
  if (pid === undefined) throw new OvError("INTERNAL", "could not start the background watchdog");
  const claim = claimPidFile(pidFile, pid);
  if (!claim.ok) {
    signal(pid, "SIGTERM");
    throw alreadyRunning(claim.existingPid, pidFile);
  }
  return pid;
}

export interface ForegroundOptions {
  pidFile: string;
  intervalMs: number;
  once: boolean;
  json: boolean;
  selfBin: string;
  stdout: Writable;
  stderr: Writable;
  killed: number[];
}

/** Runs ticks until SIGTERM/SIGINT (or one tick with `once`), holding the pid file throughout. */
export async function runForeground(deps: Deps, o: ForegroundOptions): Promise<CommandOutput> {
  const wiring: DaemonWiring = {
    deps,
    dispatch: async (agents) => {
      await dispatchAgents(deps, agents, o.selfBin);
    },
    // Human lines go to stdout; with --json stdout carries only the reports.
    echo: (line) => (o.json ? o.stderr : o.stdout).write(`${line}\n`),
  };
  try {
    if (o.once) {
      const report = await tickOnce({ ...wiring, echo: o.json ? (l) => o.stderr.write(`${l}\n`) : () => {} });
      const text = report.actions.length
        ? report.actions.map((r) => formatApplied(report.at, r)).join("\n")
        : `no action needed (${report.sessions} sessions)`;
      return { data: { ...report, killed: o.killed }, text };
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    if (!o.json)
      o.stdout.write(`watchdog running (pid ${process.pid}, every ${o.intervalMs} ms); Ctrl-C stops it\n`);
    const { abortableSleep } = await import("../../sys/clock.js");
    const ticks = await runLoop(wiring, {
      intervalMs: o.intervalMs,
      sleep: abortableSleep,
      signal: stop.signal,
      onTick: (r) => {
        if (o.json) o.stdout.write(`${JSON.stringify(r)}\n`);
      },
    });
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("SIGINT", onSignal);
    return o.json ? { lines: [] } : { text: `watchdog stopped after ${ticks} tick(s)` };
  } finally {
    releasePidFile(o.pidFile, process.pid);
  }
}
