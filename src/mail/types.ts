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
}

export function mailRef(agent: string): string {
  return `refs/ov/mail/${agent}`;
}
export const MAIL_PREFIX = "refs/ov/mail/";
