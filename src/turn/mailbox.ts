// Adapter between the turn engine and the mail library: the only mail calls the engine makes.
export { listUnread, ackMessages, formatMailBatch } from "../mail/inbox.js";
