import type { Session } from "../../sessions/session.js";
import type { Deps } from "../../store/deps.js";
import type { AgentEnvContext } from "../env.js";
import { OVERLAY_FILE } from "../overlay.js";

/** What sling hands the turn engine for an agent's first turn. */
export interface FirstTurnContext {
  /** The prompt of the first user turn (see `firstTurnPrompt`). */
  prompt: string;
  /** Absolute path of the overlay file in the worktree. */
  overlayPath: string;
  /** For `agentEnv(session, envContext)`. */
  envContext: AgentEnvContext;
}

export interface FirstTurnResult {
  /** True when a turn was started (or ran) for the agent. */
  started: boolean;
  /** Session state after the call (booting when nothing ran yet). */
  state: Session["state"];
  /** One line for the user. */
  note: string;
}

/**
 * THE SEAM for the turn engine: start the agent's first turn. Until the turn engine fills this in,
 * the session stays `booting` and sling says so. A throw here makes sling roll everything back.
 */
export async function startFirstTurn(
  _deps: Deps,
  session: Session,
  _ctx: FirstTurnContext,
): Promise<FirstTurnResult> {
  return {
    started: false,
    state: session.state,
    note: "booting: waiting for the turn engine to start its first turn",
  };
}

/** The first user turn: who the agent is, where its overlay is, and what to do first. */
export function firstTurnPrompt(session: Session): string {
  const parent = session.parent ?? "none";
  return [
    `[git ov] You are ${session.name}, a ${session.capability} agent, on task ${session.task}`,
    `(depth ${session.depth}, parent ${parent}, branch ${session.branch}).`,
    `Read your overlay at ${OVERLAY_FILE} — it holds your assignment, spec, file scope, role and exact commands —`,
    `then check your mail with \`git ov mail check --agent ${session.name}\` and begin task ${session.task} at once.`,
  ].join(" ");
}
