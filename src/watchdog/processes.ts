import { realpathSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { readPidFile, releasePidFile } from "../sys/pid-file.js";
import { pidRunning, signal } from "../sys/process.js";
import { type ProcessInfo, listProcesses } from "../sys/process-scan.js";

const OV_NAMES = new Set(["ov", "git-ov", "overstory"]);

/** `<git-common-dir>/ov/watchdog.pid`: the one watchdog of this repository. */
export function watchdogPidPath(deps: Deps): string {
  return join(ovDir(deps.repo), "watchdog.pid");
}

/**
 * The directory a `git ov … watch` command line runs in (its cwd, moved by `-C <path>` options),
 * or undefined when `argv` is not one: an `ov`/`git-ov` token whose subcommand is `watch`.
 */
export function watchCommandDir(argv: readonly string[], cwd: string): string | undefined {
  const at = argv.findIndex((a) => OV_NAMES.has(basename(a)));
  if (at < 0) return undefined;
  let dir = cwd;
  let i = at + 1;
  while (argv[i] === "-C" && argv[i + 1] !== undefined) {
    const p = argv[i + 1]!;
    dir = isAbsolute(p) ? p : resolve(dir, p);
    i += 2;
  }
  return argv[i] === "watch" ? dir : undefined;
}

function inRepo(dir: string, deps: Deps): boolean {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return false;
  }
  const roots = [deps.repo.topLevel, deps.repo.commonDir].filter((r): r is string => !!r);
  return roots.some((r) => real === r || real.startsWith(`${r}/`));
}

/**
 * Live `git ov watch` processes of this repository (from /proc), excluding this process and its
 * parent. A `git` wrapper whose child is the watchdog itself is not counted twice.
 */
export function findWatchProcesses(deps: Deps): ProcessInfo[] {
  const mine = new Set([process.pid, process.ppid]);
  const found = listProcesses().filter((p) => {
    if (mine.has(p.pid) || p.cwd === null) return false;
    const dir = watchCommandDir(p.argv, p.cwd);
    return dir !== undefined && inRepo(dir, deps);
  });
  const parents = new Set(found.map((p) => p.ppid));
  return found.filter((p) => !parents.has(p.pid));
}

/**
 * SIGTERMs every other watchdog of this repository, waits up to `waitMs` for them to exit, and
 * removes the pid file if it names a process that is gone. Returns the pids signalled.
 */
export async function killOtherWatchdogs(deps: Deps, waitMs = 2000): Promise<number[]> {
  const victims = findWatchProcesses(deps).map((p) => p.pid);
  for (const pid of victims) signal(pid, "SIGTERM");
  for (let waited = 0; waited < waitMs && victims.some(pidRunning); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const path = watchdogPidPath(deps);
  const named = readPidFile(path);
  if (typeof named === "number" && !pidRunning(named)) releasePidFile(path, named);
  return victims;
}
