import type { ResolvedConfig } from "../config/config.js";
import { agentNameProblem } from "../core/ids.js";
import { readSession } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { branchName } from "./branch.js";
import type { QueueEntry } from "./types.js";

export type TargetSource = "--into" | "entry" | "session" | "project.canonicalBranch";

/**
 * Target resolution, as in the reference: `--into`, else a target fixed when the entry was queued,
 * else the agent session's base branch, else `project.canonicalBranch`. Pure.
 */
export function chooseTarget(c: {
  into?: string | undefined;
  entryTarget?: string | null | undefined;
  sessionBase?: string | null | undefined;
  canonical: string;
}): { target: string; source: TargetSource } {
  if (c.into) return { target: c.into, source: "--into" };
  if (c.entryTarget) return { target: c.entryTarget, source: "entry" };
  if (c.sessionBase) return { target: c.sessionBase, source: "session" };
  return { target: c.canonical, source: "project.canonicalBranch" };
}

export interface AgentContext {
  parent: string | null;
  baseBranch: string | null;
}

/** What the agent's session says about where its work goes and who hears about it (nulls when unknown). */
export async function agentContext(deps: Deps, agent: string | null): Promise<AgentContext> {
  if (!agent || agentNameProblem(agent) !== undefined) return { parent: null, baseBranch: null };
  const doc = await readSession(deps, agent);
  if (doc.kind !== "ok") return { parent: null, baseBranch: null };
  return { parent: doc.value.parent, baseBranch: doc.value.baseBranch || null };
}

/** The target of one entry, validated as a branch name. */
export async function targetOf(
  deps: Deps,
  cfg: ResolvedConfig,
  entry: Pick<QueueEntry, "agent" | "target">,
  into: string | undefined,
): Promise<{ target: string; source: TargetSource }> {
  const needSession = !into && !entry.target;
  const ctx = needSession ? await agentContext(deps, entry.agent) : { parent: null, baseBranch: null };
  const chosen = chooseTarget({
    into,
    entryTarget: entry.target,
    sessionBase: ctx.baseBranch,
    canonical: cfg.str("project.canonicalBranch") || "main",
  });
  return { target: branchName(chosen.target, "target branch"), source: chosen.source };
}

/** Entries `--all` takes, FIFO: pending ones, plus `merging` ones whose claimed merge died (see `orphaned`). */
export function candidates(
  entries: readonly QueueEntry[],
  orphaned: (e: QueueEntry) => boolean,
): QueueEntry[] {
  return entries.filter((e) => e.status === "pending" || (e.status === "merging" && orphaned(e)));
}

/** For `--branch B`: the entry to act on — the live one, else the latest of any status. */
export function entryForBranch(entries: readonly QueueEntry[], branch: string): QueueEntry | undefined {
  const mine = entries.filter((e) => e.branch === branch);
  return mine.find((e) => e.status === "pending" || e.status === "merging") ?? mine[mine.length - 1];
}
