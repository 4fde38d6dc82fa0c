import { OvError } from "../core/errors.js";
import type { MailDispatcher } from "./dispatch.js";
import { loadConfig } from "../config/config.js";
import { CONFIG_KEYS } from "../config/keys.js";
import { listSessions, readSession } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { isGroupAddress, resolveGroup } from "./groups.js";
import { checkPayload } from "./payloads.js";
import { isMessageId, mailType, priority, recipientName, senderName } from "./schema.js";
import type { MailType, Priority, SendInput } from "./types.js";

/** Names that legitimately receive mail without having a session. */
export const SESSIONLESS_RECIPIENTS = ["operator", "coordinator", "orchestrator", "monitor"];

export interface SendOptions {
  /** Largest body accepted in bytes; default: config `mail.maxBodyBytes`. */
  maxBodyBytes?: number;
  /** Overrides the deps-level dispatcher for this send (tests, or a caller that dispatches itself). */
  dispatch?: MailDispatcher;
  /** Deliver to a completed/zombie recipient anyway (system notices); the CLI never sets it. */
  allowTerminal?: boolean;
}

/** A validated send: normalized fields, resolved recipients and advisory warnings. */
export interface SendPlan {
  from: string;
  subject: string;
  body: string;
  type: MailType;
  priority: Priority;
  threadId: string | null;
  payload: Record<string, unknown> | null;
  group: string | undefined;
  recipients: string[];
  warnings: string[];
}

const maxBodyCache = new WeakMap<Deps, Promise<number>>();

/** The configured limit can never be lower (config min), so smaller bodies skip loading config (a git spawn). */
const MIN_BODY_LIMIT = CONFIG_KEYS["mail.maxBodyBytes"].min;

function configuredMaxBody(deps: Deps): Promise<number> {
  let p = maxBodyCache.get(deps);
  if (!p) {
    p = loadConfig(deps).then((c) => c.num("mail.maxBodyBytes"));
    maxBodyCache.set(deps, p);
  }
  return p;
}

/** Validates everything about a send before anything is written; throws a one-line OvError. */
export async function planSend(deps: Deps, input: SendInput, opts: SendOptions): Promise<SendPlan> {
  const fields = checkFields(input);
  const to = String(input.to ?? "");
  const group = isGroupAddress(to) ? to.toLowerCase() : undefined;
  const single = group ? undefined : recipientName(to);
  // Config (a git spawn when cold) and the recipients' sessions load side by side.
  const [maxBody, recipients, warnings] = await Promise.all([
    opts.maxBodyBytes ??
      (Buffer.byteLength(fields.body, "utf8") <= MIN_BODY_LIMIT ? MIN_BODY_LIMIT : configuredMaxBody(deps)),
    single ? [single] : resolveGroup(deps, to, fields.from),
    single ? recipientWarnings(deps, single, opts) : ([] as string[]),
  ]);
  checkBodySize(fields.body, maxBody);
  if (fields.type === "merge_ready") warnings.push(...(await reviewerWarnings(deps, fields.from)));
  return { ...fields, group, recipients, warnings };
}

/** Checks the message itself (everything but the recipient and the body's size). */
function checkFields(input: SendInput): Omit<SendPlan, "group" | "recipients" | "warnings"> {
  const from = senderName(String(input.from ?? ""));
  const type = mailType(String(input.type ?? "status"));
  const prio = priority(String(input.priority ?? "normal"));
  if (typeof input.subject !== "string" || input.subject.trim() === "") {
    throw new OvError("MAIL", "mail subject is empty", { hint: "pass --subject '<what this is about>'" });
  }
  if (typeof input.body !== "string") throw new OvError("MAIL", "mail body must be text");
  const threadId = input.threadId ?? null;
  if (threadId !== null && (typeof threadId !== "string" || !isMessageId(threadId))) {
    throw new OvError("MAIL", `invalid thread id '${String(threadId)}'`, {
      hint: "a thread id is a message id",
    });
  }
  const payload = input.payload ?? null;
  checkPayload(type, payload);
  return { from, subject: input.subject, body: input.body, type, priority: prio, threadId, payload };
}

function checkBodySize(body: string, maxBody: number): void {
  const size = Buffer.byteLength(body, "utf8");
  if (size > maxBody) {
    throw new OvError("MAIL", `mail body is ${size} bytes, over the ${maxBody}-byte limit`, {
      data: { size, max: maxBody },
      hint: "put large content in a file or commit and mail its path (limit: config mail.maxBodyBytes)",
    });
  }
}

/** Refuses a terminal recipient; warns about a recipient that has no session yet. */
async function recipientWarnings(deps: Deps, to: string, opts: SendOptions): Promise<string[]> {
  const doc = await readSession(deps, to);
  if (doc.kind === "ok") {
    const s = doc.value;
    if ((s.state === "completed" || s.state === "zombie") && !opts.allowTerminal) {
      const parent = s.parent ? `, or mail its parent instead: --to ${s.parent}` : "";
      throw new OvError("MAIL", `recipient '${to}' is ${s.state}; message not sent`, {
        data: { to, state: s.state, parent: s.parent },
        hint: `a ${s.state} agent takes no more turns: revive it with 'git ov sling --recover ${to}'${parent}`,
      });
    }
    return [];
  }
  if (doc.kind === "invalid") return [`session of '${to}' is unreadable; delivered anyway`];
  if (SESSIONLESS_RECIPIENTS.includes(to)) return [];
  return [
    `no agent named '${to}' yet; the mail waits in refs/ov/mail/${to} (check the name with git ov status)`,
  ];
}

/** The reference's advisory: merge_ready from a lead whose builders were not all reviewed. */
async function reviewerWarnings(deps: Deps, from: string): Promise<string[]> {
  const { sessions } = await listSessions(deps);
  const children = sessions.filter((s) => s.parent === from);
  const builders = children.filter((s) => s.capability === "builder").length;
  const reviewers = children.filter((s) => s.capability === "reviewer").length;
  if (builders === 0) return [];
  if (reviewers === 0)
    return [
      `merge_ready sent but no reviewer sessions under '${from}' (${builders} builder(s)): consider a review first`,
    ];
  if (reviewers < builders)
    return [`note: ${reviewers} reviewer(s) for ${builders} builder(s) under '${from}'`];
  return [];
}
