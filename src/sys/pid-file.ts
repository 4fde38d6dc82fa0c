import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { pidAlive } from "./process.js";
import { randomToken } from "./random.js";

export type PidFileClaim = { ok: true } | { ok: false; existingPid: number };

/** The pid recorded in a `<pid>\n` file; undefined when absent, null when unreadable garbage. */
export function readPidFile(path: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const m = /^\s*(\d+)\s*$/.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}

/**
 * Claims the pid file at `path` for `pid`, atomically: the file is written under a unique temp name
 * and `link()`ed into place, so two claimants never both win. An existing file naming `pid` is ours
 * already; one naming a dead pid, or garbage, is replaced under a short-lived `<path>.takeover` guard
 * (so a claimant cannot remove a file another one just linked). A live foreign pid refuses.
 */
export function claimPidFile(path: string, pid: number): PidFileClaim {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = `${path}.${pid}.${randomToken(8)}.tmp`;
    writeFileSync(tmp, `${pid}\n`);
    try {
      linkSync(tmp, path);
      return { ok: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      unlinkQuiet(tmp);
    }
    const cur = readPidFile(path);
    if (cur === pid) return { ok: true };
    if (typeof cur === "number" && pidAlive(cur)) return { ok: false, existingPid: cur };
    if (cur !== undefined) replaceStale(path, cur);
  }
  const last = readPidFile(path);
  return { ok: false, existingPid: typeof last === "number" ? last : -1 };
}

function replaceStale(path: string, seen: number | null): void {
  const guard = `${path}.takeover`;
  try {
    if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkQuiet(guard);
  } catch {
    /* no guard */
  }
  let fd: number;
  try {
    fd = openSync(guard, "wx");
  } catch {
    return; // another claimant is replacing it; retry the link
  }
  try {
    // Re-check under the guard: only the file we judged stale may be removed.
    if (readPidFile(path) === seen) unlinkQuiet(path);
  } finally {
    closeSync(fd);
    unlinkQuiet(guard);
  }
}

/** Removes the pid file only if it still names `pid`. */
export function releasePidFile(path: string, pid: number): boolean {
  if (readPidFile(path) !== pid) return false;
  unlinkQuiet(path);
  return true;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
