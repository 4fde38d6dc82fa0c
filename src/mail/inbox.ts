// Minimal inbox access used by the turn engine until the mail library lands (replaced at merge).
import { canonicalJson } from "../core/json.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import { record } from "../store/validate.js";
import { type Message, mailRef } from "./types.js";

export async function listUnread(deps: Deps, agent: string): Promise<Message[]> {
  const { draft, tip } = await deps.store.open(mailRef(agent));
  const out: Message[] = [];
  for (const e of await draft.list("unread")) {
    const res = parseDoc(
      await draft.readText(`unread/${e.name}`),
      (v, p) => record(v, p) as unknown as Message,
      { ref: mailRef(agent), commit: tip, path: e.name },
    );
    if (res?.ok) out.push(res.value);
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function ackMessages(deps: Deps, agent: string, ids: readonly string[]): Promise<void> {
  await deps.store.update(mailRef(agent), async (draft) => {
    let moved = 0;
    for (const id of ids) {
      const text = await draft.readText(`unread/${id}.json`);
      if (text === undefined) continue;
      const m = JSON.parse(text) as Message;
      await draft.remove(`unread/${id}.json`);
      await draft.write(`read/${m.createdAt.slice(0, 7)}/${id}.json`, canonicalJson(m));
      moved++;
    }
    return moved === 0
      ? { write: false, value: undefined }
      : {
          write: { subject: `mail ack ${moved}`, trailers: { "Ov-Op": "ack", "Ov-To": agent } },
          value: undefined,
        };
  });
}

export function formatMailBatch(messages: readonly Message[]): string {
  const esc = (s: string) =>
    s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  return messages
    .map(
      (m) =>
        `[MAIL] From: ${esc(m.from)} | Subject: ${esc(m.subject)} | Priority: ${esc(m.priority)} | Type: ${esc(m.type)} | Id: ${esc(m.id)}\n\n${m.body}`,
    )
    .join("\n\n---\n\n");
}
