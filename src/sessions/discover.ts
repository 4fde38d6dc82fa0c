import { OvError } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import {
  CAPABILITIES,
  type Capability,
  SESSION_STATES,
  type Session,
  type SessionState,
  isTerminal,
  listSessions,
} from "./session.js";

export interface DiscoverFilter {
  capability?: string;
  state?: string;
  parent?: string;
  /** Include terminal agents (implied by a terminal `state`). */
  all?: boolean;
}

/** One discovered agent, with the reference's field names. */
export interface DiscoveredAgent {
  agentName: string;
  capability: Capability;
  state: SessionState;
  taskId: string;
  branchName: string;
  worktree: string;
  parentAgent: string | null;
  depth: number;
  runId: string | null;
  startedAt: string;
  lastActivity: string;
}

/**
 * Agents matching the filter: active ones unless `all` (or a terminal `state`) is asked for.
 * Throws USAGE naming the valid values when a capability or state is unknown.
 */
export async function discoverAgents(
  deps: Deps,
  filter: DiscoverFilter,
): Promise<{ agents: DiscoveredAgent[]; problems: DocProblem[] }> {
  const capability =
    filter.capability === undefined ? undefined : oneOf("capability", filter.capability, CAPABILITIES);
  const state = filter.state === undefined ? undefined : oneOf("state", filter.state, SESSION_STATES);
  const { sessions, problems } = await listSessions(deps);
  const agents = sessions
    .filter((s) => filter.all || state !== undefined || !isTerminal(s.state))
    .filter((s) => capability === undefined || s.capability === capability)
    .filter((s) => state === undefined || s.state === state)
    .filter((s) => filter.parent === undefined || s.parent === filter.parent)
    .map(toDiscovered);
  return { agents, problems };
}

function toDiscovered(s: Session): DiscoveredAgent {
  return {
    agentName: s.name,
    capability: s.capability,
    state: s.state,
    taskId: s.task,
    branchName: s.branch,
    worktree: s.worktree,
    parentAgent: s.parent,
    depth: s.depth,
    runId: s.runId,
    startedAt: s.startedAt,
    lastActivity: s.lastActivity,
  };
}

function oneOf<const T extends readonly string[]>(what: string, value: string, values: T): T[number] {
  if ((values as readonly string[]).includes(value)) return value as T[number];
  throw new OvError("USAGE", `unknown ${what} '${value}'`, { hint: `use one of ${values.join(", ")}` });
}
