import type { ResolvedConfig } from "../config/config.js";
import { OvError } from "../core/errors.js";
import { nearest } from "../core/text.js";
import type { Deps } from "../store/deps.js";
import { branchName, headRef, parseAgentBranch } from "./branch.js";
import { isAncestor } from "./commit.js";
import { agentContext, entryForBranch, targetOf } from "./plan.js";
import { enqueue, listQueue } from "./queue.js";
import type { QueueEntry } from "./types.js";

/** NOT_FOUND for a branch that does not exist, suggesting the closest local branch. */
export async function unknownBranch(deps: Deps, branch: string): Promise<OvError> {
  const refs = await deps.git.refs.list("refs/heads/");
  const names = refs.map((r) => r.ref.slice("refs/heads/".length));
  const near = nearest(branch, names);
  return new OvError("NOT_FOUND", `branch '${branch}' not found`, {
    data: { branch },
    hint: near
      ? `did you mean '${near}'? (git branch --list 'ov/*' lists agent branches)`
      : "git branch --list 'ov/*' lists agent branches",
  });
}

/** Files the branch changed relative to the target (`git diff --name-only target...branch`); [] when unknown. */
export async function changedFiles(deps: Deps, target: string, branch: string): Promise<string[]> {
  const res = await deps.git.run(["diff", "--name-only", "-z", `${headRef(target)}...${headRef(branch)}`], {
    check: false,
  });
  return res.code === 0 ? res.stdout.split("\0").filter(Boolean) : [];
}

function alreadyMerged(branch: string, target: string, tip: string): OvError {
  return new OvError("MERGE", `branch '${branch}' is already merged into '${target}'`, {
    data: { branch, target, commit: tip },
    hint: "nothing to do; commit more work on the branch to merge it again",
  });
}

/** Queues a branch from the command line (agent and task parsed from `ov/<agent>/<task>`). */
export async function enqueueBranch(
  deps: Deps,
  cfg: ResolvedConfig,
  branch: string,
  into: string | undefined,
  opts: { keepTarget: boolean },
): Promise<{ created: boolean; entry: QueueEntry }> {
  const tip = await deps.git.refs.read(headRef(branch));
  if (!tip) throw await unknownBranch(deps, branch);
  const { agent, task } = parseAgentBranch(branch);
  const ctx = await agentContext(deps, agent);
  const { target } = await targetOf(deps, cfg, { agent, target: into ?? null }, undefined);
  return enqueue(deps, {
    branch,
    agent,
    task,
    parent: ctx.parent,
    // `--enqueue B --into T` fixes the target; `--branch B --into T` applies to that run only.
    target: opts.keepTarget ? (into ?? null) : null,
    files: await changedFiles(deps, target, branch),
    source: "cli",
    requestedBy: deps.env.GIT_OV_AGENT ?? null,
  });
}

/**
 * The entry `git ov merge --branch B` acts on: the live entry, a failed one to retry, or a new one.
 * Throws NOT_FOUND for an unknown branch and MERGE when it is already merged.
 */
export async function selectForBranch(
  deps: Deps,
  cfg: ResolvedConfig,
  raw: string,
  into: string | undefined,
): Promise<QueueEntry> {
  const branch = branchName(raw);
  const { entries } = await listQueue(deps);
  const found = entryForBranch(entries, branch);
  const tip = await deps.git.refs.read(headRef(branch));
  if (!tip) {
    if (found && found.status !== "merged") return found;
    throw await unknownBranch(deps, branch);
  }
  const probe = found ?? { agent: parseAgentBranch(branch).agent, target: null };
  const { target } = await targetOf(deps, cfg, probe, into);
  const targetTip = await deps.git.refs.read(headRef(target));
  const merged = targetTip !== undefined && (await isAncestor(deps.git, tip, targetTip));
  if (found && found.status !== "merged") return found;
  if (merged) throw alreadyMerged(branch, target, tip);
  return (await enqueueBranch(deps, cfg, branch, into, { keepTarget: false })).entry;
}
