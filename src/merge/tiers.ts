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

const SKIPPED = "skipped: failed at least twice on these files, never succeeded";

/** What the tiers have reported and tried so far in one merge. */
interface Ledger {
  reports: TierReport[];
  tried: Resolution["tried"];
  skip: Set<ResolveTier>;
}

interface Stage2 {
  /** The tree tier 3 starts from, the files still conflicted, and what tier 2 resolved. */
  start: string;
  remaining: string[];
  autoResolved: AutoResolution[];
  /** Set when tier 2 resolved everything. */
  tree?: string;
}

/** Tier 2, with its verify gate for unions; on failure, what tier 3 starts from. */
async function stage2(input: TierInput, ledger: Ledger): Promise<Stage2> {
  const all = input.merged.conflicts.map((c) => c.path);
  const untouched: Stage2 = { start: input.merged.tree, remaining: all, autoResolved: [] };
  if (ledger.skip.has("auto-resolve")) {
    ledger.reports.push({ tier: "auto-resolve", result: "skipped", reason: SKIPPED });
    return untouched;
  }
  const auto = await autoTier(input, input.cfg.bool("merge.autoUnion"));
  const unionUsed = auto.resolved.some((r) => r.rule === "union" || r.rule === "mixed");
  const complete = auto.remaining.length === 0;
  const verifyFail = complete && unionUsed ? await verifyIn(input, auto.tree) : undefined;
  if (complete && verifyFail === undefined) {
    ledger.tried.push({ tier: "auto-resolve", outcome: "ok" });
    ledger.reports.push({ tier: "auto-resolve", result: "ok", files: auto.resolved.map((r) => r.file) });
    return { start: auto.tree, remaining: [], autoResolved: auto.resolved, tree: auto.tree };
  }
  ledger.tried.push({ tier: "auto-resolve", outcome: "failed" });
  const reason = verifyFail ? `union rejected by verify command: ${verifyFail}` : auto.reasons.join("; ");
  ledger.reports.push({ tier: "auto-resolve", result: "failed", reason, files: auto.remaining });
  // A rejected union must not reach tier 3 pre-applied: the resolver starts from the raw conflict.
  return verifyFail
    ? untouched
    : { start: auto.tree, remaining: auto.remaining, autoResolved: auto.resolved };
}

/** Tiers 3 and 4 in order; the first that yields a tree wins. */
async function resolverTiers(
  input: TierInput,
  ledger: Ledger,
  from: Stage2,
): Promise<{ tier: ResolveTier; tree: string } | undefined> {
  const tiers: [ResolveTier, "merge.aiResolve" | "merge.reimagine", ConflictResolver | undefined][] = [
    ["ai-resolve", "merge.aiResolve", input.resolvers.ai],
    ["reimagine", "merge.reimagine", input.resolvers.reimagine],
  ];
  for (const [tier, key, resolver] of tiers) {
    const unusable = !input.cfg.bool(key)
      ? { result: "skipped" as const, reason: `disabled (${key} = false)` }
      : ledger.skip.has(tier)
        ? { result: "skipped" as const, reason: SKIPPED }
        : !resolver
          ? {
              result: "unavailable" as const,
              reason: "no resolver: set merge.resolverCommand (or connect a runtime)",
            }
          : undefined;
    if (unusable || !resolver) {
      ledger.reports.push({ tier, ...unusable! });
      continue;
    }
    const mode = tier === "ai-resolve" ? "resolve" : "reimagine";
    const files = mode === "resolve" ? from.remaining : await branchFiles(input);
    const start = mode === "resolve" ? from.start : await input.deps.git.commitTree(input.targetCommit);
    const r = await resolverTier(input, resolver, mode, start, files).catch((e: unknown) => ({
      tree: undefined,
      reason: messageOf(e),
    }));
    ledger.tried.push({ tier, outcome: r.tree ? "ok" : "failed" });
    ledger.reports.push({
      tier,
      result: r.tree ? "ok" : "failed",
      files,
      ...(r.reason ? { reason: r.reason } : {}),
    });
    if (r.tree) return { tier, tree: r.tree };
  }
  return undefined;
}

/**
 * Runs tiers 2–4 on a conflicted merge until one yields a tree: auto-resolve (lossless only),
 * AI resolve, reimagine. Tiers disabled by config, without a resolver, or skipped by history are
 * reported as such; the first success wins.
 */
export async function resolveConflicts(input: TierInput): Promise<Resolution> {
  const conflictFiles = input.merged.conflicts.map((c) => c.path);
  const ledger: Ledger = {
    reports: [{ tier: "clean-merge", result: "failed", reason: "conflicts", files: conflictFiles }],
    tried: [],
    skip: tiersToSkip(input.history),
  };
  const base = { reports: ledger.reports, conflictFiles, tried: ledger.tried };
  const s2 = await stage2(input, ledger);
  if (s2.tree)
    return {
      ...base,
      ok: true,
      tier: "auto-resolve",
      tree: s2.tree,
      autoResolved: s2.autoResolved,
      error: undefined,
    };
  const won = await resolverTiers(input, ledger, s2);
  if (won) {
    const autoResolved = won.tier === "ai-resolve" ? s2.autoResolved : [];
    return { ...base, ok: true, tier: won.tier, tree: won.tree, autoResolved, error: undefined };
  }
  const last = [...ledger.reports].reverse().find((r) => r.result === "failed")?.tier ?? "clean-merge";
  const error = `all enabled resolution tiers failed (last attempted: ${last}): ${describe(ledger.reports)}`;
  return { ...base, ok: false, tier: null, tree: undefined, autoResolved: [], error };
}

function describe(reports: TierReport[]): string {
  return reports
    .filter((r) => r.tier !== "clean-merge")
    .map((r) => `${r.tier} ${r.result}${r.reason ? ` (${r.reason})` : ""}`)
    .join("; ");
}
