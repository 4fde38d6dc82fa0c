import type { Deps } from "../store/deps.js";
import { isProtocolType } from "./payloads.js";
import { readMessage } from "./read.js";
import { type SendOptions, sendMail } from "./send.js";
import type { MailType, SendResult } from "./types.js";

export interface ReplyOptions extends SendOptions {
  /** Type of the reply; default: the original's semantic type, or `status` for a protocol type. */
  type?: MailType;
}

/** `Re: ` once, however many the original carried (the reference stacked them; Appendix A item 22). */
export function replySubject(subject: string): string {
  return `Re: ${subject.replace(/^(\s*re:\s*)+/i, "")}`;
}

/**
 * Replies in the original's thread: thread = original.threadId ?? original.id; recipient = the
 * original recipient when the replier sent the original, else the original sender; priority copied.
 * A reply to a protocol message (worker_done, dispatch, …) is a `status` unless `type` is given,
 * so a conversational reply never counts as a protocol signal. Throws NOT_FOUND for an unknown id.
 */
export async function replyTo(
  deps: Deps,
  id: string,
  body: string,
  from: string,
  opts: ReplyOptions = {},
): Promise<SendResult & { to: string; threadId: string; subject: string }> {
  const { message: original } = await readMessage(deps, id);
  const to = from === original.from ? original.to : original.from;
  const threadId = original.threadId ?? original.id;
  const subject = replySubject(original.subject);
  const type = opts.type ?? (isProtocolType(original.type) ? "status" : original.type);
  const res = await sendMail(
    deps,
    { from, to, subject, body, type, priority: original.priority, threadId, payload: null },
    opts,
  );
  return { ...res, to, threadId, subject };
}
