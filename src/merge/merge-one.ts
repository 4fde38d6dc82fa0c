import type { ResolvedConfig } from "../config/config.js";
import { OvError } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import { headRef } from "./branch.js";
import { fastForwardCheckout, isAncestor, mergeMessage, soleMergeBase, writeMergeCommit } from "./commit.js";
import { loadHistory } from "./history.js";
import { mergeTree } from "./merge-tree.js";
import type { Resolvers } from "./resolvers.js";
import { resolveConflicts } from "./tiers.js";
import type { AutoResolution, MergeTier, ResolveTier, TierReport } from "./types.js";
import { assertCleanCheckout, checkoutOf } from "./worktrees.js";

export interface MergeOneInput {
  deps: Deps;
  cfg: ResolvedConfig;
  resolvers: Resolvers;
  entryId: string | null;
  branch: string;
  target: string;
  agent: string | null;
  task: string | null;
  keepAlive?: () => Promise<void>;
  /** Test seam: runs after the merge commit is written and before the target moves. */
  beforeMove?: (c: { targetCommit: string; mergeCommit: string }) => Promise<void>;
  maxAttempts?: number;
}

interface Common {
  branchCommit: string | null;
  targetCommit: string | null;
  reports: TierReport[];
  tried: { tier: ResolveTier; outcome: "ok" | "failed" }[];
  /** How many times the target moved under us and the merge was recomputed. */
  retries: number;
}

export type MergeOneResult =
  | (Common & {
      outcome: "merged";
      tier: MergeTier;
      commit: string;
      autoResolved: AutoResolution[];
      worktree: string | undefined;
    })
  | (Common & { outcome: "already-merged" })
  | (Common & { outcome: "conflict"; conflictFiles: string[]; error: string })
  | (Common & { outcome: "failed"; error: string });

type Computed =
  | { ok: true; tree: string; tier: MergeTier; autoResolved: AutoResolution[] }
  | { ok: false; conflictFiles: string[]; error: string };

/** The merged tree of branch into target: merge-tree, then tiers 2–4 when it conflicts. */
async function computeTree(
  input: MergeOneInput,
  common: Common,
  branchCommit: string,
  targetCommit: string,
): Promise<Computed> {
  const git = input.deps.git;
  const merged = await mergeTree(git, targetCommit, branchCommit);
  if (merged.clean) {
    common.reports = [{ tier: "clean-merge", result: "ok" }];
    return { ok: true, tree: merged.tree, tier: "clean-merge", autoResolved: [] };
  }
  const res = await resolveConflicts({
    ...input,
    branchCommit,
    targetCommit,
    baseCommit: await soleMergeBase(git, targetCommit, branchCommit),
    merged,
    history: await loadHistory(
      input.deps,
      merged.conflicts.map((c) => c.path),
    ),
    readBlob: async (oid) => (await git.readObject(oid))?.body,
  });
  common.reports = res.reports;
  common.tried = res.tried;
  if (!res.ok || !res.tree || !res.tier) {
    return { ok: false, conflictFiles: res.conflictFiles, error: res.error ?? "unresolved conflicts" };
  }
  return { ok: true, tree: res.tree, tier: res.tier, autoResolved: res.autoResolved };
}

/**
 * Merges one branch into its target without a checkout: merge-tree, tiers 2–4 on conflicts, a
 * two-parent commit, then the target moves by CAS (or by `git merge --ff-only` where it is checked
 * out). If the target moved meanwhile, everything is recomputed on the new tip. Environment
 * problems (target missing, dirty checkout) throw; outcomes about the branch are values.
 */
export async function mergeOne(input: MergeOneInput): Promise<MergeOneResult> {
  const { deps, branch, target } = input;
  const git = deps.git;
  const branchCommit = (await git.refs.read(headRef(branch))) ?? null;
  if (!branchCommit) {
    const none = { branchCommit, targetCommit: null, reports: [], tried: [], retries: 0 };
    return { ...none, outcome: "failed", error: `branch '${branch}' not found` };
  }
  const max = input.maxAttempts ?? 5;
  for (let attempt = 0; attempt < max; attempt++) {
    const targetCommit = await git.refs.read(headRef(target));
    if (!targetCommit) throw targetMissing(target);
    const common: Common = { branchCommit, targetCommit, reports: [], tried: [], retries: attempt };
    const checkout = await checkoutOf(git, target);
    if (checkout) await assertCleanCheckout(git, checkout, target);
    if (await isAncestor(git, branchCommit, targetCommit)) return { ...common, outcome: "already-merged" };
    const c = await computeTree(input, common, branchCommit, targetCommit);
    if (!c.ok) return { ...common, outcome: "conflict", conflictFiles: c.conflictFiles, error: c.error };
    const message = mergeMessage({ ...input, tier: c.tier, autoResolved: c.autoResolved });
    const commit = await writeMergeCommit(git, c.tree, [targetCommit, branchCommit], message);
    await input.beforeMove?.({ targetCommit, mergeCommit: commit });
    const update = [{ ref: headRef(target), next: commit, prev: targetCommit }];
    const moved = checkout
      ? await fastForwardCheckout(git, checkout.path, target, targetCommit, commit)
      : (await git.refs.transact(update, `git ov merge: ${branch}`)).ok;
    if (moved) {
      return {
        ...common,
        outcome: "merged",
        tier: c.tier,
        commit,
        autoResolved: c.autoResolved,
        worktree: checkout?.path,
      };
    }
  }
  throw new OvError(
    "CAS_CONFLICT",
    `target '${target}' kept moving: gave up merging '${branch}' after ${max} attempts`,
    {
      data: { branch, target },
      hint: "something else is committing to the target continuously; retry git ov merge when it is quiet",
    },
  );
}

export function targetMissing(target: string): OvError {
  return new OvError("MERGE", `target branch '${target}' does not exist`, {
    data: { target },
    hint: "create it, pass --into <branch>, or set project.canonicalBranch (git ov config set project.canonicalBranch <branch>)",
  });
}
