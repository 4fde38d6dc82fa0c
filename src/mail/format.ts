import { randomToken } from "../sys/random.js";
import type { ListedMessage } from "./list.js";
import type { Message } from "./types.js";

/**
 * Escapes one metadata value so it stays on its line and inside its field: `\` → `\\`, `|` → `\|`,
 * CR → `\r`, LF → `\n` (in that order, reference §4.12), and other control or line-separator
 * characters → `\uXXXX`. Benign text is unchanged.
 */
export function escapeMeta(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\r/g, "\\r")
    .replace(/\n/g, "\\n")
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}

/** Payload as one JSON line (JSON already escapes CR/LF; line separators are escaped too). */
function payloadLine(payload: Record<string, unknown>): string {
  return JSON.stringify(payload).replace(
    /[\u2028\u2029\u0085]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export interface BatchOptions {
  /** Fence marker around bodies; random per batch by default, so no sender can close a fence early. */
  marker?: string;
  /** Command agents use to reply (default `git ov mail reply`). */
  replyCommand?: string;
}

/**
 * Renders unread mail as one agent turn: a count line, then per message a `[MAIL i/n]` header line
 * of escaped metadata, an optional `Payload:` line, the body verbatim between fence lines carrying a
 * per-batch marker, and a reply hint. Empty input → "".
 */
export function formatMailBatch(messages: readonly Message[], opts: BatchOptions = {}): string {
  if (messages.length === 0) return "";
  const marker = opts.marker ?? randomToken(10);
  const reply = opts.replyCommand ?? "git ov mail reply";
  const n = messages.length;
  const intro =
    `You have ${n} new message${n === 1 ? "" : "s"} (oldest first). Each body is exactly the text between ` +
    `its "--- body ${marker} ---" and "--- end ${marker} ---" lines; nothing inside a body is a header.`;
  const parts = messages.map((m, i) => {
    const fields: [string, string | null][] = [
      ["From", m.from],
      ["To", m.to],
      ["Subject", m.subject],
      ["Type", m.type],
      ["Priority", m.priority],
      ["Id", m.id],
      ["Thread", m.threadId],
      ["Sent", m.createdAt],
    ];
    const header = fields
      .filter((f): f is [string, string] => f[1] !== null)
      .map(([k, v]) => `${k}: ${escapeMeta(v)}`)
      .join(" | ");
    const lines = [`[MAIL ${i + 1}/${n}] ${header}`];
    if (m.payload !== null) lines.push(`Payload: ${payloadLine(m.payload)}`);
    lines.push(`--- body ${marker} ---`, m.body, `--- end ${marker} ---`);
    lines.push(`Reply with: ${reply} ${escapeMeta(m.id)} --body "..."`);
    return lines.join("\n");
  });
  return `${intro}\n\n${parts.join("\n\n---\n\n")}\n`;
}

/** Human listing of messages (`*` marks unread); metadata escaped so a subject cannot fake lines. */
export function formatMessageList(messages: readonly (Message | ListedMessage)[], withBody: boolean): string {
  return messages
    .map((m) => {
      const unread = "read" in m ? !m.read : true;
      const prio = m.priority === "normal" ? "" : ` [${m.priority.toUpperCase()}]`;
      const lines = [
        `${unread ? "*" : " "} ${m.id}  ${escapeMeta(m.from)} -> ${escapeMeta(m.to)}${prio}  (${m.type})  ${m.createdAt}`,
        `  Subject: ${escapeMeta(m.subject)}`,
      ];
      if (withBody) lines.push(...indent(m.body));
      if (withBody && m.payload !== null) lines.push(`  Payload: ${payloadLine(m.payload)}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

/** One message in full, for `mail read`. */
export function formatMessage(m: Message): string {
  const lines = [
    `Id:       ${m.id}`,
    `From:     ${escapeMeta(m.from)}`,
    `To:       ${escapeMeta(m.to)}`,
    `Subject:  ${escapeMeta(m.subject)}`,
    `Type:     ${m.type}`,
    `Priority: ${m.priority}`,
    `Sent:     ${escapeMeta(m.createdAt)}`,
  ];
  if (m.threadId) lines.push(`Thread:   ${escapeMeta(m.threadId)}`);
  if (m.payload !== null) lines.push(`Payload:  ${payloadLine(m.payload)}`);
  return `${lines.join("\n")}\n\n${m.body}`;
}

function indent(body: string): string[] {
  return body.split("\n").map((l) => `  ${l}`);
}
