import { isoTime } from "../sys/clock.js";
import { currentHost, currentPid } from "../sys/process.js";
import type { Deps } from "../store/deps.js";
import { recordHistory } from "./history.js";
import type { MergeOneResult } from "./merge-one.js";
import { updateEntry } from "./queue.js";
import type { Attempt, MergeStatus, QueueEntry } from "./types.js";

/**
 * Marks an entry `merging` for `target` if it is still in a status we may take (compare-and-set on
 * the queue); returns the claimed entry, or undefined when someone else got there first.
 */
export async function claimEntry(
  deps: Deps,
  seen: QueueEntry,
  target: string,
  holder: string,
  allowed: readonly MergeStatus[],
): Promise<QueueEntry | undefined> {
  const res = await updateEntry(deps, seen.id, (cur) => {
    const same = cur.status === seen.status && cur.claim?.at === seen.claim?.at;
    if (!allowed.includes(cur.status) || !same) return { next: undefined };
    const claim = { target, holder, pid: currentPid(), host: currentHost(), at: isoTime(deps.clock.now()) };
    return {
      next: { ...cur, status: "merging", claim },
      note: {
        subject: `merge queue: merging ${cur.branch} into ${target}`,
        trailers: { "Ov-Target": target },
      },
    };
  });
  return res.changed ? res.entry : undefined;
}

/** Puts a claimed entry back to what it was (an environment error stopped the merge before any outcome). */
export async function releaseClaim(
  deps: Deps,
  claimed: QueueEntry,
  back: MergeStatus,
  error: string,
): Promise<void> {
  await updateEntry(deps, claimed.id, (cur) =>
    cur.status === "merging" && cur.claim?.at === claimed.claim?.at
      ? {
          next: { ...cur, status: back, claim: null, error },
          note: { subject: `merge queue: ${cur.branch} back to ${back}: ${error}` },
        }
      : { next: undefined },
  );
}

function statusOf(r: MergeOneResult): MergeStatus {
  switch (r.outcome) {
    case "merged":
    case "already-merged":
      return "merged";
    case "conflict":
      return "conflict";
    case "failed":
      return "failed";
  }
}

/** Writes an outcome to the entry — status, tier, result commit, the attempt — and the per-file tier history, in one commit. */
export async function recordOutcome(
  deps: Deps,
  claimed: QueueEntry,
  target: string,
  r: MergeOneResult,
): Promise<QueueEntry> {
  const at = isoTime(deps.clock.now());
  const attempt: Attempt = {
    at,
    target,
    targetCommit: r.targetCommit,
    branchCommit: r.branchCommit,
    outcome: r.outcome,
    tier: r.outcome === "merged" ? r.tier : null,
    tiers: r.reports,
    ...(r.outcome === "conflict" || r.outcome === "failed" ? { error: r.error } : {}),
  };
  const conflictFiles = r.outcome === "conflict" ? r.conflictFiles : [];
  const res = await updateEntry(deps, claimed.id, (cur) => ({
    next: {
      ...cur,
      status: statusOf(r),
      claim: null,
      tier: r.outcome === "merged" ? r.tier : null,
      resultCommit:
        r.outcome === "merged" ? r.commit : r.outcome === "already-merged" ? r.targetCommit : null,
      mergedInto: r.outcome === "merged" || r.outcome === "already-merged" ? target : null,
      conflictFiles: r.outcome === "merged" ? [] : conflictFiles,
      autoResolved: r.outcome === "merged" ? r.autoResolved : [],
      error: r.outcome === "conflict" || r.outcome === "failed" ? r.error : null,
      attempts: [...cur.attempts, attempt],
    },
    note: {
      subject: `merge queue: ${cur.branch} ${r.outcome}${r.outcome === "merged" ? ` at tier ${r.tier}` : ""} into ${target}`,
      trailers: { "Ov-Target": target, "Ov-Commit": r.outcome === "merged" ? r.commit : undefined },
    },
    also: (draft) =>
      recordHistory(draft, conflictFiles.length ? conflictFiles : filesOf(r), r.tried, at, cur.branch),
  }));
  return res.entry;
}

function filesOf(r: MergeOneResult): string[] {
  return [...new Set(r.reports.flatMap((t) => (t.tier === "clean-merge" ? (t.files ?? []) : [])))];
}
