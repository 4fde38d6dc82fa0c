import { parseTree } from "../git/objects.js";
import { MAIL_PREFIX } from "../mail/types.js";
import { SESSIONS_PREFIX, SESSION_FILE, type Session, sessionValidator } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";

export interface InboxState {
  count: number;
  /** Commit time of the inbox tip (ms). */
  changedAt: number | null;
}

/**
 * What a long-running watchdog remembers between ticks, keyed by commit id: a ref that did not
 * move is not read again, so a quiet swarm costs directory listings and stats only.
 */
export class ObserveCache {
  readonly sessions = new Map<string, { ok: true; value: Session } | { ok: false; problem: DocProblem }>();
  readonly inboxes = new Map<string, InboxState>();

  /** Forgets everything not seen in the last tick. */
  retain(sessionOids: ReadonlySet<string>, inboxOids: ReadonlySet<string>): void {
    for (const k of this.sessions.keys()) if (!sessionOids.has(k)) this.sessions.delete(k);
    for (const k of this.inboxes.keys()) if (!inboxOids.has(k)) this.inboxes.delete(k);
  }
}

/** Every session, as `listSessions` returns them, reading only refs that moved since the cached tick. */
export async function readSessions(
  deps: Deps,
  cache: ObserveCache,
): Promise<{ sessions: Session[]; problems: DocProblem[]; oids: Set<string> }> {
  const refs = await deps.git.refs.listFast(SESSIONS_PREFIX);
  const fresh = refs.filter((r) => !cache.sessions.has(r.oid));
  const bodies = await Promise.all(fresh.map((r) => deps.git.readObject(`${r.oid}:${SESSION_FILE}`)));
  fresh.forEach((r, i) => {
    const where = { ref: r.ref, commit: r.oid, path: SESSION_FILE };
    const res = parseDoc(bodies[i]?.body.toString("utf8"), sessionValidator, where);
    cache.sessions.set(r.oid, res ?? { ok: false, problem: { ...where, problem: "file is missing" } });
  });
  const sessions: Session[] = [];
  const problems: DocProblem[] = [];
  for (const r of refs) {
    const res = cache.sessions.get(r.oid);
    if (res?.ok) sessions.push(res.value);
    else if (res) problems.push(res.problem);
  }
  sessions.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.name.localeCompare(b.name));
  return { sessions, problems, oids: new Set(refs.map((r) => r.oid)) };
}

/** Unread counts (entries of `unread/`, no blob reads) and tip commit times of the wanted inboxes. */
export async function readInboxes(
  deps: Deps,
  cache: ObserveCache,
  wanted: ReadonlySet<string>,
): Promise<{ inboxes: Map<string, InboxState>; oids: Set<string> }> {
  const refs = (await deps.git.refs.listFast(MAIL_PREFIX))
    .map((r) => ({ ...r, agent: r.ref.slice(MAIL_PREFIX.length) }))
    .filter((r) => wanted.has(r.agent));
  const fresh = refs.filter((r) => !cache.inboxes.has(r.oid));
  const trees = await Promise.all(fresh.map((r) => deps.git.readObject(`${r.oid}:unread`)));
  const counts = fresh.map((_, i) => {
    const t = trees[i];
    return t?.type === "tree" ? parseTree(t.body).length : 0;
  });
  const commits = await Promise.all(
    fresh.map((r, i) => ((counts[i] ?? 0) > 0 ? deps.git.readObject(r.oid) : undefined)),
  );
  fresh.forEach((r, i) => {
    cache.inboxes.set(r.oid, { count: counts[i] ?? 0, changedAt: committerTime(commits[i]?.body) });
  });
  const inboxes = new Map<string, InboxState>();
  for (const r of refs) {
    const st = cache.inboxes.get(r.oid);
    if (st && st.count > 0) inboxes.set(r.agent, st);
  }
  return { inboxes, oids: new Set(refs.map((r) => r.oid)) };
}

function committerTime(body: Buffer | undefined): number | null {
  const m = body ? /^committer .* (\d+) [+-]\d{4}$/m.exec(body.toString("utf8")) : null;
  return m?.[1] ? Number(m[1]) * 1000 : null;
}
