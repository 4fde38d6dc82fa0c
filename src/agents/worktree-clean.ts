import { loadConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import { ACTIVE_STATES, type Session, isTerminal, listSessions } from "../sessions/session.js";
import { tryTransition } from "../sessions/store.js";
import type { Deps } from "../store/deps.js";
import { killTurn, turnInFlight } from "./turn-kill.js";
import {
  type WorktreeEntry,
  deleteBranch,
  dirtyFiles,
  listAgentWorktrees,
  parseAgentBranch,
  removeWorktree,
  unmergedCount,
} from "./worktree.js";

export interface WorktreeRow {
  path: string;
  branch: string;
  head: string | undefined;
  agent: string | null;
  capability: string | null;
  state: string | null;
  task: string | null;
}

/** Agent worktrees joined to their sessions. */
export async function listAgentWorktreeRows(deps: Deps): Promise<WorktreeRow[]> {
  const [entries, { sessions }] = await Promise.all([listAgentWorktrees(deps), listSessions(deps)]);
  return entries.map((e) => {
    const s = sessionOf(e, sessions);
    return {
      path: e.path,
      branch: e.branch ?? "",
      head: e.head,
      agent: s?.name ?? parseAgentBranch(e.branch ?? "")?.agent ?? null,
      capability: s?.capability ?? null,
      state: s?.state ?? null,
      task: s?.task ?? null,
    };
  });
}

function sessionOf(e: WorktreeEntry, sessions: readonly Session[]): Session | undefined {
  const agent = parseAgentBranch(e.branch ?? "")?.agent;
  return (
    sessions.find((s) => s.name === agent && s.branch === e.branch) ??
    sessions.find((s) => s.worktree === e.path)
  );
}

export interface CleanOutcome {
  cleaned: { agent: string | null; path: string; branch: string }[];
  skipped: { agent: string | null; path: string; reason: string }[];
  blockedByChildren: { agent: string; children: string[] }[];
  failed: { agent: string | null; path: string; error: string }[];
}

/**
 * `git ov worktree clean`: removes agent worktrees and their branches. By default only finished
 * agents'; `all` includes live ones. Never removes uncommitted changes, unmerged commits, a turn in
 * flight, or a parent whose children still run — unless `force`.
 */
export async function cleanWorktrees(
  deps: Deps,
  opts: { all: boolean; force: boolean },
): Promise<CleanOutcome> {
  const [entries, { sessions }, config] = await Promise.all([
    listAgentWorktrees(deps),
    listSessions(deps),
    loadConfig(deps),
  ]);
  const canonical = config.str("project.canonicalBranch");
  const grace = config.num("turn.killGraceMs");
  const out: CleanOutcome = { cleaned: [], skipped: [], blockedByChildren: [], failed: [] };
  for (const e of entries) {
    const s = sessionOf(e, sessions);
    const agent = s?.name ?? parseAgentBranch(e.branch ?? "")?.agent ?? null;
    const skip = (reason: string) => out.skipped.push({ agent, path: e.path, reason });
    if (s && !isTerminal(s.state) && !opts.all) {
      skip(`agent is ${s.state} (use --all to include live agents)`);
      continue;
    }
    const children = agent
      ? sessions.filter((c) => c.parent === agent && ACTIVE_STATES.includes(c.state))
      : [];
    if (children.length > 0 && !opts.force) {
      out.blockedByChildren.push({ agent: agent!, children: children.map((c) => c.name) });
      continue;
    }
    if (agent && turnInFlight(deps, agent) && !opts.force) {
      skip("a turn is in flight (git ov stop it first, or --force)");
      continue;
    }
    const dirty = await dirtyFiles(deps, e.path).catch(() => []);
    if (dirty.length > 0 && !opts.force) {
      skip(`${dirty.length} uncommitted change(s) (commit them, or --force to discard)`);
      continue;
    }
    const ahead = e.branch ? await unmergedCount(deps, e.branch, canonical) : 0;
    if (ahead > 0 && !opts.force) {
      skip(`branch ${e.branch} has ${ahead} commit(s) not in ${canonical} (merge it, or --force)`);
      continue;
    }
    try {
      for (const c of opts.force ? children : []) await killTurn(deps, c.name, grace);
      if (agent) await killTurn(deps, agent, grace);
      await removeWorktree(deps, e.path, true);
      if (e.branch) await deleteBranch(deps, e.branch);
      if (s && !isTerminal(s.state))
        await tryTransition(deps, s.name, "completed", {
          reason: "worktree removed by git ov worktree clean",
        });
      out.cleaned.push({ agent, path: e.path, branch: e.branch ?? "" });
    } catch (err) {
      out.failed.push({ agent, path: e.path, error: messageOf(err) });
    }
  }
  await deps.git.run(["worktree", "prune"], { cwd: deps.repo.cwd, check: false });
  return out;
}
