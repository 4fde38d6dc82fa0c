import { type ResolvedConfig, loadConfig } from "../config/config.js";
import { OvError, isOvError, messageOf } from "../core/errors.js";
import { currentHost, pidAlive } from "../sys/process.js";
import type { Deps } from "../store/deps.js";
import { type MergeLock, acquireMergeLock, readMergeLock } from "./lock.js";
import { type MergeOneInput, type MergeOneResult, mergeOne } from "./merge-one.js";
import { notifyOutcome } from "./notify.js";
import { candidates, targetOf } from "./plan.js";
import { listQueue } from "./queue.js";
import { claimEntry, recordOutcome, releaseClaim } from "./record.js";
import { type Resolvers, configuredResolvers } from "./resolvers.js";
import { selectForBranch } from "./select.js";
import type { AutoResolution, MergeStatus, MergeTier, QueueEntry, TierReport } from "./types.js";

export interface RunOptions {
  branch?: string | undefined;
  all?: boolean;
  into?: string | undefined;
  /** Runtime-backed resolvers for tiers 3–4 (default: `merge.resolverCommand`). */
  resolvers?: Resolvers;
  holder?: string;
  /** Called after each entry (progress lines for `--all`). */
  onResult?: (r: EntryResult, index: number, total: number) => void;
  beforeMove?: MergeOneInput["beforeMove"];
}

export interface EntryResult {
  id: string;
  branch: string;
  agent: string | null;
  task: string | null;
  target: string;
  outcome: MergeOneResult["outcome"] | "error";
  success: boolean;
  tier: MergeTier | null;
  commit: string | null;
  conflictFiles: string[];
  autoResolved: AutoResolution[];
  tiers: TierReport[];
  error: string | null;
  mail: { to: string; id?: string } | null;
  warnings: string[];
}

export interface RunSummary {
  results: EntryResult[];
  count: number;
  successCount: number;
  failCount: number;
}

interface Ctx {
  deps: Deps;
  cfg: ResolvedConfig;
  resolvers: Resolvers;
  opts: RunOptions;
  holder: string;
  locks: Map<string, MergeLock>;
}

/** Takes (or renews) the merge lock of `target` for this run. */
async function lockFor(ctx: Ctx, target: string): Promise<MergeLock> {
  const held = ctx.locks.get(target);
  if (held) {
    if (await held.renew()) return held;
    throw new OvError(
      "LOCKED",
      `lost the merge lock of '${target}' (its lease expired and another merge took it over)`,
      {
        hint: "raise merge.lockLeaseMs if merges take longer than the lease",
      },
    );
  }
  const lock = await acquireMergeLock(ctx.deps, target, {
    holder: ctx.holder,
    waitMs: ctx.cfg.num("merge.lockTimeoutMs"),
    leaseMs: ctx.cfg.num("merge.lockLeaseMs"),
  });
  ctx.locks.set(target, lock);
  return lock;
}

/** True when a `merging` entry's claimer is gone: dead on this host, or no longer holding its target's lock. */
async function claimIsDead(deps: Deps, e: QueueEntry): Promise<boolean> {
  const c = e.claim;
  if (!c || (c.host === currentHost() && !pidAlive(c.pid))) return true;
  const lock = await readMergeLock(deps, c.target);
  return !lock?.info || lock.info.pid !== c.pid || lock.info.host !== c.host;
}

async function orphanedClaims(deps: Deps, entries: QueueEntry[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const e of entries) if (e.status === "merging" && (await claimIsDead(deps, e))) out.add(e.id);
  return out;
}

function toResult(
  entry: QueueEntry,
  target: string,
  r: MergeOneResult | { outcome: "error"; error: string },
): EntryResult {
  const merged = r.outcome === "merged";
  return {
    id: entry.id,
    branch: entry.branch,
    agent: entry.agent,
    task: entry.task,
    target,
    outcome: r.outcome,
    success: merged || r.outcome === "already-merged",
    tier: merged ? r.tier : null,
    commit: merged ? r.commit : r.outcome === "already-merged" ? r.targetCommit : null,
    conflictFiles: r.outcome === "conflict" ? r.conflictFiles : [],
    autoResolved: merged ? r.autoResolved : [],
    tiers: "reports" in r ? r.reports : [],
    error: r.outcome === "conflict" || r.outcome === "failed" || r.outcome === "error" ? r.error : null,
    mail: null,
    warnings: [],
  };
}

