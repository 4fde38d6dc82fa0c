// The only mail calls the turn engine makes.
import { listUnread as inbox } from "../mail/inbox.js";
import type { Message } from "../mail/types.js";
import type { Deps } from "../store/deps.js";

export { ackMessages } from "../mail/inbox.js";
export { formatMailBatch } from "../mail/format.js";

/** The agent's unread mail in delivery order (corrupt files are skipped by the mail library). */
export async function listUnread(deps: Deps, agent: string): Promise<Message[]> {
  return (await inbox(deps, agent)).messages;
}
