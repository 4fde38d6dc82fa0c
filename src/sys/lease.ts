import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { currentHost, pidAlive } from "./process.js";
import { randomToken } from "./random.js";

/** Who holds a lease file. */
export interface LeaseHolder {
  pid: number;
  host: string;
  started: number;
  token: string;
  /** Free text: what the holder is doing (e.g. "turn 3"). */
  purpose?: string;
}

export type LeaseAttempt = { ok: true; holder: LeaseHolder } | { ok: false; holder: LeaseHolder | undefined };

/** Reads a lease file; undefined when absent or unreadable (a torn write counts as unreadable). */
export function readLease(path: string): LeaseHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as Partial<LeaseHolder>;
    if (
      typeof v.pid === "number" &&
      typeof v.host === "string" &&
      typeof v.started === "number" &&
      typeof v.token === "string"
    ) {
      return v as LeaseHolder;
    }
  } catch {
    /* absent or torn */
  }
  return undefined;
}

/** True when the holder is a process on this host that no longer exists. */
export function holderDead(h: LeaseHolder): boolean {
  return h.host === currentHost() && !pidAlive(h.pid);
}

function createExclusive(path: string, holder: LeaseHolder): boolean {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * One attempt to take the lease at `path` (O_EXCL create). A lease whose holder died on this host,
 * or whose file is unreadable and older than `tornGraceMs`, is taken over under a short-lived
 * `<path>.takeover` guard so two takers cannot both win.
 */
export function tryAcquireLease(
  path: string,
  nowMs: number,
  purpose?: string,
  tornGraceMs = 2000,
): LeaseAttempt {
  const holder: LeaseHolder = {
    pid: process.pid,
    host: currentHost(),
    started: nowMs,
    token: randomToken(12),
    ...(purpose ? { purpose } : {}),
  };
  if (createExclusive(path, holder)) return { ok: true, holder };
  const cur = readLease(path);
  const stale = cur ? holderDead(cur) : ageMs(path, nowMs) > tornGraceMs;
  if (!stale) return { ok: false, holder: cur };
  const guard = `${path}.takeover`;
  if (ageMs(guard, nowMs) > 10_000) safeUnlink(guard);
  const g: LeaseHolder = { ...holder, token: randomToken(12) };
  if (!createExclusive(guard, g)) return { ok: false, holder: cur };
  try {
    // Re-check under the guard: another taker may already have replaced the dead lease.
    const again = readLease(path);
    const stillStale = again
      ? holderDead(again) && again.token === cur?.token
      : ageMs(path, nowMs) > tornGraceMs || !existsPath(path);
    if (!stillStale) return { ok: false, holder: again };
    safeUnlink(path);
    return createExclusive(path, holder) ? { ok: true, holder } : { ok: false, holder: readLease(path) };
  } finally {
    safeUnlink(guard);
  }
}

/** Releases the lease only if `holder` still owns it (token match). */
export function releaseLease(path: string, holder: LeaseHolder): boolean {
  const cur = readLease(path);
  if (cur?.token !== holder.token) return false;
  safeUnlink(path);
  return true;
}

function ageMs(path: string, nowMs: number): number {
  try {
    return nowMs - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function existsPath(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
