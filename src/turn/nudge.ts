import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OvError } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import { sendMail } from "../mail/send.js";
import { isTerminal, readSession } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";

export const NUDGE_DEBOUNCE_MS = 500;
export const DEFAULT_NUDGE = "Check your mail inbox for new messages.";

export interface NudgeResult {
  agentName: string;
  messageId: string;
  text: string;
}

function statePath(deps: Deps): string {
  return join(ovDir(deps.repo), "nudge-state.json");
}

function lastNudges(deps: Deps): Record<string, number> {
  try {
    return JSON.parse(readFileSync(statePath(deps), "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Nudges an agent: a durable message in its inbox (`[NUDGE from X] …`), which the caller then
 * dispatches as a follow-up turn. Refuses terminal agents with the re-dispatch command, and
 * debounces repeats within 500 ms unless `force`.
 */
export async function nudgeAgent(
  deps: Deps,
  agent: string,
  words: string,
  opts: { from: string; force: boolean; dispatch?: boolean },
): Promise<NudgeResult> {
  const read = await readSession(deps, agent);
  if (read.kind === "missing")
    throw new OvError("NOT_FOUND", `no agent named '${agent}'`, { hint: "git ov status lists the agents" });
  if (read.kind === "invalid")
    throw new OvError("INVALID_DOCUMENT", `session of '${agent}' is unreadable`, { hint: "git ov doctor" });
  const s = read.value;
  if (isTerminal(s.state)) {
    throw new OvError("AGENT", `agent '${agent}' has exited (state: ${s.state}); a nudge cannot reach it`, {
      data: { agent, state: s.state },
      hint: `re-dispatch with: git ov sling ${s.task} --capability ${s.capability} --recover`,
    });
  }
  const now = deps.clock.now();
  const state = lastNudges(deps);
  if (!opts.force && now - (state[agent] ?? 0) < NUDGE_DEBOUNCE_MS) {
    throw new OvError(
      "AGENT",
      `nudge to '${agent}' debounced: one was sent ${now - (state[agent] ?? 0)} ms ago`,
      { hint: "wait a moment, or pass --force" },
    );
  }
  const text = `[NUDGE from ${opts.from}] ${words.trim() || DEFAULT_NUDGE}`;
  // dispatch: false when the caller runs the turn itself (nudge --wait).
  const sent = await sendMail(
    deps,
    {
      from: opts.from,
      to: agent,
      subject: text.slice(0, 120),
      body: text,
      type: "status",
    },
    opts.dispatch === false ? { dispatch: async () => {} } : {},
  );
  try {
    writeFileSync(statePath(deps), JSON.stringify({ ...state, [agent]: now }));
  } catch {
    /* debounce state is advisory */
  }
  return { agentName: agent, messageId: sent.ids[0] ?? "", text };
}
