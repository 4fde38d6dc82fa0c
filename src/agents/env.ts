import { delimiter, dirname } from "node:path";
import type { Session } from "../sessions/session.js";
import { OVERLAY_FILE } from "./overlay.js";
import { NO_PARENT_RECIPIENT } from "./protocol.js";

/** Where the agent runs and which git-ov it calls back into. */
export interface AgentEnvContext {
  /** The canonical checkout (the main worktree), where the operator works. */
  root: string;
  /** Path of the git-ov executable; its directory goes first on PATH so `git ov` finds it. */
  selfBin: string;
  /** The PATH to extend (usually the caller's). */
  path: string | undefined;
}

/**
 * The environment every agent process (and its guard hook) gets. The guard, the commit-msg hook
 * and the role texts read these names; the turn engine passes them to the runtime.
 */
export function agentEnv(session: Session, ctx: AgentEnvContext): Record<string, string> {
  const binDir = dirname(ctx.selfBin);
  const rest = (ctx.path ?? "").split(delimiter).filter((p) => p !== "" && p !== binDir);
  return {
    GIT_OV_AGENT: session.name,
    GIT_OV_TASK: session.task,
    GIT_OV_RUN: session.runId ?? "",
    GIT_OV_CAPABILITY: session.capability,
    GIT_OV_WORKTREE: session.worktree,
    GIT_OV_ROOT: ctx.root,
    GIT_OV_BRANCH: session.branch,
    GIT_OV_PARENT: session.parent ?? NO_PARENT_RECIPIENT,
    GIT_OV_DEPTH: String(session.depth),
    GIT_OV_OVERLAY: `${session.worktree}/${OVERLAY_FILE}`,
    GIT_OV_BIN: ctx.selfBin,
    PATH: [binDir, ...rest].join(delimiter),
  };
}
