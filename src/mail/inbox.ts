import { OvError } from "../core/errors.js";
import type { RawObject } from "../git/catfile.js";
import { readLoosePath } from "../git/direct.js";
import { parseTree } from "../git/objects.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import type { TreeDraft } from "../store/draft.js";
import type { DocProblem } from "../store/store.js";
import { isMessageId, parseMessage } from "./schema.js";
import { INBOX_FILE, MAIL_PREFIX, type Message, READ_DIR, UNREAD_DIR, mailRef } from "./types.js";

/** One inbox's unread mail in delivery order, the tip it was read from, and any corrupt files. */
export interface Inbox {
  agent: string;
  ref: string;
  /** Tip commit of the inbox when listed (undefined: no inbox yet). A turn's mail baseline. */
  tip: string | undefined;
  messages: Message[];
  /** Files that are not valid messages: reported (ref, commit, path) and skipped. */
  problems: DocProblem[];
}

export interface AckResult {
  /** Ids moved from unread/ to read/ by this call. */
  acked: string[];
  /** Ids that were not unread (already read, or never in this inbox): acking is idempotent. */
  missing: string[];
  /** The new inbox commit, or undefined when nothing changed. */
  commit: string | undefined;
}

const CACHE_MAX = 4096;
const parsed = new WeakMap<Deps, Map<string, Message>>();

/**
 * Validated messages by (blob id, file name), per deps: blobs are immutable, so a long-lived process
 * (turn engine, watchdog, serve) re-reads only an inbox's tree and its new blobs.
 */
function parsedCache(deps: Deps): Map<string, Message> {
  let cache = parsed.get(deps);
  if (!cache) {
    cache = new Map();
    parsed.set(deps, cache);
  }
  return cache;
}

function remember(cache: Map<string, Message>, key: string, m: Message): void {
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, m);
}

