import { OvError } from "../core/errors.js";
import { agentName, agentNameProblem } from "../core/ids.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { TreeDraft } from "../store/draft.js";
import { type UpdateOp, type UpdateOutcome, invalidDocument } from "../store/store.js";
import { check } from "../store/validate.js";
import {
  SESSION_FILE,
  type Session,
  type SessionState,
  isTerminal,
  nameProblem,
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

/** Reads the session inside an op; a corrupt document aborts the op with INVALID_DOCUMENT. */
async function readIn(draft: TreeDraft, ref: string, tip: string | undefined): Promise<Session | undefined> {
  const where = { ref, commit: tip, path: SESSION_FILE };
  const res = parseDoc(await draft.readText(SESSION_FILE), sessionValidator, where);
  if (!res) return undefined;
  if (!res.ok) throw invalidDocument(res.problem);
  const bad = nameProblem(ref, res.value);
  if (bad) throw invalidDocument({ ...bad, commit: tip });
  return res.value;
}

/** NOT_FOUND for an agent without a session, with the command that lists the agents. */
export function sessionNotFound(agent: string): OvError {
  return new OvError("NOT_FOUND", `no agent named '${agent}'`, {
    data: { agent },
    hint: "git ov status --all lists the agents",
  });
}

/** Turns a refused transition into the error a command reports (NOT_FOUND or ILLEGAL_TRANSITION). */
export function transitionError(agent: string, res: Exclude<TransitionResult, { ok: true }>): OvError {
  if (res.reason === "not_found") return sessionNotFound(agent);
  return new OvError(
    "ILLEGAL_TRANSITION",
    `agent '${agent}' is ${res.prev}; it cannot become ${res.attempted}`,
    {
      data: { agent, prev: res.prev, attempted: res.attempted },
      hint: "completed is final and zombie can only become completed (see docs/data-model.md)",
    },
  );
}

/**
 * Session writes are few per agent but must land: the turn runner's settle or the watchdog's zombie
 * must not fail because other writers kept the ref busy for the store's whole retry window (seen
 * with 8 writers on a loaded 2-core machine). Ops are pure, so running the update again is safe.
 */
const SESSION_WRITE_ROUNDS = 4;

async function writeSession<T>(deps: Deps, ref: string, op: UpdateOp<T>): Promise<UpdateOutcome<T>> {
  for (let round = 1; ; round++) {
    try {
      return await deps.store.update(ref, op);
    } catch (e) {
      if (!(e instanceof OvError && e.code === "CAS_CONFLICT") || round >= SESSION_WRITE_ROUNDS) throw e;
    }
  }
}

/** Checks a session about to be written; a bad field is a programming or input error, not a conflict. */
function validated(s: Session): Session {
  const res = check(sessionValidator, s);
  if (!res.ok) {
    throw new OvError("SESSION", `refusing to write an invalid session for '${s.name}': ${res.problem}`, {
      data: { agent: s.name, problem: res.problem },
    });
  }
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
  const name = agentName(session.name);
  const doc = validated({ ...session, state: "booting" });
  const ref = sessionRef(name);
  await writeSession(deps, ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (cur && !(opts.replaceTerminal && isTerminal(cur.state))) {
      throw new OvError("ALREADY_EXISTS", `agent '${name}' already has a session (${cur.state})`, {
        data: { agent: name, state: cur.state },
        hint: "choose another --name, or stop and clean the old agent first",
      });
    }
    await draft.write(SESSION_FILE, canonicalJson(doc));
    return {
      write: {
        subject: `session ${name}: ${cur ? `${cur.state} -> booting (re-created)` : "created (booting)"}`,
        body: `${doc.capability} on task ${doc.task}, branch ${doc.branch}`,
        trailers: {
          "Ov-Op": "session-create",
          "Ov-Agent": name,
          "Ov-Task": doc.task,
          "Ov-Run": doc.runId ?? undefined,
          "Ov-State": "booting",
        },
      },
      value: undefined,
    };
  });
  return doc;
}

