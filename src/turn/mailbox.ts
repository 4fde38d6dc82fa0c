// Adapter between the turn engine and the mail library: the only mail calls the engine makes.
import * as inbox from "../mail/inbox.js";
import type { Message } from "../mail/types.js";
import type { Deps } from "../store/deps.js";

export { formatMailBatch } from "../mail/format.js";

/** The agent's unread mail in delivery order (corrupt files are skipped by the library). */
export async function listUnread(deps: Deps, agent: string): Promise<Message[]> {
  return (await inbox.listUnread(deps, agent)).messages;
}

/** Moves delivered messages to read/ (idempotent). */
export async function ackMessages(deps: Deps, agent: string, ids: readonly string[]): Promise<void> {
  await inbox.ackMessages(deps, agent, ids);
}
