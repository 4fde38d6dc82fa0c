import { type AgentName, agentNameProblem } from "../core/ids.js";
import type { Deps } from "../store/deps.js";
import { type DocRead, listDocs, readDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";
import { type Validator, int, nullable, oneOf, optional, shape, str } from "../store/validate.js";
import { byText } from "./format.js";

export const SESSION_STATES = ["booting", "working", "stalled", "completed", "zombie"] as const;
export type SessionState = (typeof SESSION_STATES)[number];
export const ACTIVE_STATES: readonly SessionState[] = ["booting", "working", "stalled"];
export const TERMINAL_STATES: readonly SessionState[] = ["completed", "zombie"];

export const CAPABILITIES = [
  "coordinator",
  "orchestrator",
  "monitor",
  "lead",
  "scout",
  "builder",
  "reviewer",
  "merger",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** One agent's session document: `refs/ov/sessions/<agent>` → `session.json`. */
export interface Session {
  v: 1;
  id: string;
  name: string;
  capability: Capability;
  task: string;
  branch: string;
  baseBranch: string;
  worktree: string;
  runtime: string;
  /** The runtime's own conversation id (Claude `session_id`), used to resume. */
  runtimeSessionId: string | null;
  parent: string | null;
  depth: number;
  runId: string | null;
  state: SessionState;
  /** Pid of a long-lived process (tmux/persistent); null for spawn-per-turn agents. */
  pid: number | null;
  turns: number;
  /** ISO time the agent went idle between turns (awaiting mail), or null while in a turn. */
  idleSince: string | null;
  startedAt: string;
  lastActivity: string;
  escalationLevel: number;
  stalledSince: string | null;
  /**
   * Which watchdog ladder `escalationLevel`/`stalledSince` belong to: `stall` (a live turn or
   * process went quiet) or `idle` (idle between turns with nothing to wait for). Absent in older docs.
   */
  escalationKind?: EscalationKind | null;
  /** Why the session reached its current state (last transition reason), for `status`. */
  reason: string | null;
}

export const ESCALATION_KINDS = ["stall", "idle"] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

export const SESSION_FILE = "session.json";
export const SESSIONS_PREFIX = "refs/ov/sessions/";

/** The ref holding one agent's session document. */
export function sessionRef(agent: AgentName | string): string {
  return `${SESSIONS_PREFIX}${agent}`;
}

/** A session id in the reference's format: `session-<epochMs>-<agent>`. */
export function newSessionId(nowMs: number, agent: string): string {
  return `session-${nowMs}-${agent}`;
}

export const sessionValidator: Validator<Session> = shape<Session>({
  v: (v, p) => {
    if (v !== 1) throw new Error(`${p} must be 1`);
    return 1;
  },
  id: str,
  name: str,
  capability: oneOf(CAPABILITIES),
  task: str,
  branch: str,
  baseBranch: str,
  worktree: str,
  runtime: str,
  runtimeSessionId: nullable(str),
  parent: nullable(str),
  depth: int,
  runId: nullable(str),
  state: oneOf(SESSION_STATES),
  pid: nullable(int),
  turns: int,
  idleSince: nullable(str),
  startedAt: str,
  lastActivity: str,
  escalationLevel: int,
  stalledSince: nullable(str),
  escalationKind: optional(nullable(oneOf(ESCALATION_KINDS))),
  // Optional in older documents: absent reads as null.
  reason: nullable(str),
});

/** True for completed and zombie: states no turn may leave except zombie -> completed. */
export function isTerminal(state: SessionState): boolean {
  return state === "completed" || state === "zombie";
}

/** Reads one agent's session; a name that cannot be an agent name reads as missing. */
export async function readSession(deps: Deps, agent: string): Promise<DocRead<Session>> {
  if (agentNameProblem(agent) !== undefined) return { kind: "missing" };
  const doc = await readDoc(deps.store, sessionRef(agent), SESSION_FILE, sessionValidator);
  if (doc.kind !== "ok") return doc;
  const problem = nameProblem(sessionRef(agent), doc.value);
  return problem ? { kind: "invalid", problem: { ...problem, commit: doc.commit } } : doc;
}

/**
 * Every session (one for-each-ref, pipelined reads), oldest first; corrupt documents, and documents
 * whose `name` disagrees with their ref, come back as problems beside the good ones.
 */
export async function listSessions(deps: Deps): Promise<{ sessions: Session[]; problems: DocProblem[] }> {
  const { docs, problems } = await listDocs(deps.store, SESSIONS_PREFIX, SESSION_FILE, sessionValidator);
  const sessions: Session[] = [];
  for (const d of docs) {
    const problem = nameProblem(d.ref, d.value);
    if (problem) problems.push({ ...problem, commit: d.commit });
    else sessions.push(d.value);
  }
  return { sessions: sortSessions(sessions), problems };
}

/** Oldest first (the reference's order), ties by name. */
export function sortSessions(sessions: Session[]): Session[] {
  return sessions.sort((a, b) => byText(a.startedAt, b.startedAt) || byText(a.name, b.name));
}

/** A session stored under a ref that does not name it would be addressed wrongly: report it. */
export function nameProblem(ref: string, s: Session): DocProblem | undefined {
  const agent = ref.slice(SESSIONS_PREFIX.length);
  if (s.name === agent && agentNameProblem(agent) === undefined) return undefined;
  return {
    ref,
    commit: undefined,
    path: SESSION_FILE,
    problem:
      s.name === agent
        ? `ref name is not a valid agent name (${agentNameProblem(agent)})`
        : `$.name is '${s.name}' but the ref names agent '${agent}'`,
  };
}
