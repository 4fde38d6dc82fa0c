import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ovDir } from "../git/repo.js";
import { readCurrentRunId } from "../sessions/current-run.js";
import { ACTIVE_STATES, type Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { readLease } from "../sys/lease.js";
import { readPidFile } from "../sys/pid-file.js";
import { currentHost, pidRunning, processStartedAt } from "../sys/process.js";
import { turnLockPath, turnPidPath } from "../turn/lock.js";
import { NO_LIVENESS, activityAt, idleCandidates } from "./decide.js";
import { parseTime } from "./ladder.js";
import { readMailHistory } from "./mail-history.js";
import { isRunCompleted } from "./run-seam.js";
import { ObserveCache, readInboxes, readSessions } from "./snapshot.js";
import type { AgentLiveness, RunView, WatchdogPolicy } from "./types.js";

/** Everything one tick decides on. */
export interface Observation {
  now: number;
  sessions: Session[];
  problems: DocProblem[];
  liveness: Map<string, AgentLiveness>;
  run: RunView | undefined;
}

/** A process started this long after the file naming it was written is a reused pid, not ours. */
const PID_REUSE_SLACK_MS = 2000;

/**
 * Gathers sessions and liveness cheaply, with no git process in the common case: refs listed
 * in-process, session documents and `unread/` trees read through the pipelined cat-file (only for
 * refs that moved since `cache` saw them), directory listings and stats for leases, pid files and
 * event logs; one `git log` of recent mail only when some agent idles past staleMs.
 */
export async function observe(
  deps: Deps,
  policy: WatchdogPolicy,
  cache = new ObserveCache(),
): Promise<Observation> {
  const [{ sessions, problems, oids }, runId] = await Promise.all([
    readSessions(deps, cache),
    readCurrentRunId(deps),
  ]);
  const now = deps.clock.now();
  const ov = ovDir(deps.repo);
  const turnFiles = listNames(join(ov, "turns"));
  const eventFiles = listNames(join(ov, "events"));
  const children = countLiveChildren(sessions);
  const live = sessions.filter((s) => ACTIVE_STATES.includes(s.state));
  const { inboxes: unread, oids: inboxOids } = await readInboxes(
    deps,
    cache,
    new Set(live.map((s) => s.name)),
  );
  cache.retain(oids, inboxOids);
  const liveness = new Map<string, AgentLiveness>();
  for (const s of sessions) {
    const l: AgentLiveness = { ...NO_LIVENESS, liveChildren: children.get(s.name) ?? 0 };
    if (turnFiles.has(`${s.name}.lock`)) readTurnLease(turnLockPath(ov, s.name), l);
    if (turnFiles.has(`${s.name}.pid`)) readTurnPid(turnPidPath(ov, s.name), l);
    if (ACTIVE_STATES.includes(s.state)) {
      if (eventFiles.has(`${s.name}.ndjson`)) l.lastEventAt = mtime(join(ov, "events", `${s.name}.ndjson`));
      if (s.pid !== null) l.sessionPidAlive = pidRunning(s.pid);
      const u = unread.get(s.name);
      if (u) {
        l.unreadCount = u.count;
        l.inboxChangedAt = u.changedAt;
      }
    }
    liveness.set(s.name, l);
  }
  const candidates = idleCandidates(now, sessions, liveness, policy);
  if (candidates.length > 0) {
    // Far enough back to see the mail of each candidate's last turn and anything since its ladder began.
    const anchors = candidates.map((s) =>
      Math.min(activityAt(s, liveness.get(s.name) ?? NO_LIVENESS), parseTime(s.stalledSince) ?? now),
    );
    const since = Math.min(...anchors) - policy.staleMs;
    const history = await readMailHistory(deps, since);
    for (const s of candidates) {
      const l = liveness.get(s.name)!;
      l.mailFromOthersAt = history.fromOthersAt.get(s.name) ?? null;
      l.lastSentType = history.lastSentType.get(s.name) ?? null;
    }
  }
  const run = runId ? { id: runId, completed: await isRunCompleted(deps, runId) } : undefined;
  return { now, sessions, problems, liveness, run };
}

function countLiveChildren(sessions: readonly Session[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of sessions) {
    if (s.parent && ACTIVE_STATES.includes(s.state)) out.set(s.parent, (out.get(s.parent) ?? 0) + 1);
  }
  return out;
}

function readTurnLease(path: string, l: AgentLiveness): void {
  const h = readLease(path);
  if (!h) return; // torn or vanished: the turn engine's own takeover handles it
  l.leaseToken = h.token;
  if (h.host !== currentHost()) {
    l.turnInFlight = true; // cannot probe another host's pid: trust the lease
    l.turnStartedAt = h.started;
    return;
  }
  const started = processStartedAt(h.pid);
  const reused = started !== null && started > h.started + PID_REUSE_SLACK_MS;
  if (pidRunning(h.pid) && !reused) {
    l.turnInFlight = true;
    l.turnStartedAt = h.started;
  } else {
    l.leaseHolderDead = true;
  }
}

function readTurnPid(path: string, l: AgentLiveness): void {
  const pid = readPidFile(path);
  if (typeof pid !== "number") return;
  const written = mtime(path);
  const started = processStartedAt(pid);
  l.turnPid = pid;
  l.turnPidAlive =
    pidRunning(pid) && !(started !== null && written !== null && started > written + PID_REUSE_SLACK_MS);
}

function listNames(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