export interface TransitionOptions {
  /** Why (shown in status and the commit message). */
  reason?: string;
  /**
   * Extra field changes applied in the same commit when the transition lands; gets the new
   * session and the one it replaces (e.g. to keep `prev.lastActivity`).
   */
  patch?: (s: Session, prev: Session) => Partial<Session>;
  /** Commit subject suffix; defaults to "(turn N)" once the agent has taken a turn. */
  note?: string;
}

/**
 * Compare-and-set state transition on the agent's own ref: lands only when the current state is in
 * ALLOWED_FROM[target]. On refusal, `prev` is the state that actually blocked it (re-read after
 * any lost race). Landing in completed or zombie clears the live-process handles.
 */
export async function tryTransition(
  deps: Deps,
  agent: string,
  target: SessionState,
  opts: TransitionOptions = {},
): Promise<TransitionResult> {
  if (agentNameProblem(agent) !== undefined) return { ok: false, reason: "not_found", attempted: target };
  const ref = sessionRef(agent);
  const out = await writeSession<TransitionResult>(deps, ref, async (draft, ctx) => {
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
    if (opts.patch) next = { ...next, ...opts.patch(next, cur), state: target, name: cur.name, v: 1 };
    // Terminal states drop live-process handles so nothing later mistakes them for a running agent.
    if (isTerminal(target)) next = { ...next, pid: null, idleSince: null };
    next = validated(next);
    await draft.write(SESSION_FILE, canonicalJson(next));
    const note = opts.note ?? (next.turns > 0 ? `(turn ${next.turns})` : "");
    return {
      write: {
        subject: `session ${agent}: ${cur.state} -> ${target}${note ? ` ${note}` : ""}`,
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

/** Fields `updateSession` may change: everything but the identity and the state. */
export type SessionChange = Partial<Omit<Session, "state" | "name" | "v">>;

/**
 * Applies a field update (no state change) with CAS; `fn` returns the changes, or undefined to
 * write nothing. Throws NOT_FOUND when the agent has no session, INVALID_DOCUMENT when it is corrupt.
 */
export async function updateSession(
  deps: Deps,
  agent: string,
  fn: (s: Session) => SessionChange | undefined,
  subject: string,
): Promise<Session | undefined> {
  if (agentNameProblem(agent) !== undefined) throw sessionNotFound(agent);
  const ref = sessionRef(agent);
  const out = await writeSession<Session | undefined>(deps, ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (!cur) throw sessionNotFound(agent);
    const change = fn(cur);
    if (!change) return { write: false, value: cur };
    // The type forbids these keys, but a caller's spread can still carry them: the state only moves by tryTransition.
    const next = validated({ ...cur, ...change, state: cur.state, name: cur.name, v: 1 });
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

/**
 * Records activity: refreshes `lastActivity` and, when the agent is still booting, moves it to
 * working in the same commit. A terminal session is left untouched (activity never revives it).
 * Throws NOT_FOUND when the agent has no session.
 */
export async function recordActivity(deps: Deps, agent: string, what = "activity"): Promise<Session> {
  if (agentNameProblem(agent) !== undefined) throw sessionNotFound(agent);
  const ref = sessionRef(agent);
  const out = await writeSession<Session>(deps, ref, async (draft, ctx) => {
    const cur = await readIn(draft, ref, ctx.tip);
    if (!cur) throw sessionNotFound(agent);
    if (isTerminal(cur.state)) return { write: false, value: cur };
    const state: SessionState = cur.state === "booting" ? "working" : cur.state;
    const next: Session = { ...cur, state, lastActivity: isoTime(deps.clock.now()) };
    await draft.write(SESSION_FILE, canonicalJson(next));
    const moved = state !== cur.state ? `${cur.state} -> ${state} (${what})` : what;
    return {
      write: {
        subject: `session ${agent}: ${moved}`,
        trailers: {
          "Ov-Op": state !== cur.state ? "session-transition" : "session-activity",
          "Ov-Agent": agent,
          ...(state !== cur.state ? { "Ov-From-State": cur.state, "Ov-State": state } : {}),
        },
      },
      value: next,
    };
  });
  return out.value;
}
