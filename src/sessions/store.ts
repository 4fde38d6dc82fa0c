import { OvError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import { invalidDocument } from "../store/store.js";
import type { TreeDraft } from "../store/draft.js";
import {
  SESSION_FILE,
  type Session,
  type SessionState,
  isTerminal,
  sessionRef,
  sessionValidator,
} from "./session.js";

/** Allowed predecessor states for each target (reference matrix): completed is sticky, zombie only → completed. */
export const ALLOWED_FROM: Record<SessionState, readonly SessionState[]> = {
  booting: [],
  working: ["booting", "working", "stalled"],
  stalled: ["booting", "working", "stalled"],
  completed: ["booting", "working", "stalled", "zombie", "completed"],
  zombie: ["booting", "working", "stalled", "zombie"],
};

export type TransitionResult =
  | { ok: true; prev: SessionState; next: SessionState; session: Session }
  | { ok: false; reason: "not_found"; attempted: SessionState }
  | { ok: false; reason: "illegal_transition"; prev: SessionState; attempted: SessionState };

async function readIn(draft: TreeDraft, ref: string, tip: string | undefined): Promise<Session | undefined> {
  const res = parseDoc(await draft.readText(SESSION_FILE), sessionValidator, {
    ref,
    commit: tip,
    path: SESSION_FILE,
  });
  if (!res) return undefined;
  if (!res.ok) throw invalidDocument(res.problem);
  return res.value;
}

/**
 * Creates an agent's session (state `booting`). Fails with ALREADY_EXISTS when a session with this
 * name exists, unless it is terminal and `replaceTerminal` is set (a re-sling of a finished name).
 */
export async function createSession(
  deps: Deps,
  session: Session,
  opts: { replaceTerminal?: boolean } = {},
): Promise<Session> {
  const ref = sessionRef(session.name);
  await deps.store.update(ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (cur && !(opts.replaceTerminal && isTerminal(cur.state))) {
      throw new OvError("ALREADY_EXISTS", `agent '${session.name}' already has a session (${cur.state})`, {
        data: { agent: session.name, state: cur.state },
        hint: "choose another --name, or stop and clean the old agent first",
      });
    }
    await draft.write(SESSION_FILE, canonicalJson({ ...session, state: "booting" }));
    return {
      write: {
        subject: `session ${session.name}: created (booting)`,
        body: `${session.capability} on task ${session.task}, branch ${session.branch}`,
        trailers: {
          "Ov-Op": "session-create",
          "Ov-Agent": session.name,
          "Ov-Task": session.task,
          "Ov-Run": session.runId ?? undefined,
          "Ov-State": "booting",
        },
      },
      value: undefined,
    };
  });
  return { ...session, state: "booting" };
}

export interface TransitionOptions {
  /** Why (shown in status and the commit message). */
  reason?: string;
  /**
   * Extra field changes applied in the same commit when the transition lands; gets the new
   * session and the one it replaces (e.g. to keep `prev.lastActivity`).
   */
  patch?: (s: Session, prev: Session) => Partial<Session>;
  /** Commit subject suffix such as "(turn 3)". */
  note?: string;
}

/**
 * Compare-and-set state transition on the agent's own ref: lands only when the current state is in
 * ALLOWED_FROM[target]. On refusal, `prev` is the state that actually blocked it.
 */
export async function tryTransition(
  deps: Deps,
  agent: string,
  target: SessionState,
  opts: TransitionOptions = {},
): Promise<TransitionResult> {
  const ref = sessionRef(agent);
  const out = await deps.store.update<TransitionResult>(ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (!cur) return { write: false, value: { ok: false, reason: "not_found", attempted: target } };
    if (!ALLOWED_FROM[target].includes(cur.state)) {
      return {
        write: false,
        value: { ok: false, reason: "illegal_transition", prev: cur.state, attempted: target },
      };
    }
    const now = isoTime(deps.clock.now());
    let next: Session = { ...cur, state: target, lastActivity: now, reason: opts.reason ?? cur.reason };
    if (opts.patch) next = { ...next, ...opts.patch(next, cur) };
    // Terminal states drop live-process handles so nothing later mistakes them for a running agent.
    if (isTerminal(target)) next = { ...next, pid: null, idleSince: null };
    await draft.write(SESSION_FILE, canonicalJson(next));
    const suffix = opts.note ? ` ${opts.note}` : "";
    return {
      write: {
        subject: `session ${agent}: ${cur.state} -> ${target}${suffix}`,
        ...(opts.reason ? { body: opts.reason } : {}),
        trailers: {
          "Ov-Op": "session-transition",
          "Ov-Agent": agent,
          "Ov-From-State": cur.state,
          "Ov-State": target,
        },
      },
      value: { ok: true, prev: cur.state, next: target, session: next },
    };
  });
  return out.value;
}

/**
 * Applies a field update (no state change) with CAS; `fn` returns the changes, or undefined to
 * write nothing. Throws NOT_FOUND when the agent has no session.
 */
export async function updateSession(
  deps: Deps,
  agent: string,
  fn: (s: Session) => Partial<Omit<Session, "state" | "name" | "v">> | undefined,
  subject: string,
): Promise<Session | undefined> {
  const ref = sessionRef(agent);
  const out = await deps.store.update<Session | undefined>(ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (!cur) {
      throw new OvError("NOT_FOUND", `no agent named '${agent}'`, {
        data: { agent },
        hint: "git ov status lists the agents",
      });
    }
    const change = fn(cur);
    if (!change) return { write: false, value: cur };
    const next: Session = { ...cur, ...change };
    await draft.write(SESSION_FILE, canonicalJson(next));
    return {
      write: {
        subject: `session ${agent}: ${subject}`,
        trailers: { "Ov-Op": "session-update", "Ov-Agent": agent },
      },
      value: next,
    };
  });
  return out.value;
}
