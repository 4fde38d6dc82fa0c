import { agentName } from "../core/ids.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import { randomToken } from "../sys/random.js";
import type { Deps } from "../store/deps.js";
import { type Message, type SendInput, type SendResult, mailRef } from "./types.js";

/** A time-sortable message id: `msg-<ms base36, 9 chars><6 random>`. */
export function newMessageId(nowMs: number): string {
  return `msg-${nowMs.toString(36).padStart(9, "0")}${randomToken(6)}`;
}

/**
 * Delivers a message to each recipient's inbox ref; several recipients land atomically in one
 * ref transaction (all inboxes or none). Minimal version: the mail issue adds type/payload
 * validation, group addresses, terminal-recipient refusal and dispatch.
 */
export async function sendMail(deps: Deps, input: SendInput): Promise<SendResult> {
  const recipients = [agentName(input.to, "recipient")];
  const now = deps.clock.now();
  const messages: Message[] = recipients.map((to) => ({
    v: 1,
    id: newMessageId(now),
    from: input.from,
    to,
    subject: input.subject,
    body: input.body,
    type: input.type ?? "status",
    priority: input.priority ?? "normal",
    threadId: input.threadId ?? null,
    payload: input.payload ?? null,
    createdAt: isoTime(now),
  }));
  const refs = recipients.map(mailRef);
  await deps.store.transact(refs, async (drafts) => {
    const writes = new Map<
      string,
      { note: { subject: string; trailers: Record<string, string> }; author?: string }
    >();
    for (const m of messages) {
      const ref = mailRef(m.to);
      await drafts.get(ref)!.write(`unread/${m.id}.json`, canonicalJson(m));
      writes.set(ref, {
        note: {
          subject: `mail ${m.from} -> ${m.to}: ${m.subject}`,
          trailers: { "Ov-Op": "send", "Ov-From": m.from, "Ov-To": m.to, "Ov-Type": m.type, "Ov-Msg": m.id },
        },
        author: m.from,
      });
    }
    return { value: undefined, writes };
  });
  return { ids: messages.map((m) => m.id), recipients };
}
