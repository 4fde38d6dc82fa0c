import { statSync } from "node:fs";
import { OvError, messageOf } from "../core/errors.js";
import type { Git } from "../git/git.js";
import type { CasResult, RefUpdate } from "../git/refs.js";
import type { Clock } from "../sys/clock.js";
import { TreeDraft } from "./draft.js";
import { type CommitNote, formatMessage } from "./message.js";
import { Backoff, DEFAULT_RETRY, type RetryLimits } from "./retry.js";

/** What an update operation decides: a commit note (and a value), or nothing to write. */
export type OpResult<T> = { write: CommitNote; value: T; author?: string } | { write: false; value: T };

export interface DocContext {
  ref: string;
  /** Tip commit the draft was read from; undefined when the document does not exist yet. */
  tip: string | undefined;
}

export type UpdateOp<T> = (draft: TreeDraft, ctx: DocContext) => Promise<OpResult<T>>;

/** A multi-document op: reads the drafts, returns a value and the documents to commit (none: no write). */
export type TransactOp<T> = (
  drafts: Map<string, TreeDraft>,
  tips: Map<string, string | undefined>,
) => Promise<{ value: T; writes: Map<string, { note: CommitNote; author?: string | undefined }> }>;

export interface UpdateOutcome<T> {
  value: T;
  /** The new commit, or undefined when the op chose not to write. */
  commit: string | undefined;
  attempts: number;
}

interface Attempt<T> {
  value: T;
  commits: Map<string, string>;
  updates: RefUpdate[];
  /** The tips the attempt read, joined: a change between attempts is another writer's progress. */
  tips: string;
}

export interface StoreOptions {
  clock: Clock;
  /** Retry limits (defaults: DEFAULT_RETRY). */
  retry?: Partial<RetryLimits>;
  /** A `<ref>.lock` older than this (ms) is reported as stale. */
  staleLockMs?: number;
}

const COMMITTER = { name: "git-ov", email: "git-ov@localhost" };

/**
 * refs/ov documents: each is a ref whose tip commit holds a small tree. Writes are read → pure op →
 * objects → compare-and-set; a lost race re-reads and re-applies the op with full-jitter backoff
 * (see Backoff for when it gives up with CAS_CONFLICT).
 */
export class DocStore {
  readonly git: Git;
  private readonly clock: Clock;
  private readonly retry: RetryLimits;
  private readonly staleLockMs: number;

  constructor(git: Git, opts: StoreOptions) {
    this.git = git;
    this.clock = opts.clock;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.staleLockMs = opts.staleLockMs ?? 30_000;
  }

  /** A read-only draft of the document at `ref` (empty when the ref does not exist). */
  async open(ref: string): Promise<{ draft: TreeDraft; tip: string | undefined }> {
    const tip = await this.git.refs.read(ref);
    const tree = tip ? await this.git.commitTree(tip) : undefined;
    return { draft: new TreeDraft(this.git, tree), tip };
  }

  /** A read-only draft of a document at a known commit. */
  async openAt(commit: string): Promise<TreeDraft> {
    return new TreeDraft(this.git, await this.git.commitTree(commit));
  }

  /** Applies `op` to the document at `ref` and lands it with CAS, retrying on contention. */
  async update<T>(ref: string, op: UpdateOp<T>): Promise<UpdateOutcome<T>> {
    const outcome = await this.transact([ref], async (drafts, tips) => {
      const draft = drafts.get(ref)!;
      const res = await op(draft, { ref, tip: tips.get(ref) });
      return res.write === false
        ? { value: res.value, writes: new Map() }
        : { value: res.value, writes: new Map([[ref, { note: res.write, author: res.author }]]) };
    });
    return { value: outcome.value, commit: outcome.commits.get(ref), attempts: outcome.attempts };
  }

