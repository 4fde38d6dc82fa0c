import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ResolvedConfig, loadConfig } from "../config/config.js";
import { OvError, messageOf } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import { autoResolveFile } from "./auto-resolve.js";
import { branchName, headRef, parseAgentBranch } from "./branch.js";
import { isAncestor } from "./commit.js";
import { loadHistory, tiersToSkip } from "./history.js";
import { readMergeLock } from "./lock.js";
import { conflictKinds, mergeTree } from "./merge-tree.js";
import { type TargetSource, entryForBranch, targetOf } from "./plan.js";
import { listQueue } from "./queue.js";
import { configuredResolvers, type Resolvers } from "./resolvers.js";
import { unknownBranch } from "./select.js";
import type { MergeTier, QueueEntry } from "./types.js";
import { assertCleanCheckout, checkoutOf } from "./worktrees.js";

export interface FilePrediction {
  file: string;
  kind: string;
  autoResolvable: boolean;
  rule?: string;
  reason?: string;
}

export interface Prediction {
  id: string | null;
  branch: string;
  agent: string | null;
  task: string | null;
  target: string;
  targetSource: TargetSource;
  outcome: "clean" | "conflict" | "already-merged" | "branch-missing" | "target-missing";
  /** The tier that would merge it, as far as can be known without running resolvers. */
  tier: MergeTier | null;
  conflicts: FilePrediction[];
  warnings: string[];
}

type Sim = { env: Record<string, string>; tips: Map<string, string> };

/** Predicts one merge; objects go to the throwaway directory in `sim.env`, refs are never touched. */
async function predict(
  deps: Deps,
  cfg: ResolvedConfig,
  resolvers: Resolvers,
  sim: Sim,
  e: Pick<QueueEntry, "id" | "branch" | "agent" | "task" | "target">,
  into: string | undefined,
): Promise<Prediction> {
  const { target, source } = await targetOf(deps, cfg, e, into);
  const p: Prediction = {
    id: e.id || null,
    branch: e.branch,
    agent: e.agent,
    task: e.task,
    target,
    targetSource: source,
    outcome: "clean",
    tier: "clean-merge",
    conflicts: [],
    warnings: [],
  };
  const branchTip = await deps.git.refs.read(headRef(e.branch));
  const targetTip = sim.tips.get(target) ?? (await deps.git.refs.read(headRef(target)));
  if (!branchTip) return { ...p, outcome: "branch-missing", tier: null };
  if (!targetTip) return { ...p, outcome: "target-missing", tier: null };
  const checkout = await checkoutOf(deps.git, target);
  if (checkout)
    await assertCleanCheckout(deps.git, checkout, target).catch((err: unknown) =>
      p.warnings.push(messageOf(err)),
    );
  const lock = await readMergeLock(deps, target);
  if (lock?.info)
    p.warnings.push(`merge lock held by ${lock.info.holder} (pid ${lock.info.pid} on ${lock.info.host})`);
  if (await isAncestor(deps.git, branchTip, targetTip, sim.env))
    return { ...p, outcome: "already-merged", tier: null };
  const merged = await mergeTree(deps.git, targetTip, branchTip, sim.env);
  if (merged.clean) {
    const sig = await deps.git.run(
      ["commit-tree", merged.tree, "-p", targetTip, "-p", branchTip, "-m", "dry run"],
      { env: sim.env, check: false },
    );
    if (sig.code === 0) sim.tips.set(target, sig.stdout.trim());
    return p;
  }
  const kinds = conflictKinds(merged);
  const readBlob = async (oid: string) => {
    const r = await deps.git.run(["cat-file", "blob", oid], { env: sim.env, check: false });
    return r.code === 0 ? Buffer.from(r.stdout, "utf8") : undefined;
  };
  const union = cfg.bool("merge.autoUnion");
  for (const c of merged.conflicts) {
    const r = await autoResolveFile(deps.git, c, kinds.get(c.path) ?? "contents", { union, readBlob });
    p.conflicts.push({
      file: c.path,
      kind: kinds.get(c.path) ?? "contents",
      autoResolvable: r.resolved !== undefined,
      ...(r.resolution ? { rule: r.resolution.rule } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    });
  }
  const skip = tiersToSkip(
    await loadHistory(
      deps,
      p.conflicts.map((c) => c.file),
    ),
  );
  const usable = (t: "ai-resolve" | "reimagine", key: "merge.aiResolve" | "merge.reimagine", r: unknown) =>
    cfg.bool(key) && !skip.has(t) && r !== undefined;
  p.outcome = "conflict";
  p.tier =
    p.conflicts.every((c) => c.autoResolvable) && !skip.has("auto-resolve")
      ? "auto-resolve"
      : usable("ai-resolve", "merge.aiResolve", resolvers.ai)
        ? "ai-resolve"
        : usable("reimagine", "merge.reimagine", resolvers.reimagine)
          ? "reimagine"
          : null;
  if (
    p.conflicts.some((c) => c.rule === "union" || c.rule === "mixed") &&
    cfg.str("project.verifyCommand").trim()
  )
    p.warnings.push("union resolutions are kept only if project.verifyCommand passes");
  return p;
}

/**
 * `git ov merge --dry-run`: predicts each merge (which files conflict, whether tier 2 resolves them,
 * which tier would merge it) without a lock and without writing: merge-tree's objects go to a
 * temporary object directory (git's alternates let it read the repository's) that is deleted after.
 * With `--all`, clean predictions are chained so later entries see the earlier ones merged.
 */
export async function dryRun(
  deps: Deps,
  opts: { branch?: string | undefined; all?: boolean; into?: string | undefined; resolvers?: Resolvers },
): Promise<Prediction[]> {
  if (!opts.branch && !opts.all)
    throw new OvError("USAGE", "either --branch <name> or --all is required for git ov merge", {
      hint: "git ov merge --all --dry-run",
    });
  const cfg = await loadConfig(deps);
  const resolvers = configuredResolvers(
    cfg,
    deps.repo.topLevel ?? deps.repo.commonDir,
    deps.env,
    opts.resolvers,
  );
  const { entries } = await listQueue(deps);
  let todo: Pick<QueueEntry, "id" | "branch" | "agent" | "task" | "target">[];
  if (opts.branch) {
    const branch = branchName(opts.branch);
    const found = entryForBranch(entries, branch);
    if (!found && !(await deps.git.refs.read(headRef(branch)))) throw await unknownBranch(deps, branch);
    todo = [found ?? { id: "", branch, ...parseAgentBranch(branch), target: null }];
  } else todo = entries.filter((e) => e.status === "pending");
  const dir = mkdtempSync(join(tmpdir(), "ov-merge-dry-"));
  const sim: Sim = {
    env: {
      GIT_OBJECT_DIRECTORY: dir,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(deps.repo.commonDir, "objects"),
    },
    tips: new Map(),
  };
  try {
    const out: Prediction[] = [];
    for (const e of todo) out.push(await predict(deps, cfg, resolvers, sim, e, opts.into));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
