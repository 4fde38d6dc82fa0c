import type { ResolvedConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import { type BlobReader, autoResolveFile } from "./auto-resolve.js";
import { pastResolutions, tiersToSkip } from "./history.js";
import { type MergeTreeResult, conflictKinds } from "./merge-tree.js";
import { type ConflictResolver, type ResolveContext, type Resolvers, runVerify } from "./resolvers.js";
import { createScratch, filesWithMarkers, scratchTree } from "./scratch.js";
import { type TreeChange, editTree } from "./tree-edit.js";
import type { AutoResolution, FileHistory, MergeTier, ResolveTier, TierReport } from "./types.js";

export interface TierInput {
  deps: Deps;
  cfg: ResolvedConfig;
  resolvers: Resolvers;
  branch: string;
  target: string;
  branchCommit: string;
  targetCommit: string;
  baseCommit: string | undefined;
  agent: string | null;
  task: string | null;
  merged: MergeTreeResult;
  history: FileHistory[];
  readBlob: BlobReader;
  /** Called before a long-running tier (keeps the merge lock's lease fresh). */
  keepAlive?: () => Promise<void>;
}

export interface Resolution {
  ok: boolean;
  tier: MergeTier | null;
  tree: string | undefined;
  reports: TierReport[];
  autoResolved: AutoResolution[];
  conflictFiles: string[];
  error: string | undefined;
  /** Tiers actually tried, for the per-file history. */
  tried: { tier: ResolveTier; outcome: "ok" | "failed" }[];
}

/** Tier 2: lossless per-hunk resolution; returns the partially or fully resolved tree. */
async function autoTier(input: TierInput, union: boolean) {
  const kinds = conflictKinds(input.merged);
  const results = await Promise.all(
    input.merged.conflicts.map((c) =>
      autoResolveFile(input.deps.git, c, kinds.get(c.path) ?? "contents", {
        union,
        readBlob: input.readBlob,
      }),
    ),
  );
  const changes = new Map<string, TreeChange>();
  for (const r of results) {
    if (r.resolved)
      changes.set(r.file, { mode: r.resolved.mode, oid: input.deps.git.objects.blob(r.resolved.content) });
  }
  const tree = changes.size ? await editTree(input.deps.git, input.merged.tree, changes) : input.merged.tree;
  const remaining = results.filter((r) => !r.resolved);
  return {
    tree,
    resolved: results.flatMap((r) => (r.resolution ? [r.resolution] : [])),
    remaining: remaining.map((r) => r.file),
    reasons: remaining.map((r) => `${r.file}: ${r.reason}`),
  };
}

async function verifyIn(input: TierInput, tree: string): Promise<string | undefined> {
  if (!input.cfg.str("project.verifyCommand").trim()) return undefined;
  const scratch = await createScratch(input.deps.git, input.targetCommit, tree);
  try {
    const v = await runVerify(input.cfg, scratch.dir, repoRoot(input), input.deps.env);
    return v.ok ? undefined : v.reason;
  } finally {
    await scratch.remove();
  }
}

const repoRoot = (input: TierInput) => input.deps.repo.topLevel ?? input.deps.repo.commonDir;

/** Tiers 3 and 4: a resolver edits a scratch worktree; markers left or a failing verify reject it. */
async function resolverTier(
  input: TierInput,
  resolver: ConflictResolver,
  mode: ResolveContext["mode"],
  start: string,
  files: string[],
): Promise<{ tree?: string; reason?: string }> {
  await input.keepAlive?.();
  const scratch = await createScratch(input.deps.git, input.targetCommit, start);
  try {
    const outcome = await resolver({
      mode,
      worktree: scratch.dir,
      files,
      branch: input.branch,
      target: input.target,
      branchCommit: input.branchCommit,
      targetCommit: input.targetCommit,
      baseCommit: input.baseCommit,
      agent: input.agent,
      task: input.task,
      history: pastResolutions(input.history),
    }).catch((e: unknown) => ({ ok: false, reason: messageOf(e) }));
    if (!outcome.ok) return { reason: outcome.reason ?? "resolver gave up" };
    const marked = filesWithMarkers(scratch.dir, files);
    if (marked.length) return { reason: `conflict markers remain in ${marked.join(", ")}` };
    const tree = await scratchTree(input.deps.git, scratch.dir, mode === "resolve" ? files : undefined);
    const v = await runVerify(input.cfg, scratch.dir, repoRoot(input), input.deps.env);
    return v.ok ? { tree } : { reason: v.reason ?? "verify command failed" };
  } finally {
    await scratch.remove();
  }
}

/** Files the branch changed since the merge base (what tier 4 re-applies). */
async function branchFiles(input: TierInput): Promise<string[]> {
  if (!input.baseCommit) return input.merged.conflicts.map((c) => c.path);
  const res = await input.deps.git.run(["diff", "--name-only", "-z", input.baseCommit, input.branchCommit]);
  return res.stdout.split("\0").filter(Boolean);
}

/**
 * Runs tiers 2–4 on a conflicted merge until one yields a tree: auto-resolve (lossless only),
 * AI resolve, reimagine. Tiers disabled by config, without a resolver, or skipped by history are
 * reported as such; the first success wins.
 */
export async function resolveConflicts(input: TierInput): Promise<Resolution> {
  const conflictFiles = input.merged.conflicts.map((c) => c.path);
  const skip = tiersToSkip(input.history);
  const reports: TierReport[] = [
    { tier: "clean-merge", result: "failed", reason: "conflicts", files: conflictFiles },
  ];
  const tried: Resolution["tried"] = [];
  const done = (tier: MergeTier, tree: string, autoResolved: AutoResolution[]): Resolution => ({
    ok: true,
    tier,
    tree,
    reports,
    autoResolved,
    conflictFiles,
    error: undefined,
    tried,
  });
  const skipped = "skipped: failed at least twice on these files, never succeeded";

  let start = input.merged.tree;
  let remaining = conflictFiles;
  let autoResolved: AutoResolution[] = [];
  if (skip.has("auto-resolve")) reports.push({ tier: "auto-resolve", result: "skipped", reason: skipped });
  else {
    const auto = await autoTier(input, input.cfg.bool("merge.autoUnion"));
    autoResolved = auto.resolved;
    start = auto.tree;
    remaining = auto.remaining;
    const unionUsed = auto.resolved.some((r) => r.rule === "union" || r.rule === "mixed");
    const verifyFail = remaining.length === 0 && unionUsed ? await verifyIn(input, auto.tree) : undefined;
    if (remaining.length === 0 && verifyFail === undefined) {
      tried.push({ tier: "auto-resolve", outcome: "ok" });
      reports.push({ tier: "auto-resolve", result: "ok", files: auto.resolved.map((r) => r.file) });
      return done("auto-resolve", auto.tree, autoResolved);
    }
    tried.push({ tier: "auto-resolve", outcome: "failed" });
    const reason = verifyFail ? `union rejected by verify command: ${verifyFail}` : auto.reasons.join("; ");
    reports.push({ tier: "auto-resolve", result: "failed", reason, files: remaining });
    if (verifyFail) {
      start = input.merged.tree;
      remaining = conflictFiles;
      autoResolved = [];
    }
  }

  const tiers: [ResolveTier, "merge.aiResolve" | "merge.reimagine", ConflictResolver | undefined][] = [
    ["ai-resolve", "merge.aiResolve", input.resolvers.ai],
    ["reimagine", "merge.reimagine", input.resolvers.reimagine],
  ];
  for (const [tier, key, resolver] of tiers) {
    if (!input.cfg.bool(key)) {
      reports.push({ tier, result: "skipped", reason: `disabled (${key} = false)` });
      continue;
    }
    if (skip.has(tier)) {
      reports.push({ tier, result: "skipped", reason: skipped });
      continue;
    }
    if (!resolver) {
      reports.push({
        tier,
        result: "unavailable",
        reason: "no resolver: set merge.resolverCommand (or connect a runtime)",
      });
      continue;
    }
    const mode = tier === "ai-resolve" ? "resolve" : "reimagine";
    const files = mode === "resolve" ? remaining : await branchFiles(input);
    const from = mode === "resolve" ? start : await input.deps.git.commitTree(input.targetCommit);
    const r = await resolverTier(input, resolver, mode, from, files).catch((e: unknown) => ({
      tree: undefined,
      reason: messageOf(e),
    }));
    tried.push({ tier, outcome: r.tree ? "ok" : "failed" });
    reports.push({
      tier,
      result: r.tree ? "ok" : "failed",
      files,
      ...(r.reason ? { reason: r.reason } : {}),
    });
    if (r.tree) return done(tier, r.tree, mode === "resolve" ? autoResolved : []);
  }
  const last = [...reports].reverse().find((r) => r.result === "failed")?.tier ?? "clean-merge";
  return {
    ok: false,
    tier: null,
    tree: undefined,
    reports,
    autoResolved: [],
    conflictFiles,
    error: `all enabled resolution tiers failed (last attempted: ${last}): ${describe(reports)}`,
    tried,
  };
}

function describe(reports: TierReport[]): string {
  return reports
    .filter((r) => r.tier !== "clean-merge")
    .map((r) => `${r.tier} ${r.result}${r.reason ? ` (${r.reason})` : ""}`)
    .join("; ");
}
