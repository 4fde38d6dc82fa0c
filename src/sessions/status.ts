import { existsSync } from "node:fs";
import { join } from "node:path";
import { ovDir } from "../git/repo.js";
import { MAIL_PREFIX } from "../mail/types.js";
import { pidAlive } from "../sys/process.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { CURRENT_RUN_FILE, CURRENT_RUN_REF, currentRunValidator } from "./current-run.js";
import {
  SESSIONS_PREFIX,
  SESSION_FILE,
  SESSION_STATES,
  type Session,
  type SessionState,
  isTerminal,
  nameProblem,
  sessionValidator,
  sortSessions,
} from "./session.js";
import {
  type LinkedWorktree,
  type ListedRef,
  commitTimes,
  countEntries,
  linkedWorktrees,
  listRefs,
  readListed,
} from "./snapshot.js";

const MERGE_QUEUE_REF = "refs/ov/merge/queue";

export interface StatusOptions {
  /** Every run, terminal sessions included (default: the current run's sessions plus run-less ones). */
  all?: boolean;
  verbose?: boolean;
  /** Whose unread mail the headline counts (default `operator`). */
  mailAgent?: string;
}

/** One agent as `status` shows it. `alive` follows the reference's topology rule. */
export interface AgentStatus {
  name: string;
  capability: Session["capability"];
  state: SessionState;
  task: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  runId: string | null;
  parent: string | null;
  depth: number;
  alive: boolean;
  unread: number;
  turns: number;
  startedAt: string;
  lastActivity: string;
  reason: string | null;
  verbose?: {
    runtime: string;
    runtimeSessionId: string | null;
    pid: number | null;
    logDir: string;
    inboxUpdatedAt: string | null;
    escalationLevel: number;
    stalledSince: string | null;
  };
}

export interface StatusReport {
  currentRunId: string | null;
  /** "run" when scoped to the current run, "all" otherwise. */
  scope: "run" | "all";
  agents: AgentStatus[];
  counts: Record<SessionState, number>;
  worktrees: (LinkedWorktree & { agent: string | null })[];
  unreadMailCount: number;
  unreadMailScope: string;
  mergeQueueCount: number;
  sessionsRecorded: number;
  problems: DocProblem[];
}

/**
 * A read-only snapshot of the swarm: one for-each-ref, pipelined reads, no per-agent process and
 * no writes of any kind (the reference's status could revive a zombie; this one cannot).
 */
export async function readStatus(deps: Deps, opts: StatusOptions = {}): Promise<StatusReport> {
  const refs = await listRefs(deps, [SESSIONS_PREFIX, MAIL_PREFIX, CURRENT_RUN_REF, MERGE_QUEUE_REF]);
  const sessionRefs = refs.filter((r) => r.ref.startsWith(SESSIONS_PREFIX));
  const inboxes = new Map(
    refs.filter((r) => r.ref.startsWith(MAIL_PREFIX)).map((r) => [r.ref.slice(MAIL_PREFIX.length), r]),
  );
  const current = refs.filter((r) => r.ref === CURRENT_RUN_REF);
  const queue = refs.filter((r) => r.ref === MERGE_QUEUE_REF);
  const mailAgent = opts.mailAgent ?? "operator";

  const [listed, pointer, queueCount] = await Promise.all([
    readListed(deps, sessionRefs, SESSION_FILE, sessionValidator),
    readListed(deps, current, CURRENT_RUN_FILE, currentRunValidator),
    countEntries(deps, queue, "entries"),
  ]);
  const problems = [...listed.problems, ...pointer.problems];
  const all: Session[] = [];
  for (const d of listed.docs) {
    const bad = nameProblem(d.ref, d.value);
    if (bad) problems.push({ ...bad, commit: d.commit });
    else all.push(d.value);
  }
  const currentRunId = pointer.docs[0]?.value.runId ?? null;
  const scoped =
    opts.all || !currentRunId ? all : all.filter((s) => s.runId === currentRunId || s.runId === null);
  const sessions = sortSessions(scoped);

  const wanted = [...new Set([mailAgent, ...sessions.map((s) => s.name)])].filter((a) => inboxes.has(a));
  const inboxRefs = wanted.map((a) => inboxes.get(a) as ListedRef);
  const [unreadCounts, inboxTimes] = await Promise.all([
    countEntries(deps, inboxRefs, "unread"),
    opts.verbose
      ? commitTimes(
          deps,
          inboxRefs.map((r) => r.oid),
        )
      : Promise.resolve([]),
  ]);
  const unread = new Map(wanted.map((a, i) => [a, unreadCounts[i] ?? 0]));
  const inboxAt = new Map(wanted.map((a, i) => [a, inboxTimes[i] ?? null]));

  const agents = sessions.map((s) =>
    agentStatus(deps, s, unread.get(s.name) ?? 0, opts.verbose ? (inboxAt.get(s.name) ?? null) : undefined),
  );
  const byPath = new Map(all.map((s) => [s.worktree, s.name]));
  return {
    currentRunId,
    scope: opts.all || !currentRunId ? "all" : "run",
    agents,
    counts: countStates(sessions),
    worktrees: linkedWorktrees(deps.repo.commonDir).map((w) => ({ ...w, agent: byPath.get(w.path) ?? null })),
    unreadMailCount: unread.get(mailAgent) ?? 0,
    unreadMailScope: `to ${mailAgent}`,
    mergeQueueCount: queueCount[0] ?? 0,
    sessionsRecorded: all.length,
    problems,
  };
}

/**
 * Whether the agent's process can be running: spawn-per-turn agents (no pid) are alive while not
 * terminal; long-lived ones while their pid exists.
 */
export function isAlive(s: Session): boolean {
  if (s.pid === null) return !isTerminal(s.state);
  return pidAlive(s.pid);
}

function agentStatus(
  deps: Deps,
  s: Session,
  unread: number,
  inboxUpdatedAt: string | null | undefined,
): AgentStatus {
  const row: AgentStatus = {
    name: s.name,
    capability: s.capability,
    state: s.state,
    task: s.task,
    branch: s.branch,
    worktree: s.worktree,
    worktreeExists: s.worktree !== "" && existsSync(s.worktree),
    runId: s.runId,
    parent: s.parent,
    depth: s.depth,
    alive: isAlive(s),
    unread,
    turns: s.turns,
    startedAt: s.startedAt,
    lastActivity: s.lastActivity,
    reason: s.reason,
  };
  if (inboxUpdatedAt !== undefined) {
    row.verbose = {
      runtime: s.runtime,
      runtimeSessionId: s.runtimeSessionId,
      pid: s.pid,
      logDir: join(ovDir(deps.repo), "logs", s.name),
      inboxUpdatedAt,
      escalationLevel: s.escalationLevel,
      stalledSince: s.stalledSince,
    };
  }
  return row;
}

function countStates(sessions: readonly Session[]): Record<SessionState, number> {
  const counts = Object.fromEntries(SESSION_STATES.map((s) => [s, 0])) as Record<SessionState, number>;
  for (const s of sessions) counts[s.state]++;
  return counts;
}
