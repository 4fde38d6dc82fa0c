import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import { randomToken } from "../sys/random.js";
import type { Deps } from "../store/deps.js";
import type { CommitNote } from "../store/message.js";
import { dispatchMail } from "./dispatch.js";
import { readSeq, unreadPath } from "./inbox.js";
import { type SendOptions, type SendPlan, planSend } from "./send-check.js";
import { INBOX_FILE, type Message, UNREAD_DIR, type SendInput, type SendResult, mailRef } from "./types.js";

export type { SendOptions } from "./send-check.js";

/** A time-sortable message id: `msg-<ms base36, 9 chars><6 random>`. */
export function newMessageId(nowMs: number): string {
  return `msg-${nowMs.toString(36).padStart(9, "0")}${randomToken(6)}`;
}

/**
 * Validates and delivers a message: to one agent, or to every member of a group address
 * (`@all`, `@builders`, …) atomically in one ref transaction (all inboxes or none). Each copy gets
 * the inbox's next arrival number. Refuses a completed/zombie recipient. Calls the dispatch hook
 * afterwards. Throws OvError (MAIL, INVALID_NAME, …) before writing anything on bad input.
 */
export async function sendMail(deps: Deps, input: SendInput, opts: SendOptions = {}): Promise<SendResult> {
  const plan = await planSend(deps, input, opts);
  const now = deps.clock.now();
  const ids = uniqueIds(plan.recipients.length, now);
  // A fan-out shares one thread (the reference gave every copy its own; Appendix A item 22).
  const threadId = plan.threadId ?? (plan.recipients.length > 1 ? ids[0]! : null);
  const copies: Omit<Message, "seq">[] = plan.recipients.map((to, i) => ({
    v: 1,
    id: ids[i]!,
    from: plan.from,
    to,
    subject: plan.subject,
    body: plan.body,
    type: plan.type,
    priority: plan.priority,
    threadId,
    payload: plan.payload,
    createdAt: isoTime(now),
    ...(plan.group ? { group: plan.group } : {}),
  }));
  await deps.store.transact(plan.recipients.map(mailRef), async (drafts) => {
    const writes = new Map<string, { note: CommitNote; author?: string }>();
    // Inboxes are independent drafts: a fan-out loads them side by side.
    await Promise.all(
      copies.map(async (copy) => {
        const ref = mailRef(copy.to);
        const draft = drafts.get(ref)!;
        // Load the root first, then fetch the counter and the unread/ tree in one pipelined round trip.
        await draft.list("");
        const [last] = await Promise.all([readSeq(draft), draft.list(UNREAD_DIR)]);
        const seq = last + 1;
        await draft.write(unreadPath(copy.id), canonicalJson({ ...copy, seq }));
        await draft.write(INBOX_FILE, canonicalJson({ v: 1, seq }));
        writes.set(ref, { note: sendNote(copy, plan), author: copy.from });
      }),
    );
    return { value: undefined, writes };
  });
  const result: SendResult = { ids, recipients: plan.recipients };
  if (plan.warnings.length > 0) result.warnings = plan.warnings;
  const dispatchError = await dispatchMail(
    deps,
    { from: plan.from, recipients: plan.recipients, ids, type: plan.type, priority: plan.priority },
    opts.dispatch,
  );
  if (dispatchError !== undefined) result.dispatchError = dispatchError;
  return result;
}

function uniqueIds(n: number, now: number): string[] {
  const ids = new Set<string>();
  while (ids.size < n) ids.add(newMessageId(now));
  return [...ids];
}

function sendNote(m: Omit<Message, "seq">, plan: SendPlan): CommitNote {
  const subject = m.subject.length > 100 ? `${m.subject.slice(0, 97)}...` : m.subject;
  return {
    subject: `mail ${m.from} -> ${m.to}: ${subject}`,
    trailers: {
      "Ov-Op": "send",
      "Ov-From": m.from,
      "Ov-To": m.to,
      "Ov-Type": m.type,
      "Ov-Priority": m.priority,
      "Ov-Msg": m.id,
      "Ov-Thread": m.threadId ?? undefined,
      "Ov-Group": plan.group,
    },
  };
}
