import { listMail } from "../mail/list.js";
import type { ListedMessage } from "../mail/list.js";
import { type Session, listSessions } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";

/** What the demo knows about the swarm at one poll. */
export interface SwarmSnapshot {
  sessions: Session[];
  mail: ListedMessage[];
}

/** Reads every session and every message (the demo's repository is small). */
export async function snapshot(deps: Deps): Promise<SwarmSnapshot> {
  const [s, m] = await Promise.all([listSessions(deps), listMail(deps, { limit: 1000 })]);
  return { sessions: s.sessions, mail: m.messages.slice().reverse() };
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
