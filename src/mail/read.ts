import { OvError } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import { invalidDocument } from "../store/store.js";
import { ackMessages, idTime, inboxOwner, monthOf, readPath, unreadPath } from "./inbox.js";
import { isMessageId, parseMessage } from "./schema.js";
import { MAIL_PREFIX, type Message, READ_DIR, mailRef } from "./types.js";

/** Where a message was found. */
export interface FoundMessage {
  message: Message;
  /** The inbox owner (the recipient). */
  agent: string;
  ref: string;
  commit: string;
  path: string;
  read: boolean;
}

/** The inbox refs to search: one agent's, or every inbox. */
export async function inboxRefs(deps: Deps, agent?: string): Promise<{ ref: string; oid: string }[]> {
  if (agent !== undefined) {
    const ref = mailRef(agent);
    const oid = await deps.git.refs.read(ref);
    return oid ? [{ ref, oid }] : [];
  }
  return deps.git.refs.listFast(MAIL_PREFIX);
}

/**
 * Finds one message by id (in `agent`'s inbox, or in any inbox) without changing it. Throws
 * NOT_FOUND when no inbox holds it, INVALID_DOCUMENT when the file is corrupt.
 */
export async function readMessage(
  deps: Deps,
  id: string,
  opts: { agent?: string } = {},
): Promise<FoundMessage> {
  if (!isMessageId(id)) {
    throw new OvError("MAIL", `not a message id: '${id}'`, { hint: "git ov mail list shows message ids" });
  }
  const refs = await inboxRefs(deps, opts.agent);
  const hits = await Promise.all(refs.map((r) => findIn(deps, r.ref, r.oid, id)));
  const hit = hits.find((h) => h !== undefined);
  if (!hit) {
    throw new OvError("NOT_FOUND", `no message '${id}'${opts.agent ? ` in ${opts.agent}'s inbox` : ""}`, {
      data: { id },
      hint: "git ov mail list shows message ids",
    });
  }
  const res = parseMessage(hit.text, { ref: hit.ref, commit: hit.commit, path: hit.path });
  if (!res.ok) throw invalidDocument(res.problem);
  return {
    message: res.value,
    agent: inboxOwner(hit.ref),
    ref: hit.ref,
    commit: hit.commit,
    path: hit.path,
    read: hit.read,
  };
}

async function findIn(
  deps: Deps,
  ref: string,
  commit: string,
  id: string,
): Promise<{ ref: string; commit: string; path: string; text: string; read: boolean } | undefined> {
  const at = async (path: string, read: boolean) => {
    const obj = await deps.git.readObject(`${commit}:${path}`);
    return obj?.type === "blob" ? { ref, commit, path, text: obj.body.toString("utf8"), read } : undefined;
  };
  const unread = await at(unreadPath(id), false);
  if (unread) return unread;
  const ms = idTime(id);
  if (ms !== undefined) {
    const read = await at(readPath(monthOf(ms), id), true);
    if (read) return read;
  }
  // Ids that do not encode their month (hand-written): look in every month.
  const draft = await deps.store.openAt(commit);
  const months = (await draft.list(READ_DIR)).filter((e) => e.kind === "dir");
  const found = await Promise.all(months.map((m) => at(readPath(m.name, id), true)));
  return found.find((f) => f !== undefined);
}

/** Marks one message read (wherever it is); `alreadyRead` when it was. */
export async function markRead(
  deps: Deps,
  id: string,
  opts: { agent?: string } = {},
): Promise<{ message: Message; agent: string; alreadyRead: boolean }> {
  const found = await readMessage(deps, id, opts);
  if (found.read) return { message: found.message, agent: found.agent, alreadyRead: true };
  const ack = await ackMessages(deps, found.agent, [id]);
  return { message: found.message, agent: found.agent, alreadyRead: ack.acked.length === 0 };
}
