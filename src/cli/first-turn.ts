import type { FirstTurnContext, FirstTurnResult } from "../agents/sling/first-turn.js";
import type { Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";

/**
 * Fills sling's first-turn seam (agents cannot import the turn engine): by default a detached
 * `git ov turn <agent> --prompt …` so sling returns at once; with `wait`, the turn runs here and
 * sling reports how it settled.
 */
export function firstTurnStarter(selfBin: string, wait: boolean, echo?: (line: string) => void) {
  return async (deps: Deps, session: Session, ctx: FirstTurnContext): Promise<FirstTurnResult> => {
    if (!wait) {
      const { spawnDetached } = await import("../sys/process.js");
      const env = Object.fromEntries(Object.entries(deps.env).filter(([k]) => !k.startsWith("GIT_OV_")));
      spawnDetached(process.execPath, [selfBin, "turn", session.name, "--prompt", ctx.prompt, "--quiet"], {
        cwd: deps.repo.topLevel ?? deps.repo.cwd,
        env,
      });
      return {
        started: true,
        state: session.state,
        note: "booting: first turn started in the background (git ov status shows progress)",
      };
    }
    const { deliverTurns } = await import("../turn/deliver.js");
    const { turnEnvironment } = await import("../turn/environment.js");
    const env = await turnEnvironment(deps, selfBin, echo ? { echo } : {});
    const turns = await deliverTurns(deps, session.name, env, ctx.prompt);
    const last = turns[turns.length - 1];
    return {
      started: turns.length > 0,
      state: last?.finalState ?? session.state,
      note: last
        ? `${last.finalState}: ${last.reason ?? ""} (turn ${last.turn}, log ${last.logDir ?? "-"})`
        : "no turn ran",
    };
  };
}
