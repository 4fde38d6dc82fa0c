import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { OvError } from "../core/errors.js";
import { agentName } from "../core/ids.js";
import { mailRef } from "../mail/types.js";
import { readCurrentRunId } from "../sessions/current-run.js";
import { ACTIVE_STATES, type Session, isTerminal, listSessions, readSession } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { invalidDocument } from "../store/store.js";
import { OVERLAY_FILE } from "./overlay.js";

/** Number of unread messages in an inbox (a tree listing, no blob reads). */
export async function unreadCount(deps: Deps, agent: string): Promise<number> {
  const { draft } = await deps.store.open(mailRef(agent));
  return (await draft.list("unread")).filter((e) => e.kind === "file").length;
}

export interface AgentPrime {
  mode: "agent";
  agent: string;
  session: Session;
  unread: number;
  overlayPath: string;
  overlay: string | null;
  context: string;
}

/** Context for one agent: its session, parent, unread mail and overlay (`compact` leaves the overlay out). */
export async function primeAgent(deps: Deps, name: string, compact: boolean): Promise<AgentPrime> {
  const doc = await readSession(deps, agentName(name));
  if (doc.kind === "invalid") throw invalidDocument(doc.problem);
  if (doc.kind === "missing")
    throw new OvError("NOT_FOUND", `no agent named '${name}'`, { hint: "git ov status lists the agents" });
  const s = doc.value;
  const unread = await unreadCount(deps, s.name);
  const overlayPath = join(s.worktree, OVERLAY_FILE);
  const overlay = existsSync(overlayPath) ? readFileSync(overlayPath, "utf8") : null;
  const lines = [
    `# git ov context: ${s.name} (${s.capability})`,
    "",
    `- State: ${s.state}${s.reason ? ` (${s.reason})` : ""}`,
    `- Task: ${s.task} · branch ${s.branch} from ${s.baseBranch} · depth ${s.depth}`,
    `- Parent: ${s.parent ?? "none (report to operator)"} · run ${s.runId ?? "none"}`,
    `- Worktree: ${s.worktree}`,
    `- Unread mail: ${unread}${unread > 0 ? ` — read it with: git ov mail check --agent ${s.name}` : ""}`,
  ];
  if (!isTerminal(s.state))
    lines.push(
      "",
      `You have a bound task (${s.task}). Follow your overlay and start now; do not wait for more mail.`,
    );
  if (!compact) lines.push("", "## Overlay", "", overlay ?? `(no overlay at ${overlayPath})`);
  return {
    mode: "agent",
    agent: s.name,
    session: s,
    unread,
    overlayPath,
    overlay,
    context: lines.join("\n"),
  };
}

export interface OperatorPrime {
  mode: "operator";
  runId: string | null;
  canonicalBranch: string;
  agents: { name: string; capability: string; state: string; task: string; parent: string | null }[];
  queued: number;
  unread: number;
  context: string;
}

/** Context for the operator: current run, live agents, merge queue length, operator inbox. */
export async function primeOperator(deps: Deps): Promise<OperatorPrime> {
  const [config, runId, { sessions }, unread, queue] = await Promise.all([
    loadConfig(deps),
    readCurrentRunId(deps),
    listSessions(deps),
    unreadCount(deps, "operator"),
    deps.store.open("refs/ov/merge/queue"),
  ]);
  const queued = (await queue.draft.list("entries")).length;
  const live = sessions.filter((s) => ACTIVE_STATES.includes(s.state));
  const agents = live.map((s) => ({
    name: s.name,
    capability: s.capability,
    state: s.state,
    task: s.task,
    parent: s.parent,
  }));
  const lines = [
    "# git ov context: operator",
    "",
    `- Run: ${runId ?? "none"} · canonical branch ${config.str("project.canonicalBranch")}`,
    `- Limits: ${config.num("agents.maxConcurrent")} agents, depth ${config.num("agents.maxDepth")}, ${config.num("agents.maxAgentsPerLead")} per lead`,
    `- Merge queue: ${queued} entr${queued === 1 ? "y" : "ies"} · your unread mail: ${unread}`,
    "",
    `## Live agents (${live.length} of ${sessions.length})`,
    "",
    ...(live.length
      ? agents.map(
          (a) => `- ${a.name} (${a.capability}) ${a.state} on ${a.task}${a.parent ? ` ← ${a.parent}` : ""}`,
        )
      : ["- none"]),
  ];
  return {
    mode: "operator",
    runId: runId ?? null,
    canonicalBranch: config.str("project.canonicalBranch"),
    agents,
    queued,
    unread,
    context: lines.join("\n"),
  };
}
