import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import { CURRENT_RUN_REF } from "../sessions/current-run.js";
import {
  ACTIVE_STATES,
  SESSION_FILE,
  SESSIONS_PREFIX,
  listSessions,
  sessionValidator,
} from "../sessions/session.js";
import { tryTransition } from "../sessions/store.js";
import type { Deps } from "../store/deps.js";
import { listDocs } from "../store/documents.js";
import { MAIL_PREFIX } from "../mail/types.js";
import { SPECS_REF } from "./spec.js";
import { killTurn } from "./turn-kill.js";
import {
  BRANCH_PREFIX,
  deleteBranch,
  dirtyFiles,
  listAgentWorktrees,
  listWorktrees,
  removeWorktree,
  unmergedCount,
} from "./worktree.js";

export const CLEAN_CATEGORIES = ["worktrees", "branches", "sessions", "mail", "specs", "logs"] as const;
export type CleanCategory = (typeof CLEAN_CATEGORIES)[number];

export interface CleanReport {
  removed: Record<string, string[]>;
  kept: { what: string; reason: string }[];
}

const MERGE_QUEUE_REF = "refs/ov/merge/queue";

/**
 * `git ov clean`: removes git ov state by category. Worktrees with uncommitted changes, branches
 * with unmerged commits and live agents' sessions are kept — and reported with the reason —
 * unless `force`. `all` also drops the current-run pointer and the merge queue.
 */
export async function cleanState(
  deps: Deps,
  cats: ReadonlySet<CleanCategory>,
  opts: { force: boolean; all: boolean },
): Promise<CleanReport> {
  const report: CleanReport = { removed: {}, kept: [] };
  const add = (k: string, v: string) => {
    report.removed[k] ??= [];
    report.removed[k].push(v);
  };
  const keep = (what: string, reason: string) => report.kept.push({ what, reason });
  const config = await loadConfig(deps);
  const canonical = config.str("project.canonicalBranch");
  if (cats.has("worktrees"))
    await cleanWorktreeDirs(deps, opts.force, config.num("turn.killGraceMs"), add, keep);
  if (cats.has("branches")) {
    const checkedOut = new Set((await listWorktrees(deps)).map((w) => w.branch));
    const refs = await deps.git.refs.list(`refs/heads/${BRANCH_PREFIX}`);
    for (const { ref } of refs) {
      const branch = ref.slice("refs/heads/".length);
      if (checkedOut.has(branch)) keep(branch, "checked out in a worktree (clean --worktrees first)");
      else {
        const ahead = await unmergedCount(deps, branch, canonical);
        if (ahead > 0 && !opts.force)
          keep(branch, `${ahead} commit(s) not in ${canonical}; merge it or pass --force`);
        else
          await deleteBranch(deps, branch).then(
            () => add("branches", branch),
            (e) => keep(branch, messageOf(e)),
          );
      }
    }
  }
  if (cats.has("sessions")) {
    const { docs } = await listDocs(deps.store, SESSIONS_PREFIX, SESSION_FILE, sessionValidator);
    const live = new Map(docs.map((d) => [d.ref, d.value]));
    const doomed: { ref: string; oid: string }[] = [];
    for (const r of await deps.git.refs.list(SESSIONS_PREFIX)) {
      const s = live.get(r.ref);
      if (s && ACTIVE_STATES.includes(s.state) && !opts.force)
        keep(`session ${s.name}`, `agent is ${s.state}; git ov stop it first, or pass --force`);
      else doomed.push(r);
    }
    await deleteRefs(deps, doomed, "sessions", add, keep);
  }
  if (cats.has("mail")) await deleteRefs(deps, await deps.git.refs.list(MAIL_PREFIX), "mail", add, keep);
  if (cats.has("specs")) await deleteRefs(deps, await deps.git.refs.list(SPECS_REF), "specs", add, keep);
  if (cats.has("logs"))
    for (const sub of ["logs", "events"]) emptyDir(join(ovDir(deps.repo), sub), (p) => add("logs", p));
  if (opts.all) {
    const extra = [
      ...(await deps.git.refs.list(CURRENT_RUN_REF)),
      ...(await deps.git.refs.list(MERGE_QUEUE_REF)),
    ];
    await deleteRefs(
      deps,
      extra.filter((r) => r.ref === CURRENT_RUN_REF || r.ref === MERGE_QUEUE_REF),
      "state",
      add,
      keep,
    );
  }
  return report;
}

async function cleanWorktreeDirs(
  deps: Deps,
  force: boolean,
  graceMs: number,
  add: (k: string, v: string) => void,
  keep: (what: string, reason: string) => void,
): Promise<void> {
  const { sessions } = await listSessions(deps);
  for (const s of sessions.filter((x) => ACTIVE_STATES.includes(x.state))) {
    const pid = await killTurn(deps, s.name, graceMs);
    if (pid !== undefined) add("turnsKilled", `${s.name} (pid ${pid})`);
  }
  for (const w of await listAgentWorktrees(deps)) {
    const dirty = await dirtyFiles(deps, w.path).catch(() => []);
    if (dirty.length > 0 && !force) {
      keep(w.path, `${dirty.length} uncommitted change(s); commit them or pass --force`);
      continue;
    }
    try {
      await removeWorktree(deps, w.path, true);
      add("worktrees", w.path);
      const s = sessions.find((x) => x.worktree === w.path && ACTIVE_STATES.includes(x.state));
      if (s) await tryTransition(deps, s.name, "completed", { reason: "worktree removed by git ov clean" });
    } catch (e) {
      keep(w.path, messageOf(e));
    }
  }
  await deps.git.run(["worktree", "prune"], { cwd: deps.repo.cwd, check: false });
}

async function deleteRefs(
  deps: Deps,
  refs: readonly { ref: string; oid: string }[],
  label: string,
  add: (k: string, v: string) => void,
  keep: (what: string, reason: string) => void,
): Promise<void> {
  if (refs.length === 0) return;
  const res = await deps.git.refs.transact(
    refs.map((r) => ({ ref: r.ref, next: undefined, prev: r.oid })),
    `git ov clean ${label}`,
  );
  if (res.ok) for (const r of refs) add(label, r.ref);
  else keep(`${label} refs`, "they changed while cleaning; run git ov clean again");
}

function emptyDir(dir: string, onRemoved: (p: string) => void): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    rmSync(join(dir, name), { recursive: true, force: true });
    onRemoved(join(dir, name));
  }
}
