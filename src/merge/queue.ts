import { OvError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import type { Git } from "../git/git.js";
import { isoTime } from "../sys/clock.js";
import { randomToken } from "../sys/random.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { TreeDraft } from "../store/draft.js";
import type { CommitNote } from "../store/message.js";
import type { DocProblem } from "../store/store.js";
import {
  ENTRIES_DIR,
  type MergeStatus,
  QUEUE_META,
  QUEUE_REF,
  type QueueEntry,
  entryValidator,
  metaValidator,
} from "./types.js";

export interface EnqueueInput {
  branch: string;
  agent?: string | null;
  task?: string | null;
  files?: string[];
  parent?: string | null;
  target?: string | null;
  source: QueueEntry["source"];
  requestedBy?: string | null;
  mailId?: string | null;
  /** Initial status: `pending`, or `merged` when a hook records a merge done by hand. */
  status?: MergeStatus;
  patch?: Partial<QueueEntry>;
}

export interface EnqueueResult {
  created: boolean;
  entry: QueueEntry;
}

/** A time-sortable queue entry id: `mq-<ms base36><4 random>`. */
export function newEntryId(nowMs: number): string {
  return `mq-${nowMs.toString(36).padStart(9, "0")}${randomToken(4)}`;
}

export function entryPath(e: Pick<QueueEntry, "seq" | "id">): string {
  return `${ENTRIES_DIR}/${String(e.seq).padStart(8, "0")}-${e.id}.json`;
}

/** Every entry of a queue draft in FIFO (sequence) order; unreadable entries become problems. */
export async function readEntries(
  git: Git,
  draft: TreeDraft,
  where: { tip: string | undefined },
): Promise<{ entries: QueueEntry[]; problems: DocProblem[] }> {
  const files = (await draft.list(ENTRIES_DIR)).filter((f) => f.kind === "file" && f.name.endsWith(".json"));
  const bodies = await Promise.all(files.map((f) => git.readObject(f.oid)));
  const entries: QueueEntry[] = [];
  const problems: DocProblem[] = [];
  files.forEach((f, i) => {
    const path = `${ENTRIES_DIR}/${f.name}`;
    const res = parseDoc(bodies[i]?.body.toString("utf8"), entryValidator, {
      ref: QUEUE_REF,
      commit: where.tip,
      path,
    });
    if (!res) problems.push({ ref: QUEUE_REF, commit: where.tip, path, problem: "unreadable blob" });
    else if (!res.ok) problems.push(res.problem);
    else if (entryPath(res.value) !== path)
      problems.push({ ref: QUEUE_REF, commit: where.tip, path, problem: "file name does not match seq/id" });
    else entries.push(res.value);
  });
  entries.sort((a, b) => a.seq - b.seq);
  return { entries, problems };
}

/** The whole queue, FIFO order, with any bad entries reported beside the good ones. */
export async function listQueue(deps: Deps): Promise<{ entries: QueueEntry[]; problems: DocProblem[] }> {
  const { draft, tip } = await deps.store.open(QUEUE_REF);
  return readEntries(deps.git, draft, { tip });
}

async function nextSeq(draft: TreeDraft, entries: QueueEntry[]): Promise<number> {
  const raw = await draft.readJson(QUEUE_META);
  const fromMeta =
    raw?.ok === true
      ? parseDoc(JSON.stringify(raw.value), metaValidator, {
          ref: QUEUE_REF,
          commit: undefined,
          path: QUEUE_META,
        })
      : undefined;
  const stored = fromMeta?.ok ? fromMeta.value.nextSeq : 1;
  // Never reuse a sequence even if meta.json was damaged: FIFO order must stay strict.
  return Math.max(stored, ...entries.map((e) => e.seq + 1), 1);
}

/**
 * Adds a branch to the queue (FIFO). A branch already pending or merging is not queued twice: the
 * existing entry is returned with `created: false`.
 */
export async function enqueue(deps: Deps, input: EnqueueInput): Promise<EnqueueResult> {
  const now = deps.clock.now();
  const id = newEntryId(now);
  const out = await deps.store.update<EnqueueResult>(QUEUE_REF, async (draft, ctx) => {
    const { entries } = await readEntries(deps.git, draft, ctx);
    const status = input.status ?? "pending";
    const dup = entries.find(
      (e) => e.branch === input.branch && (e.status === "pending" || e.status === "merging"),
    );
    if (dup && status === "pending") return { write: false, value: { created: false, entry: dup } };
    const seq = await nextSeq(draft, entries);
    const entry: QueueEntry = {
      v: 1,
      id,
      seq,
      branch: input.branch,
      agent: input.agent ?? null,
      task: input.task ?? null,
      files: input.files ?? [],
      parent: input.parent ?? null,
      target: input.target ?? null,
      source: input.source,
      requestedBy: input.requestedBy ?? null,
      mailId: input.mailId ?? null,
      enqueuedAt: isoTime(now),
      updatedAt: isoTime(now),
      status,
      tier: null,
      resultCommit: null,
      mergedInto: null,
      conflictFiles: [],
      autoResolved: [],
      error: null,
      attempts: [],
      claim: null,
      ...input.patch,
    };
    await draft.write(entryPath(entry), canonicalJson(entry));
    await draft.writeJson(QUEUE_META, { v: 1, nextSeq: seq + 1 });
    return {
      write: {
        subject: `merge queue: enqueue ${entry.branch}${status === "pending" ? "" : ` (${status})`}`,
        trailers: {
          "Ov-Op": "merge-enqueue",
          "Ov-Entry": entry.id,
          "Ov-Branch": entry.branch,
          "Ov-Agent": entry.agent ?? undefined,
          "Ov-Task": entry.task ?? undefined,
          "Ov-Status": status,
        },
      },
      value: { created: true, entry },
    };
  });
  return out.value;
}

export interface EntryChange {
  /** The new entry, or undefined to leave the queue untouched. */
  next: QueueEntry | undefined;
  note?: CommitNote;
  /** Further writes in the same commit (resolution history). */
  also?: (draft: TreeDraft) => Promise<void>;
}

/**
 * Changes one entry with CAS on the queue ref. `fn` sees the entry as currently stored and is
 * re-run on contention. Throws NOT_FOUND when the id is not in the queue.
 */
export async function updateEntry(
  deps: Deps,
  id: string,
  fn: (cur: QueueEntry) => EntryChange,
): Promise<{ entry: QueueEntry; changed: boolean }> {
  const out = await deps.store.update(QUEUE_REF, async (draft, ctx) => {
    const { entries } = await readEntries(deps.git, draft, ctx);
    const cur = entries.find((e) => e.id === id);
    if (!cur) {
      throw new OvError("NOT_FOUND", `no merge queue entry '${id}'`, {
        data: { id },
        hint: "git ov merge queue lists the entries",
      });
    }
    const change = fn(cur);
    if (!change.next) return { write: false, value: { entry: cur, changed: false } };
    const next: QueueEntry = { ...change.next, updatedAt: isoTime(deps.clock.now()) };
    await draft.write(entryPath(next), canonicalJson(next));
    if (change.also) await change.also(draft);
    const note: CommitNote = change.note ?? {
      subject: `merge queue: ${next.branch} ${cur.status} -> ${next.status}`,
    };
    return {
      write: {
        ...note,
        trailers: {
          "Ov-Op": "merge-status",
          "Ov-Entry": next.id,
          "Ov-Branch": next.branch,
          "Ov-Status": next.status,
          "Ov-Tier": next.tier ?? undefined,
          ...note.trailers,
        },
      },
      value: { entry: next, changed: true },
    };
  });
  return out.value;
}
