import { isCapability, terminalMailTypes } from "../agents/capabilities.js";
import { agentEnv } from "../agents/env.js";
import { canonicalRootSync } from "../agents/worktree.js";
import { loadConfig } from "../config/config.js";
import { isConfigKey } from "../config/keys.js";
import { getRuntime } from "../runtimes/registry.js";
import type { Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import type { TurnEnvironment } from "./deliver.js";

/** Terminal mail types by role, from the one role table (agents/capabilities.ts). */
export function terminalTypes(capability: string): readonly string[] {
  return isCapability(capability) ? terminalMailTypes(capability) : ["worker_done", "result"];
}

/** The environment every agent process gets: sling's `agentEnv` (identity, canonical checkout, git-ov first on PATH). */
export function agentBaseEnv(
  deps: Deps,
  session: Session,
  selfBin: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return agentEnv(session, { root: canonicalRootSync(deps), selfBin, path: env.PATH ?? "/usr/bin:/bin" });
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