/** Merges one queue entry under its target's lock, records the outcome and mails it. */
async function processEntry(
  ctx: Ctx,
  entry: QueueEntry,
  allowed: readonly MergeStatus[],
): Promise<EntryResult | undefined> {
  const { deps } = ctx;
  const { target } = await targetOf(deps, ctx.cfg, entry, ctx.opts.into);
  const lock = await lockFor(ctx, target);
  if (entry.status === "merging" && !(await claimIsDead(deps, entry))) {
    const c = entry.claim!;
    throw new OvError(
      "LOCKED",
      `'${entry.branch}' is being merged into '${c.target}' by ${c.holder} (pid ${c.pid} on ${c.host})`,
      {
        data: { entry: entry.id, claim: c },
        hint: "wait for that merge to finish (git ov merge queue shows its outcome)",
      },
    );
  }
  const claimed = await claimEntry(deps, entry, target, ctx.holder, allowed);
  if (!claimed) return undefined;
  let r: MergeOneResult;
  try {
    r = await mergeOne({
      deps,
      cfg: ctx.cfg,
      resolvers: ctx.resolvers,
      entryId: entry.id,
      branch: entry.branch,
      target,
      agent: entry.agent,
      task: entry.task,
      keepAlive: async () => void (await lock.renew()),
      ...(ctx.opts.beforeMove ? { beforeMove: ctx.opts.beforeMove } : {}),
    });
  } catch (e) {
    await releaseClaim(deps, claimed, entry.status === "merging" ? "pending" : entry.status, messageOf(e));
    throw e;
  }
  const recorded = await recordOutcome(deps, claimed, target, r);
  const result = toResult(recorded, target, r);
  const outcome =
    r.outcome === "merged" || r.outcome === "already-merged"
      ? {
          kind: "merged" as const,
          target,
          tier: r.outcome === "merged" ? r.tier : ("clean-merge" as const),
          commit: result.commit ?? "",
          autoResolved: result.autoResolved,
          ...(r.outcome === "already-merged" ? { alreadyMerged: true } : {}),
        }
      : {
          kind: "failed" as const,
          target,
          conflictFiles: result.conflictFiles,
          error: result.error ?? r.outcome,
        };
  const mail = await notifyOutcome(deps, recorded, outcome);
  result.mail = { to: mail.to, ...(mail.mailId ? { id: mail.mailId } : {}) };
  if (mail.warning) result.warnings.push(mail.warning);
  return result;
}

function summarize(results: EntryResult[]): RunSummary {
  const successCount = results.filter((r) => r.success).length;
  return { results, count: results.length, successCount, failCount: results.length - successCount };
}

/**
 * `git ov merge`: with `branch`, merges that branch (queueing it first if needed); with `all`,
 * every pending entry in FIFO order, each under its target's lock. `--all` reports per-entry
 * failures as results; errors that concern the whole run (a held lock) are thrown.
 */
export async function runMerge(deps: Deps, opts: RunOptions): Promise<RunSummary> {
  if (!opts.branch && !opts.all) {
    throw new OvError("USAGE", "either --branch <name> or --all is required for git ov merge", {
      hint: "git ov merge --all merges every queued branch; git ov merge --branch <b> merges one",
    });
  }
  if (opts.branch && opts.all)
    throw new OvError("USAGE", "--branch and --all cannot be combined", { hint: "choose one" });
  const cfg = await loadConfig(deps);
  const root = deps.repo.topLevel ?? deps.repo.commonDir;
  const ctx: Ctx = {
    deps,
    cfg,
    resolvers: configuredResolvers(cfg, root, deps.env, opts.resolvers),
    opts,
    holder: opts.holder ?? deps.env.GIT_OV_AGENT ?? "git ov merge",
    locks: new Map(),
  };
  try {
    if (opts.branch) {
      const entry = await selectForBranch(deps, cfg, opts.branch, opts.into);
      const r = await processEntry(ctx, entry, ["pending", "merging", "conflict", "failed"]);
      if (!r)
        throw new OvError("MERGE", `'${opts.branch}' was taken by another git ov merge`, {
          hint: "git ov merge queue",
        });
      opts.onResult?.(r, 0, 1);
      return summarize([r]);
    }
    return await runAll(ctx);
  } finally {
    for (const lock of ctx.locks.values()) await lock.release().catch(() => undefined);
  }
}

async function runAll(ctx: Ctx): Promise<RunSummary> {
  const { entries } = await listQueue(ctx.deps);
  const orphans = await orphanedClaims(ctx.deps, entries);
  const todo = candidates(entries, (e) => orphans.has(e.id));
  const results: EntryResult[] = [];
  for (const [i, entry] of todo.entries()) {
    let r: EntryResult | undefined;
    try {
      r = await processEntry(ctx, entry, ["pending", "merging"]);
    } catch (e) {
      if (isOvError(e) && e.code === "LOCKED") throw e;
      r = toResult(entry, entry.target ?? "", { outcome: "error", error: messageOf(e) });
    }
    if (!r) continue;
    results.push(r);
    ctx.opts.onResult?.(r, i, todo.length);
  }
  return summarize(results);
}
