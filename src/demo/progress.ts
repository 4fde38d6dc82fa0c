import { turnInFlight } from "../agents/turn-kill.js";
import { ovDir } from "../git/repo.js";
import { listMail } from "../mail/list.js";
import type { ListedMessage } from "../mail/list.js";
import { type Session, listSessions } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { holderDead, readLease } from "../sys/lease.js";
import { turnLockPath } from "../turn/lock.js";

/** What the demo knows about the swarm at one poll. */
export interface SwarmSnapshot {
  sessions: Session[];
  mail: ListedMessage[];
  /** Agents with a turn in flight (a live turn lock or runtime pid on this machine). */
  busy: string[];
}

/** Reads every session and every message (the demo's repository is small), and who is mid-turn. */
export async function snapshot(deps: Deps): Promise<SwarmSnapshot> {
  const [s, m] = await Promise.all([listSessions(deps), listMail(deps, { limit: 1000 })]);
  const busy = s.sessions.map((x) => x.name).filter((a) => turnInFlight(deps, a) || turnLocked(deps, a));
  return { sessions: s.sessions, mail: m.messages.slice().reverse(), busy };
}

function turnLocked(deps: Deps, agent: string): boolean {
  const holder = readLease(turnLockPath(ovDir(deps.repo), agent));
  return holder !== undefined && !holderDead(holder);
}

/**
 * Turns successive snapshots into progress lines: an agent appearing or changing state, and each
 * message as it lands. Pure apart from its memory of what it already reported.
 */
export class ProgressTracker {
  private readonly states = new Map<string, string>();
  private readonly seen = new Set<string>();

  /** Lines for what changed since the previous call. */
  diff(snap: SwarmSnapshot): string[] {
    const lines: string[] = [];
    for (const s of snap.sessions) {
      const prev = this.states.get(s.name);
      if (prev === s.state) continue;
      this.states.set(s.name, s.state);
      const who = `${s.name} (${s.capability}${s.parent ? `, under ${s.parent}` : ""})`;
      lines.push(
        prev === undefined ? `agent  ${who}: ${s.state}` : `agent  ${s.name}: ${prev} -> ${s.state}`,
      );
    }
    for (const m of snap.mail) {
      if (this.seen.has(m.id)) continue;
      this.seen.add(m.id);
      lines.push(`mail   ${m.from} -> ${m.to}  [${m.type}]  ${m.subject}`);
    }
    return lines;
  }
}
