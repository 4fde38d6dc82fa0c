import { existsSync, mkdirSync, rmSync, rmdirSync } from "node:fs";
import { dirname } from "node:path";
import { OvError, messageOf } from "../../core/errors.js";
import { isoTime } from "../../sys/clock.js";
import { ensureCurrentRun } from "../../sessions/runs.js";
import { createSession } from "../../sessions/store.js";
import { type Session, sessionRef } from "../../sessions/session.js";
import type { Deps } from "../../store/deps.js";
import { effectiveRole } from "../role-text.js";
import { OVERLAY_DIR, renderOverlay, writeOverlay } from "../overlay.js";
import { addWorktree, branchExists, deleteBranch, ensureExcluded, removeWorktree } from "../worktree.js";
import { type FirstTurnResult, firstTurnPrompt, startFirstTurn } from "./first-turn.js";
import type { SlingPlan } from "./plan.js";

export interface SlingServices {
  selfBin: string;
  /** PATH the agent environment extends. */
  path: string | undefined;
  /** Replaceable for tests; defaults to the turn engine seam. */
  startFirstTurn?: typeof startFirstTurn;
}

export interface SlingResult {
  session: Session;
  overlayPath: string;
  guardFiles: string[];
  firstTurn: FirstTurnResult;
}

/** The session document sling records for a plan (state booting). */
export function sessionFor(plan: SlingPlan, nowMs: number): Session {
  const now = isoTime(nowMs);
  return {
    v: 1,
    id: `session-${nowMs}-${plan.name}`,
    name: plan.name,
    capability: plan.capability,
    task: plan.task,
    branch: plan.branch,
    baseBranch: plan.baseBranch,
    worktree: plan.worktree,
    runtime: plan.runtime.name,
    runtimeSessionId: null,
    parent: plan.parentName,
    depth: plan.depth,
    runId: plan.runId,
    state: "booting",
    pid: null,
    turns: 0,
    idleSince: null,
    startedAt: now,
    lastActivity: now,
    escalationLevel: 0,
    stalledSince: null,
    reason: plan.recovers ? `slung to recover ${plan.recovers}` : "slung",
  };
}

/**
 * Carries out a validated plan: branch + worktree, overlay, runtime guards, info/exclude, session,
 * first turn. If any step fails, everything created so far is removed and the error rethrown.
 */
export async function applySling(deps: Deps, plan: SlingPlan, svc: SlingServices): Promise<SlingResult> {
  // Joining a run is not rolled back: a run created here stays current for the next sling.
  const runId = plan.runId ?? (await ensureCurrentRun(deps));
  const session = sessionFor({ ...plan, runId }, deps.clock.now());
  const sessionTipBefore = await deps.git.refs.read(sessionRef(plan.name));
  const made: Made = { worktree: false, session: false, firstDir: undefined };
  try {
    made.firstDir = mkdirSync(dirname(plan.worktree), { recursive: true });
    ensureExcluded(deps, [`/${OVERLAY_DIR}/`]);
    made.worktree = true;
    await addWorktree(deps, plan.worktree, plan.branch, plan.baseCommit);
    const role = await effectiveRole(deps, plan.capability);
    const overlayPath = writeOverlay(
      plan.worktree,
      renderOverlay({
        session,
        roleText: role.text,
        spec: plan.spec,
        files: plan.files,
        dispatchMaxAgents: plan.dispatchMaxAgents,
      }),
    );
    const guardFiles = await plan.runtime.deployGuards(plan.worktree, session, svc.selfBin);
    ensureExcluded(
      deps,
      guardFiles.map((f) => `/${f.replace(/^\/+/, "")}`),
    );
    await createSession(deps, session, { replaceTerminal: plan.replacesTerminal });
    made.session = true;
    const start = svc.startFirstTurn ?? startFirstTurn;
    const firstTurn = await start(deps, session, {
      prompt: firstTurnPrompt(session),
      overlayPath,
      envContext: { root: plan.root, selfBin: svc.selfBin, path: svc.path },
    });
    return { session, overlayPath, guardFiles, firstTurn };
  } catch (e) {
    const problems = await rollback(deps, plan, made, sessionTipBefore);
    if (e instanceof OvError && problems.length === 0) throw e;
    throw new OvError(
      e instanceof OvError ? e.code : "AGENT",
      `sling of '${plan.name}' failed: ${messageOf(e)}`,
      {
        cause: e,
        data: { agent: plan.name, rollbackProblems: problems },
        hint:
          problems.length > 0
            ? `rollback was incomplete (${problems.join("; ")}); run git ov clean --worktrees --branches`
            : "nothing was left behind; fix the cause and sling again",
      },
    );
  }
}

interface Made {
  worktree: boolean;
  session: boolean;
  /** Outermost directory sling had to create for the worktree, if any. */
  firstDir: string | undefined;
}

/** Removes `dir` and its parents up to `top` while they are empty (another sling may be using them). */
function removeEmptyDirs(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

/** Undoes sling's side effects in reverse order; returns what could not be undone. */
async function rollback(
  deps: Deps,
  plan: SlingPlan,
  made: Made,
  sessionTipBefore: string | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${messageOf(e)}`);
    }
  };
  if (made.session) {
    await attempt("session", async () => {
      const ref = sessionRef(plan.name);
      const now = await deps.git.refs.read(ref);
      if (now === undefined || now === sessionTipBefore) return;
      const res = await deps.git.refs.transact(
        [{ ref, next: sessionTipBefore, prev: now }],
        "git ov sling rollback",
      );
      if (!res.ok) throw new Error(`${ref} moved during rollback`);
    });
  }
  if (made.worktree) {
    await attempt("worktree", () => removeWorktree(deps, plan.worktree, true));
    // Validation proved the branch did not exist, so any branch by that name is ours.
    if (await branchExists(deps, plan.branch)) await attempt("branch", () => deleteBranch(deps, plan.branch));
  }
  if (existsSync(plan.worktree))
    await attempt("directory", async () => rmSync(plan.worktree, { recursive: true }));
  if (made.firstDir) removeEmptyDirs(dirname(plan.worktree), made.firstDir);
  return problems;
}
