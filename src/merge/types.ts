import {
  type Validator,
  arrayOf,
  int,
  nullable,
  oneOf,
  optional,
  record,
  shape,
  str,
} from "../store/validate.js";

/** The merge queue document: `meta.json` (next sequence) and `entries/<seq>-<id>.json`. */
export const QUEUE_REF = "refs/ov/merge/queue";
export const QUEUE_META = "meta.json";
export const ENTRIES_DIR = "entries";
/** Per-file resolution history, kept in the queue document so an outcome and its history land together. */
export const HISTORY_DIR = "history";
/** One lock ref per target branch: `refs/ov/merge/lock/<encoded target>`. */
export const LOCK_PREFIX = "refs/ov/merge/lock/";
export const LOCK_FILE = "lock.json";
/** The sender of `merged` / `merge_failed` mail. */
export const MERGE_SENDER = "merge-queue";

export const MERGE_STATUSES = ["pending", "merging", "merged", "conflict", "failed"] as const;
export type MergeStatus = (typeof MERGE_STATUSES)[number];

/** Resolution tiers, in escalation order (names as in the reference's `merged` mail payload). */
export const TIERS = ["clean-merge", "auto-resolve", "ai-resolve", "reimagine"] as const;
export type MergeTier = (typeof TIERS)[number];
/** The tiers whose failures are remembered per file and can be skipped. */
export type ResolveTier = Exclude<MergeTier, "clean-merge">;
export const RESOLVE_TIERS: readonly ResolveTier[] = ["auto-resolve", "ai-resolve", "reimagine"];

/** How one tier fared in one attempt. */
export interface TierReport {
  tier: MergeTier;
  result: "ok" | "failed" | "skipped" | "unavailable";
  reason?: string;
  files?: string[];
}

/** How tier 2 resolved one file: which rule, over how many hunks. */
export interface AutoResolution {
  file: string;
  rule: "one-side-unchanged" | "identical" | "union" | "mixed" | "clean-rerun";
  hunks: number;
}

export interface Attempt {
  at: string;
  target: string;
  targetCommit: string | null;
  branchCommit: string | null;
  outcome: "merged" | "conflict" | "failed" | "already-merged";
  tier: MergeTier | null;
  tiers: TierReport[];
  error?: string;
}

/** One queue entry: `entries/<seq>-<id>.json`. */
export interface QueueEntry {
  v: 1;
  id: string;
  seq: number;
  branch: string;
  agent: string | null;
  task: string | null;
  files: string[];
  /** Who is told the outcome; null means `operator`. */
  parent: string | null;
  /** Target fixed at enqueue time (else resolved at merge time). */
  target: string | null;
  source: "mail" | "cli" | "hook";
  requestedBy: string | null;
  mailId: string | null;
  enqueuedAt: string;
  updatedAt: string;
  status: MergeStatus;
  tier: MergeTier | null;
  resultCommit: string | null;
  mergedInto: string | null;
  conflictFiles: string[];
  autoResolved: AutoResolution[];
  error: string | null;
  attempts: Attempt[];
  /** Who is merging it now (status `merging`); lets a later run recognise a merge that died. */
  claim: Claim | null;
}

export interface Claim {
  target: string;
  holder: string;
  pid: number;
  host: string;
  at: string;
}

export interface QueueMeta {
  v: 1;
  nextSeq: number;
}

const one = (v: unknown, p: string): 1 => {
  if (v !== 1) throw new Error(`${p} must be 1`);
  return 1;
};
const strs = arrayOf(str);
const defaulted =
  <T>(inner: Validator<T>, dflt: T): Validator<T> =>
  (v, p) =>
    v === undefined ? dflt : inner(v, p);

const tierReport: Validator<TierReport> = shape<TierReport>({
  tier: oneOf(TIERS),
  result: oneOf(["ok", "failed", "skipped", "unavailable"] as const),
  reason: optional(str) as Validator<string>,
  files: optional(strs) as Validator<string[]>,
});

const attempt: Validator<Attempt> = shape<Attempt>({
  at: str,
  target: str,
  targetCommit: nullable(str),
  branchCommit: nullable(str),
  outcome: oneOf(["merged", "conflict", "failed", "already-merged"] as const),
  tier: nullable(oneOf(TIERS)),
  tiers: arrayOf(tierReport),
  error: optional(str) as Validator<string>,
});

const autoResolution: Validator<AutoResolution> = shape<AutoResolution>({
  file: str,
  rule: oneOf(["one-side-unchanged", "identical", "union", "mixed", "clean-rerun"] as const),
  hunks: int,
});

export const entryValidator: Validator<QueueEntry> = shape<QueueEntry>({
  v: one,
  id: str,
  seq: int,
  branch: str,
  agent: nullable(str),
  task: nullable(str),
  files: defaulted(strs, []),
  parent: nullable(str),
  target: nullable(str),
  source: oneOf(["mail", "cli", "hook"] as const),
  requestedBy: nullable(str),
  mailId: nullable(str),
  enqueuedAt: str,
  updatedAt: str,
  status: oneOf(MERGE_STATUSES),
  tier: nullable(oneOf(TIERS)),
  resultCommit: nullable(str),
  mergedInto: nullable(str),
  conflictFiles: defaulted(strs, []),
  autoResolved: defaulted(arrayOf(autoResolution), []),
  error: nullable(str),
  attempts: defaulted(arrayOf(attempt), []),
  claim: nullable(shape<Claim>({ target: str, holder: str, pid: int, host: str, at: str })),
});

export const metaValidator: Validator<QueueMeta> = shape<QueueMeta>({ v: one, nextSeq: int });

/** Per-file tier counts: `history/<encoded path>.json`. */
export interface FileHistory {
  v: 1;
  path: string;
  tiers: Partial<Record<ResolveTier, { ok: number; failed: number }>>;
  recent: { at: string; branch: string; tier: ResolveTier; outcome: "ok" | "failed" }[];
}

export const historyValidator: Validator<FileHistory> = (v, p) => {
  const base = shape<{ v: 1; path: string; tiers: Record<string, unknown>; recent: unknown[] }>({
    v: one,
    path: str,
    tiers: record,
    recent: arrayOf((x) => x),
  })(v, p);
  const tiers: FileHistory["tiers"] = {};
  for (const t of RESOLVE_TIERS) {
    const c = base.tiers[t];
    if (c !== undefined)
      tiers[t] = shape<{ ok: number; failed: number }>({ ok: int, failed: int })(c, `${p}.tiers.${t}`);
  }
  const recent = base.recent.map((r, i) =>
    shape<FileHistory["recent"][number]>({
      at: str,
      branch: str,
      tier: oneOf(RESOLVE_TIERS as readonly ResolveTier[] as [ResolveTier, ...ResolveTier[]]),
      outcome: oneOf(["ok", "failed"] as const),
    })(r, `${p}.recent[${i}]`),
  );
  return { v: 1, path: base.path, tiers, recent };
};

/** The lock document: `lock.json` in the tip commit of `refs/ov/merge/lock/<target>`. */
export interface LockInfo {
  v: 1;
  target: string;
  holder: string;
  pid: number;
  host: string;
  started: string;
  renewed: string;
  leaseMs: number;
}

export const lockValidator: Validator<LockInfo> = shape<LockInfo>({
  v: one,
  target: str,
  holder: str,
  pid: int,
  host: str,
  started: str,
  renewed: str,
  leaseMs: int,
});
