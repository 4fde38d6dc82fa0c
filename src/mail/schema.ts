import { OvError } from "../core/errors.js";
import { agentNameProblem } from "../core/ids.js";
import { nearest } from "../core/text.js";
import { parseDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";
import {
  Invalid,
  type Validator,
  int,
  nullable,
  oneOf,
  optional,
  record,
  shape,
  str,
} from "../store/validate.js";
import { payloadProblem } from "./payloads.js";
import { MAIL_TYPES, type MailType, type Message, PRIORITIES, type Priority } from "./types.js";

const MSG_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** Validator for a stored message (untrusted: anyone can push an inbox). */
export const messageValidator: Validator<Message> = (raw, p) => {
  const m = shape<Message>({
    v: (v, q) => {
      if (v !== 1) throw new Invalid(`${q} must be 1`);
      return 1;
    },
    id: msgIdValidator,
    from: str,
    to: str,
    subject: str,
    body: str,
    type: oneOf(MAIL_TYPES),
    priority: oneOf(PRIORITIES),
    threadId: nullable(str),
    payload: nullable(record),
    createdAt: str,
    seq: optional(int),
    group: optional(str),
  })(raw, p);
  const problem = payloadProblem(m.type, m.payload);
  if (problem !== undefined) throw new Invalid(`${p}: ${problem}`);
  return m;
};

const msgIdValidator: Validator<string> = (v, p) => {
  const s = str(v, p);
  if (!MSG_ID_RE.test(s)) throw new Invalid(`${p} is not a message id`);
  return s;
};

/** Parses one message file; the file name must match the message id. */
export function parseMessage(
  text: string | undefined,
  where: { ref: string; commit: string | undefined; path: string },
): { ok: true; value: Message } | { ok: false; problem: DocProblem } {
  const res = parseDoc(text, messageValidator, where);
  if (!res) return { ok: false, problem: { ...where, problem: "file is missing" } };
  if (!res.ok) return res;
  const base = where.path.slice(where.path.lastIndexOf("/") + 1);
  if (base !== `${res.value.id}.json`) {
    return { ok: false, problem: { ...where, problem: `file name does not match id ${res.value.id}` } };
  }
  return res;
}

export function isMessageId(s: string): boolean {
  return MSG_ID_RE.test(s);
}

/** Validates a `--type` value, suggesting the nearest type on a typo. */
export function mailType(raw: string): MailType {
  if ((MAIL_TYPES as readonly string[]).includes(raw)) return raw as MailType;
  const near = nearest(raw, MAIL_TYPES, 3);
  throw new OvError("MAIL", `unknown mail type '${raw}'`, {
    data: { type: raw, valid: [...MAIL_TYPES] },
    hint: `${near ? `did you mean '${near}'? ` : ""}valid types: ${MAIL_TYPES.join(", ")}`,
  });
}

/** Validates a `--priority` value. */
export function priority(raw: string): Priority {
  if ((PRIORITIES as readonly string[]).includes(raw)) return raw as Priority;
  throw new OvError("MAIL", `unknown priority '${raw}'`, {
    data: { priority: raw, valid: [...PRIORITIES] },
    hint: `use one of ${PRIORITIES.join(", ")}`,
  });
}

/** Validates a sender name (an agent name; `operator` for the human). */
export function senderName(name: string): string {
  const problem = agentNameProblem(name);
  if (problem === undefined) return name;
  throw new OvError("INVALID_NAME", `invalid sender '${name}': ${problem}`, {
    data: { name },
    hint: "pass --from <agent-name> (e.g. --from operator)",
  });
}

/** Validates a single recipient name (not a group address). */
export function recipientName(name: string): string {
  const problem = agentNameProblem(name);
  if (problem === undefined) return name;
  throw new OvError("INVALID_NAME", `invalid recipient '${name}': ${problem}`, {
    data: { name },
    hint: "address an agent by its name (git ov status lists them) or a group such as @all or @builders",
  });
}

/** Parses `--payload` text: must be a JSON object (or `null`). */
export function parsePayloadJson(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new OvError("MAIL", `--payload is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, {
      hint: `quote it for the shell, e.g. --payload '{"taskId":"t-1"}'`,
    });
  }
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new OvError("MAIL", "--payload must be a JSON object", {
      hint: `e.g. --payload '{"taskId":"t-1"}'`,
    });
  }
  return value as Record<string, unknown>;
}