/** Delivery order: arrival number in the inbox, then creation time, then id. */
export function compareDelivery(a: Message, b: Message): number {
  return (
    (a.seq ?? 0) - (b.seq ?? 0) ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export const unreadPath = (id: string): string => `${UNREAD_DIR}/${id}.json`;
export const readPath = (month: string, id: string): string => `${READ_DIR}/${month}/${id}.json`;

/** Creation time (ms) encoded in a generated id (`msg-<9 base36 ms><6 random>`), if it is one. */
export function idTime(id: string): number | undefined {
  if (!/^msg-[0-9a-z]{15}$/.test(id)) return undefined;
  const ms = Number.parseInt(id.slice(4, 13), 36);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `yyyy-mm` (UTC) of an epoch-ms time. */
export function monthOf(ms: number): string {
  return isoTime(ms).slice(0, 7);
}

/** The inbox's owner from its ref name. */
export function inboxOwner(ref: string): string {
  return ref.startsWith(MAIL_PREFIX) ? ref.slice(MAIL_PREFIX.length) : ref;
}

/** Reads and validates every file in `dir` of a draft; bad files become problems. */
export async function readMessagesIn(
  deps: Deps,
  draft: TreeDraft,
  dir: string,
  where: { ref: string; commit: string | undefined },
): Promise<{ messages: Message[]; problems: DocProblem[] }> {
  const entries = (await draft.list(dir)).filter((e) => e.kind === "file");
  const bodies = await Promise.all(entries.map((e) => deps.git.readObject(e.oid)));
  const messages: Message[] = [];
  const problems: DocProblem[] = [];
  entries.forEach((e, i) => {
    const res = parseMessage(bodies[i]?.body.toString("utf8"), { ...where, path: `${dir}/${e.name}` });
    if (res.ok) messages.push(res.value);
    else problems.push(res.problem);
  });
  return { messages, problems };
}

/**
 * An object by id, or `<commit>:<path>` resolved in-process while the objects on the way are loose
 * (a cold `mail check`/`list` then starts no git process); otherwise through the cat-file co-process.
 */
async function readAt(deps: Deps, oid: string, path: string | undefined): Promise<RawObject | undefined> {
  if (path === undefined) return deps.git.readObject(oid); // loose oids are read in-process by Git
  if (deps.repo.objectFormat === "sha1") {
    const hit = readLoosePath(deps.repo.commonDir, oid, path);
    if (hit === null) return undefined;
    if (hit !== undefined) return hit;
  }
  return deps.git.readObject(`${oid}:${path}`);
}

/**
 * Unread mail of `agent`, oldest first. Reads `<tip>:unread` and the blobs not validated before,
 * so the cost is O(unread) at any history size.
 */
export async function listUnread(deps: Deps, agent: string): Promise<Inbox> {
  const ref = mailRef(agent);
  const tip = await deps.git.refs.read(ref);
  const empty: Inbox = { agent, ref, tip, messages: [], problems: [] };
  if (!tip) return empty;
  const tree = await readAt(deps, tip, UNREAD_DIR);
  if (tree?.type !== "tree") return empty;
  const entries = parseTree(tree.body).filter((e) => e.mode !== "40000");
  const cache = parsedCache(deps);
  const todo = entries.filter((e) => !cache.has(`${e.oid} ${e.name}`));
  const bodies = await Promise.all(todo.map((e) => readAt(deps, e.oid, undefined)));
  const problems: DocProblem[] = [];
  todo.forEach((e, i) => {
    const where = { ref, commit: tip, path: `${UNREAD_DIR}/${e.name}` };
    const res = parseMessage(bodies[i]?.body.toString("utf8"), where);
    if (res.ok) remember(cache, `${e.oid} ${e.name}`, res.value);
    else problems.push(res.problem);
  });
  // Copies, so a caller mutating its result cannot change what the next caller gets.
  const messages = entries.flatMap((e) => {
    const m = cache.get(`${e.oid} ${e.name}`);
    return m ? [{ ...m }] : [];
  });
  messages.sort(compareDelivery);
  return { agent, ref, tip, messages, problems };
}

/**
 * Marks messages read: moves each `unread/<id>.json` blob to `read/<yyyy-mm>/<id>.json` (month of
 * creation) in one commit. Idempotent; re-applied on contention, so a concurrent send or ack never
 * loses it.
 */
export async function ackMessages(deps: Deps, agent: string, ids: readonly string[]): Promise<AckResult> {
  for (const id of ids) {
    if (!isMessageId(id))
      throw new OvError("MAIL", `not a message id: '${id}'`, { hint: "git ov mail list shows message ids" });
  }
  const ref = mailRef(agent);
  const wanted = [...new Set(ids)];
  const out = await deps.store.update(ref, async (draft) => {
    const unread = new Map((await draft.list(UNREAD_DIR)).map((e) => [e.name, e.oid]));
    const acked: string[] = [];
    const missing: string[] = [];
    for (const id of wanted) {
      const oid = unread.get(`${id}.json`);
      if (!oid) {
        missing.push(id);
        continue;
      }
      await draft.putBlob(readPath(await monthFor(draft, id), id), oid);
      await draft.remove(unreadPath(id));
      acked.push(id);
    }
    if (acked.length === 0) return { write: false, value: { acked, missing } };
    return {
      write: {
        subject: `mail ack ${agent}: ${acked.length} message${acked.length === 1 ? "" : "s"} read`,
        body: acked.join("\n"),
        trailers: { "Ov-Op": "ack", "Ov-To": agent, "Ov-Msg": acked.join(", "), "Ov-Count": acked.length },
      },
      value: { acked, missing },
      author: agent,
    };
  });
  return { ...out.value, commit: out.commit };
}

/** The read/ month of a message: from its id, else from its createdAt, else the current month. */
async function monthFor(draft: TreeDraft, id: string): Promise<string> {
  const fromId = idTime(id);
  if (fromId !== undefined) return monthOf(fromId);
  const parsed = await draft.readJson(unreadPath(id));
  const created = parsed?.ok ? (parsed.value as { createdAt?: unknown }).createdAt : undefined;
  const ms = typeof created === "string" ? Date.parse(created) : Number.NaN;
  return Number.isFinite(ms) ? monthOf(ms) : "unknown";
}

/** Lists `agent`'s unread mail and marks exactly those messages read (later arrivals stay unread). */
export async function checkMail(deps: Deps, agent: string): Promise<Inbox & { commit: string | undefined }> {
  const inbox = await listUnread(deps, agent);
  if (inbox.messages.length === 0) return { ...inbox, commit: undefined };
  const ack = await ackMessages(
    deps,
    agent,
    inbox.messages.map((m) => m.id),
  );
  return { ...inbox, commit: ack.commit };
}

/** The inbox's last assigned arrival number (0 for a new or hand-made inbox). */
export async function readSeq(draft: TreeDraft): Promise<number> {
  const parsed = await draft.readJson(INBOX_FILE);
  const seq = parsed?.ok ? (parsed.value as { seq?: unknown } | null)?.seq : undefined;
  return typeof seq === "number" && Number.isInteger(seq) && seq >= 0 ? seq : 0;
}
