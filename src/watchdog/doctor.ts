import { rmSync } from "node:fs";
import type { CheckResult } from "../setup/contracts.js";
import { ACTIVE_STATES, listSessions } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { readPidFile } from "../sys/pid-file.js";
import { pidRunning, signal } from "../sys/process.js";
import { findWatchProcesses, watchdogPidPath } from "./processes.js";

const CATEGORY = "watchdog";

/**
 * `git ov doctor --category watchdog`: the pid file names a live watchdog (else it is stale), and
 * exactly one `git ov watch` runs for this repository. `fix` removes a stale pid file and stops
 * watchdogs the pid file does not name.
 */
export async function checkWatchdog(deps: Deps, fix: boolean): Promise<CheckResult[]> {
  const path = watchdogPidPath(deps);
  const named = readPidFile(path);
  const procs = findWatchProcesses(deps);
  const out: CheckResult[] = [];
  const isWatch = (pid: number) => procs.some((p) => p.pid === pid);
  if (named === undefined) {
    const { sessions } = await listSessions(deps);
    const active = sessions.filter((s) => ACTIVE_STATES.includes(s.state)).length;
    out.push(
      active > 0 && procs.length === 0
        ? {
            category: CATEGORY,
            name: "daemon",
            status: "warn",
            message: `no watchdog running while ${active} agent(s) are active`,
            fix: "git ov watch --background",
          }
        : {
            category: CATEGORY,
            name: "daemon",
            status: "ok",
            message: procs.length ? "running (no pid file)" : "not running; no active agents",
          },
    );
  } else if (named === null || !pidRunning(named) || !isWatch(named)) {
    const why =
      named === null
        ? "is unreadable"
        : !pidRunning(named)
          ? `names pid ${named}, which is not running`
          : `names pid ${named}, which is not a git ov watch of this repository`;
    const r: CheckResult = {
      category: CATEGORY,
      name: "pid file",
      status: "fail",
      message: `stale pid file ${path}: it ${why}`,
      fix: `rm '${path}' (git ov watch replaces a stale one by itself)`,
    };
    if (fix) {
      rmSync(path, { force: true });
      r.fixed = true;
    }
    out.push(r);
  } else {
    out.push({
      category: CATEGORY,
      name: "pid file",
      status: "ok",
      message: `watchdog running (pid ${named})`,
    });
  }
  const extra = procs.filter((p) => p.pid !== named);
  if (procs.length > 1 || (extra.length > 0 && typeof named === "number" && isWatch(named))) {
    const pids = procs.map((p) => p.pid).join(", ");
    const r: CheckResult = {
      category: CATEGORY,
      name: "daemons",
      status: "fail",
      message: `${procs.length} watchdog processes for this repository (pids ${pids}); they act twice on every agent`,
      fix: "git ov watch --kill-others --background",
    };
    if (fix && typeof named === "number" && isWatch(named)) {
      for (const p of extra) signal(p.pid, "SIGTERM");
      r.fixed = true;
    }
    out.push(r);
  } else {
    out.push({
      category: CATEGORY,
      name: "daemons",
      status: "ok",
      message: procs.length === 1 ? "one watchdog process" : "no watchdog process",
    });
  }
  return out;
}
