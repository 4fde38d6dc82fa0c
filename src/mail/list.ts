import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { inboxRefs } from "./read.js";
import { parseMessage } from "./schema.js";
import { type MailType, type Message, READ_DIR, UNREAD_DIR } from "./types.js";

export interface ListFilter {
  from?: string;
  /** Recipient (inbox owner). */
  to?: string;
  /** Only unread messages. */
  unread?: boolean;
  type?: MailType;
  /** At most this many (newest first). */
  limit?: number;
}

export type ListedMessage = Message & { read: boolean };

interface Candidate {
  ref: string;
  commit: string;
  path: string;
  oid: string;
  id: string;
  read: boolean;
}

const CHUNK = 256;

/**
 * Messages across inboxes, newest first, without marking anything read. Files are visited in id
 * order (ids are time-sortable) and read in chunks until `limit` matches are found.
 */
export async function listMail(
  deps: Deps,
  filter: ListFilter = {},
): Promise<{ messages: ListedMessage[]; problems: DocProblem[] }> {
  const refs = await inboxRefs(deps, filter.to);
  const candidates = (await Promise.all(refs.map((r) => candidatesOf(deps, r.ref, r.oid, !!filter.unread))))
    .flat()
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const messages: ListedMessage[] = [];
  const problems: DocProblem[] = [];
  for (let i = 0; i < candidates.length && messages.length < limit; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    const bodies = await Promise.all(chunk.map((c) => deps.git.readObject(c.oid)));
    chunk.forEach((c, j) => {
      const res = parseMessage(bodies[j]?.body.toString("utf8"), c);
      if (!res.ok) problems.push(res.problem);
      else if (matches(res.value, filter)) messages.push({ ...res.value, read: c.read });
    });
  }
  messages.sort(
    (a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) || (a.id < b.id ? 1 : -1),
  );
  return { messages: messages.slice(0, limit), problems };
}

function matches(m: Message, f: ListFilter): boolean {
  return (f.from === undefined || m.from === f.from) && (f.type === undefined || m.type === f.type);
}

async function candidatesOf(
  deps: Deps,
  ref: string,
  commit: string,
  unreadOnly: boolean,
): Promise<Candidate[]> {
  const draft = await deps.store.openAt(commit);
  const out: Candidate[] = [];
  const add = (dir: string, entries: { name: string; kind: string; oid: string }[], read: boolean) => {
    for (const e of entries) {
      if (e.kind !== "file" || !e.name.endsWith(".json")) continue;
      out.push({ ref, commit, path: `${dir}/${e.name}`, oid: e.oid, id: e.name.slice(0, -5), read });
    }
  };
  add(UNREAD_DIR, await draft.list(UNREAD_DIR), false);
  if (!unreadOnly) {
    const months = (await draft.list(READ_DIR)).filter((e) => e.kind === "dir");
    const lists = await Promise.all(months.map((m) => draft.list(`${READ_DIR}/${m.name}`)));
    months.forEach((m, i) => {
      add(`${READ_DIR}/${m.name}`, lists[i] ?? [], true);
    });
  }
  return out;
}
