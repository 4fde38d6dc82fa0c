import { existsSync } from "node:fs";
import { join } from "node:path";
import { OvError } from "../core/errors.js";
import type { Session } from "../sessions/session.js";
import { packageRoot } from "../setup/package-root.js";
import { nodeExecutable } from "../sys/run.js";
import { encodeUserTurn } from "./claude.js";
import { deployClaudeGuards } from "./claude-settings.js";
import { createClaudeParser } from "./claude-stream.js";
import type { Runtime, StreamParser, TurnRequest, TurnSpec } from "./types.js";

/** The built scripted agent program (an esbuild entry of its own, see scripts/build.mjs). */
export function scriptedAgentPath(): string {
  return join(packageRoot(), "dist", "scripted-agent.js");
}

/**
 * The scripted runtime: a deterministic agent following a JSON script (docs/scripted-runtime.md),
 * speaking Claude's stream-json and honouring the same `.claude/settings.local.json` guard hooks.
 */
export function createScriptedRuntime(): Runtime {
  return {
    name: "scripted",
    async ensureAvailable() {
      const agent = scriptedAgentPath();
      if (!existsSync(agent)) {
        throw new OvError("RUNTIME", `scripted agent program missing: ${agent}`, {
          hint: "build git ov first (npm run build), or reinstall the package",
          data: { runtime: "scripted", path: agent },
        });
      }
    },
    buildTurn(req: TurnRequest): TurnSpec {
      return {
        cmd: nodeExecutable(),
        args: [scriptedAgentPath(), ...(req.resume ? ["--resume", req.resume] : [])],
        env: { ...req.baseEnv },
        cwd: req.worktree,
        stdin: encodeUserTurn(req.prompt),
      };
    },
    parser(): StreamParser {
      return createClaudeParser();
    },
    deployGuards(worktree: string, _session: Session, selfBin: string): Promise<string[]> {
      return deployClaudeGuards(worktree, selfBin);
    },
  };
}
