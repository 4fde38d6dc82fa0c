export const SEMANTIC_TYPES = ["status", "question", "result", "error"] as const;
export const PROTOCOL_TYPES = [
  "worker_done",
  "worker_died",
  "merge_ready",
  "merged",
  "merge_failed",
  "escalation",
  "health_check",
  "dispatch",
  "assign",
  "decision_gate",
] as const;
export const MAIL_TYPES = [...SEMANTIC_TYPES, ...PROTOCOL_TYPES] as const;
export type MailType = (typeof MAIL_TYPES)[number];
export type ProtocolType = (typeof PROTOCOL_TYPES)[number];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** One message as stored in an inbox: `refs/ov/mail/<to>` → `unread/<id>.json` or `read/<yyyy-mm>/<id>.json`. */
export interface Message {
  v: 1;
  id: string;
  from: string;
  to: string;
  subject: string;
  body: string;
  type: MailType;
  priority: Priority;
  threadId: string | null;
  payload: Record<string, unknown> | null;
  createdAt: string;
  /**
   * Arrival number in the recipient's inbox (1, 2, …), assigned under the inbox's compare-and-set,
   * so it is the commit order: delivery order is (seq, createdAt, id). Absent in hand-written docs.
   */
  seq?: number;
  /** The group address this copy was fanned out from (`@builders`), when it was. */
  group?: string;
}

export interface SendInput {
  from: string;
  /** An agent name, `operator`/`coordinator`, or a group address such as `@all` or `@builders`. */
  to: string;
  subject: string;
  body: string;
  type?: MailType;
  priority?: Priority;
  threadId?: string | null;
  payload?: Record<string, unknown> | null;
}

export interface SendResult {
  /** One id per delivered copy, in recipient order. */
  ids: string[];
  recipients: string[];
  /** Advisory notes (recipient has no session, merge_ready without reviewers …); never fatal. */
  warnings?: string[];
  /** Set when the dispatch hook threw after the mail had landed (the mail is delivered regardless). */
  dispatchError?: string;
}

export function mailRef(agent: string): string {
  return `refs/ov/mail/${agent}`;
}
export const MAIL_PREFIX = "refs/ov/mail/";

/** Inbox tree paths. */
export const UNREAD_DIR = "unread";
export const READ_DIR = "read";
/** `{v: 1, seq: <last assigned arrival number>}` at the inbox root. */
export const INBOX_FILE = "inbox.json";
