import { dirname } from "node:path";
import { loadConfig } from "../config/config.js";
import { isConfigKey } from "../config/keys.js";
import { getRuntime } from "../runtimes/registry.js";
import type { Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import type { TurnEnvironment } from "./deliver.js";

/** Terminal mail types by role: what ends an agent's work (the reference's rule, §11.2 item 30). */
export function terminalTypes(capability: string): readonly string[] {
  return capability === "merger" ? ["merged", "merge_failed"] : ["worker_done", "result"];
}

/** The environment every agent process gets: its identity, the canonical checkout, and git-ov first on PATH. */
export function agentBaseEnv(
  deps: Deps,
  session: Session,
  selfBin: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {
    GIT_OV_AGENT: session.name,
    GIT_OV_TASK: session.task,
    GIT_OV_CAPABILITY: session.capability,
    GIT_OV_WORKTREE: session.worktree,
    GIT_OV_ROOT: deps.repo.topLevel ?? deps.repo.commonDir,
    GIT_OV_BIN: selfBin,
    PATH: `${dirname(selfBin)}:${env.PATH ?? "/usr/bin:/bin"}`,
  };
  if (session.runId) out.GIT_OV_RUN = session.runId;
  if (session.parent) out.GIT_OV_PARENT = session.parent;
  return out;
}

/** Builds the turn engine's environment from configuration, the runtime registry and the roles. */
export async function turnEnvironment(
  deps: Deps,
  selfBin: string,
  opts: { echo?: (line: string) => void; abort?: AbortSignal } = {},
): Promise<TurnEnvironment> {
  const cfg = await loadConfig(deps);
  return {
    runtimeFor: (s) => getRuntime(s.runtime),
    baseEnvFor: (s) => agentBaseEnv(deps, s, selfBin, deps.env),
    terminalTypesFor: (s) => terminalTypes(s.capability),
    config: { get: (key) => (isConfigKey(key) ? cfg.get(key) : undefined) },
    stallMs: cfg.num("turn.stallMs"),
    killGraceMs: cfg.num("turn.killGraceMs"),
    lockTimeoutMs: cfg.num("turn.lockTimeoutMs"),
    ...opts,
  };
}
