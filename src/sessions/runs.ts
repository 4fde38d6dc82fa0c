import { OvError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { listDocs, parseDoc, readDoc } from "../store/documents.js";
import type { TreeDraft } from "../store/draft.js";
import type { CommitNote } from "../store/message.js";
import { type DocProblem, invalidDocument } from "../store/store.js";
import { type Validator, nullable, oneOf, shape, str } from "../store/validate.js";
import { CURRENT_RUN_FILE, CURRENT_RUN_REF, currentRunValidator } from "./current-run.js";
import { type Session, listSessions } from "./session.js";
import { byText } from "./format.js";

export const RUNS_PREFIX = "refs/ov/runs/";
export const RUN_FILE = "run.json";
export const RUN_STATUSES = ["active", "completed", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run: `refs/ov/runs/<id>` → `run.json`. The agent count is never stored; see RunView. */
export interface Run {
  v: 1;
  id: string;
  status: RunStatus;
  startedAt: string;
  completedAt: string | null;
  coordinatorName: string | null;
  coordinatorSessionId: string | null;
}

/** A run as read: `agentCount` is derived from the sessions naming it (the reference's drift bug, 0.10.3). */
export interface RunView extends Run {
  agentCount: number;
}

export const runValidator: Validator<Run> = shape<Run>({
  v: () => 1,
  id: str,
  status: oneOf(RUN_STATUSES),
  startedAt: str,
  completedAt: nullable(str),
  coordinatorName: nullable(str),
  coordinatorSessionId: nullable(str),
});

/** The ref of one run. */
export function runRef(id: string): string {
  return `${RUNS_PREFIX}${id}`;
}

/** `run-<ISO time with ':' and '.' replaced by '-'>`, the reference's format. */
export function newRunId(nowMs: number): string {
  return `run-${isoTime(nowMs).replace(/[:.]/g, "-")}`;
}

/** Why `id` cannot name a run (it becomes a ref component), or undefined. */
export function runIdProblem(id: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) return "must be letters, digits, '.', '_' or '-'";
  if (id === "current" || id.includes("..") || id.endsWith(".lock") || id.endsWith(".")) {
    return "is reserved or not a valid ref component";
  }
  return undefined;
}

export interface CreateRunOptions {
  coordinatorName?: string | null;
  coordinatorSessionId?: string | null;
  /** Point `refs/ov/runs/current` at the new run in the same transaction (default true). */
  makeCurrent?: boolean;
}

/** Creates a run (active) and, by default, makes it current atomically. */
export async function createRun(deps: Deps, opts: CreateRunOptions = {}): Promise<Run> {
  const run = await freshRun(deps, opts);
  const refs = opts.makeCurrent === false ? [runRef(run.id)] : [runRef(run.id), CURRENT_RUN_REF];
  await deps.store.transact(refs, async (drafts) => {
    if (await drafts.get(runRef(run.id))!.has(RUN_FILE)) {
      throw new OvError("ALREADY_EXISTS", `run '${run.id}' already exists`, { data: { runId: run.id } });
    }
    const writes = await writeNewRun(drafts, run, opts.makeCurrent !== false);
    return { value: undefined, writes };
  });
  return run;
}

/**
 * The current run's id, creating a run and pointing `current` at it when there is none (or it
 * names a finished or unreadable run). Race-safe: the pointer moves by CAS inside the same
 * transaction that creates the run, so concurrent callers end with one current run.
 */
export async function ensureCurrentRun(deps: Deps): Promise<string> {
  const run = await freshRun(deps, {});
  const res = await deps.store.transact([CURRENT_RUN_REF, runRef(run.id)], async (drafts, tips) => {
    const current = await readCurrentIn(drafts.get(CURRENT_RUN_REF)!, tips.get(CURRENT_RUN_REF));
    if (current) {
      const doc = await readDoc(deps.store, runRef(current), RUN_FILE, runValidator);
      if (doc.kind === "ok" && doc.value.status === "active") return { value: current, writes: new Map() };
    }
    return { value: run.id, writes: await writeNewRun(drafts, run, true) };
  });
  return res.value;
}

/**
 * Marks a run completed or failed and, when `current` names it, clears the pointer in the same
 * transaction. Completing a finished run changes nothing in it. Throws NOT_FOUND / INVALID_DOCUMENT.
 */
export async function completeRun(
  deps: Deps,
  id: string,
  status: Exclude<RunStatus, "active"> = "completed",
): Promise<{ run: Run; clearedCurrent: boolean }> {
  if (runIdProblem(id) !== undefined) throw runNotFound(id);
  const ref = runRef(id);
  const res = await deps.store.transact([ref, CURRENT_RUN_REF], async (drafts, tips) => {
    const run = await readRunIn(drafts.get(ref)!, ref, tips.get(ref));
    if (!run) throw runNotFound(id);
    const writes = new Map<string, { note: CommitNote }>();
    let next = run;
    if (run.status === "active") {
      next = { ...run, status, completedAt: isoTime(deps.clock.now()) };
      await drafts.get(ref)!.write(RUN_FILE, canonicalJson(next));
      writes.set(ref, { note: runNote(`run ${id}: ${status}`, id, `run-${status}`) });
    }
    const current = await readCurrentIn(drafts.get(CURRENT_RUN_REF)!, tips.get(CURRENT_RUN_REF));
    const clearedCurrent = current === id;
    if (clearedCurrent) {
      await drafts.get(CURRENT_RUN_REF)!.write(CURRENT_RUN_FILE, canonicalJson({ v: 1, runId: null }));
      writes.set(CURRENT_RUN_REF, {
        note: runNote(`run current: none (${id} ${next.status})`, id, "run-clear"),
      });
    }
    return { value: { run: next, clearedCurrent }, writes };
  });
  return res.value;
}

/** One run with its derived agent count; undefined when missing. Throws INVALID_DOCUMENT when corrupt. */
export async function getRun(
  deps: Deps,
  id: string,
  sessions?: readonly Session[],
): Promise<RunView | undefined> {
  if (runIdProblem(id) !== undefined) return undefined;
  const doc = await readDoc(deps.store, runRef(id), RUN_FILE, runValidator);
  if (doc.kind === "missing") return undefined;
  if (doc.kind === "invalid") throw invalidDocument(doc.problem);
  const all = sessions ?? (await listSessions(deps)).sessions;
  return { ...doc.value, agentCount: all.filter((s) => s.runId === id).length };
}

/** Runs newest first (optionally one status, at most `limit`), with derived agent counts. */
export async function listRuns(
  deps: Deps,
  opts: { limit?: number; status?: RunStatus } = {},
): Promise<{ runs: RunView[]; problems: DocProblem[] }> {
  const [{ docs, problems }, { sessions }] = await Promise.all([
    listDocs(deps.store, RUNS_PREFIX, RUN_FILE, runValidator),
    listSessions(deps),
  ]);
  const counts = new Map<string, number>();
  for (const s of sessions) if (s.runId) counts.set(s.runId, (counts.get(s.runId) ?? 0) + 1);
  const runs = docs
    .map((d) => ({ ...d.value, agentCount: counts.get(d.value.id) ?? 0 }))
    .filter((r) => !opts.status || r.status === opts.status)
    .sort((a, b) => byText(b.startedAt, a.startedAt) || byText(b.id, a.id));
  return {
    runs: opts.limit === undefined ? runs : runs.slice(0, opts.limit),
    problems: problems.filter((p) => p.ref !== CURRENT_RUN_REF),
  };
}

/** NOT_FOUND for an unknown run id. */
export function runNotFound(id: string): OvError {
  return new OvError("NOT_FOUND", `run '${id}' not found`, {
    data: { runId: id },
    hint: "git ov run list shows the runs",
  });
}

/** A new run document with an id no existing ref holds (two runs in one millisecond get `-2`, `-3`…). */
async function freshRun(deps: Deps, opts: CreateRunOptions): Promise<Run> {
  const now = deps.clock.now();
  const base = newRunId(now);
  let id = base;
  for (let n = 2; await deps.git.refs.read(runRef(id)); n++) id = `${base}-${n}`;
  return {
    v: 1,
    id,
    status: "active",
    startedAt: isoTime(now),
    completedAt: null,
    coordinatorName: opts.coordinatorName ?? null,
    coordinatorSessionId: opts.coordinatorSessionId ?? null,
  };
}

async function writeNewRun(
  drafts: Map<string, TreeDraft>,
  run: Run,
  makeCurrent: boolean,
): Promise<Map<string, { note: CommitNote }>> {
  const writes = new Map<string, { note: CommitNote }>();
  await drafts.get(runRef(run.id))!.write(RUN_FILE, canonicalJson(run));
  const by = run.coordinatorName ? ` by ${run.coordinatorName}` : "";
  writes.set(runRef(run.id), { note: runNote(`run ${run.id}: started${by}`, run.id, "run-create") });
  if (makeCurrent) {
    await drafts.get(CURRENT_RUN_REF)!.write(CURRENT_RUN_FILE, canonicalJson({ v: 1, runId: run.id }));
    writes.set(CURRENT_RUN_REF, { note: runNote(`run current: ${run.id}`, run.id, "run-current") });
  }
  return writes;
}

function runNote(subject: string, runId: string, op: string): CommitNote {
  return { subject, trailers: { "Ov-Op": op, "Ov-Run": runId } };
}

async function readRunIn(draft: TreeDraft, ref: string, tip: string | undefined): Promise<Run | undefined> {
  const res = parseDoc(await draft.readText(RUN_FILE), runValidator, { ref, commit: tip, path: RUN_FILE });
  if (!res) return undefined;
  if (!res.ok) throw invalidDocument(res.problem);
  return res.value;
}

/** The current pointer inside an op; an unreadable pointer counts as "no current run" (it gets replaced). */
async function readCurrentIn(draft: TreeDraft, tip: string | undefined): Promise<string | undefined> {
  const where = { ref: CURRENT_RUN_REF, commit: tip, path: CURRENT_RUN_FILE };
  const res = parseDoc(await draft.readText(CURRENT_RUN_FILE), currentRunValidator, where);
  return res?.ok && res.value.runId !== null ? res.value.runId : undefined;
}