  /**
   * Applies `op` to several documents and lands every write in one `update-ref --stdin`
   * transaction: all refs move or none does.
   */
  async transact<T>(
    refs: readonly string[],
    op: TransactOp<T>,
  ): Promise<{ value: T; commits: Map<string, string>; attempts: number }> {
    const backoff = new Backoff(this.clock, this.retry);
    for (let attempt = 1; ; attempt++) {
      backoff.begin();
      // Begun before the tips are read: see Refs.begin.
      const txn = this.git.refs.begin(refs.length);
      let built: Attempt<T>;
      try {
        built = await this.attempt(refs, op);
      } catch (e) {
        txn.cancel();
        throw e;
      }
      const { value, commits, updates } = built;
      if (updates.length === 0) {
        txn.cancel();
        return { value, commits, attempts: attempt };
      }
      const res: CasResult = await txn.commit(updates);
      if (res.ok) return { value, commits, attempts: attempt };
      if (res.reason === "locked" && res.lockPath) this.checkStale(res.lockPath);
      backoff.observe(built.tips);
      const next = backoff.next(attempt);
      if ("giveUp" in next) throw this.contended(refs, attempt, res.reason, next.giveUp);
      await this.clock.sleep(next.sleepMs);
    }
  }

  private contended(refs: readonly string[], attempts: number, last: string, why: string): OvError {
    const detail =
      why === "stalled"
        ? `no write landed for ${this.retry.stallMs / 1000} s`
        : `other writers kept winning for ${this.retry.maxWaitMs / 1000} s`;
    return new OvError(
      "CAS_CONFLICT",
      `could not update ${refs.join(", ")}: ${detail} (${attempts} attempts)`,
      {
        data: { refs: [...refs], attempts, lastReason: last, giveUp: why },
        hint: "another process holds or keeps moving this document; retry, or run `git ov doctor`",
      },
    );
  }

  /**
   * Deletes the document at `ref` if it still points at `tip`. Always through `git update-ref`
   * (the fast path never deletes, since a delete must also rewrite packed-refs). Throws STALE_LOCK
   * for an abandoned lock; a fresh lock or a moved ref comes back as `{ok: false}`.
   */
  async remove(ref: string, tip: string): Promise<CasResult> {
    const res = await this.git.refs.transact([{ ref, next: undefined, prev: tip }], "git ov: remove");
    if (!res.ok && res.reason === "locked" && res.lockPath) this.checkStale(res.lockPath);
    return res;
  }

  /** One attempt: read every tip, run the op, write the objects of each changed document. */
  private async attempt<T>(refs: readonly string[], op: TransactOp<T>): Promise<Attempt<T>> {
    const tips = new Map<string, string | undefined>();
    const drafts = new Map<string, TreeDraft>();
    for (const ref of refs) {
      const { draft, tip } = await this.open(ref);
      tips.set(ref, tip);
      drafts.set(ref, draft);
    }
    const { value, writes } = await op(drafts, tips);
    const commits = new Map<string, string>();
    const updates: RefUpdate[] = [];
    const when = this.clock.now();
    for (const [ref, w] of writes) {
      const draft = drafts.get(ref);
      if (!draft) throw new OvError("INTERNAL", `transaction wrote undeclared ref ${ref}`);
      const tip = tips.get(ref);
      const author = w.author ? { name: w.author, email: `${w.author}@git-ov` } : COMMITTER;
      const message = formatMessage(w.note);
      const commit = this.git.objects.commit(
        draft.writeTree(),
        tip ? [tip] : [],
        { ...author, when },
        message,
      );
      commits.set(ref, commit);
      updates.push({ ref, next: commit, prev: tip });
    }
    return { value, commits, updates, tips: [...tips.values()].join(",") };
  }

  private checkStale(lockPath: string): void {
    let age: number;
    try {
      age = this.clock.now() - statSync(lockPath).mtimeMs;
    } catch {
      return;
    }
    if (age > this.staleLockMs) {
      throw new OvError(
        "STALE_LOCK",
        `stale lock ${lockPath} (${Math.round(age / 1000)} s old) blocks a refs/ov write`,
        {
          data: { lockPath, ageMs: age },
          hint: `if no git process is running, remove it: rm '${lockPath}'`,
        },
      );
    }
  }
}

/** A problem found while reading a document: which ref, which commit, what is wrong. */
export interface DocProblem {
  ref: string;
  commit: string | undefined;
  path: string;
  problem: string;
}

export function describeProblem(p: DocProblem): string {
  return `${p.ref}${p.commit ? `@${p.commit.slice(0, 12)}` : ""}:${p.path}: ${p.problem}`;
}

export function invalidDocument(p: DocProblem): OvError {
  return new OvError("INVALID_DOCUMENT", `invalid document ${describeProblem(p)}`, {
    data: { ...p },
    hint: `inspect it with: git show ${p.commit ?? p.ref}:${p.path}`,
  });
}

export { messageOf };
