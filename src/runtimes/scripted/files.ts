import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { canonicalJson, isRecord } from "../../core/json.js";
import { Invalid } from "../../store/validate.js";
import { type Script, parseScript } from "./script.js";

/** Env var naming a script file; wins over the per-agent file. */
export const SCRIPT_ENV = "GIT_OV_SCRIPT";

/** `<git-common-dir>/ov/scripts/<agent>.json`: the script an agent of the scripted runtime follows. */
export function scriptFileFor(ovDir: string, agent: string): string {
  return join(ovDir, "scripts", `${agent}.json`);
}

/** Validates `script` and stores it as the agent's script (what `sling --script` should call). */
export async function installScript(ovDir: string, agent: string, script: unknown): Promise<string> {
  parseScript(script);
  const path = scriptFileFor(ovDir, agent);
  await writeAtomic(path, canonicalJson(script));
  return path;
}

/** Reads and validates a script file; throws `Invalid` with the file named. */
export async function loadScriptFile(path: string): Promise<{ raw: unknown; script: Script }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Invalid(`cannot read script ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Invalid(`script ${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { raw, script: parseScript(raw, path) };
}

/**
 * Which script an agent follows: `$GIT_OV_SCRIPT` (relative to cwd), else its per-agent file, else
 * the path pinned in the session when it started (so later turns survive a different environment).
 */
export function resolveScriptPath(
  env: Record<string, string | undefined>,
  ovDir: string,
  cwd: string,
  pinned: string | null,
): string | null {
  const fromEnv = env[SCRIPT_ENV];
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(cwd, fromEnv);
  const agent = env.GIT_OV_AGENT;
  if (agent) {
    const own = scriptFileFor(ovDir, agent);
    if (existsSync(own)) return own;
  }
  return pinned;
}

/** Per-conversation state, so `--resume` knows which turn comes next. */
export interface ScriptedSession {
  v: 1;
  sessionId: string;
  agent: string | null;
  script: string | null;
  /** Every user turn received, in order; its length is the number of turns started. */
  prompts: string[];
  /** Sum of the costs of finished turns (reported cumulatively, as Claude does). */
  costUsd: number;
}

export function sessionFile(ovDir: string, sessionId: string): string {
  return join(ovDir, "scripted", `${sessionId}.json`);
}

/** The stored session, or null when there is none (or it is unreadable). */
export async function readScriptedSession(ovDir: string, sessionId: string): Promise<ScriptedSession | null> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(sessionId)) return null;
  try {
    const v: unknown = JSON.parse(await readFile(sessionFile(ovDir, sessionId), "utf8"));
    if (!isRecord(v) || v.sessionId !== sessionId || !Array.isArray(v.prompts)) return null;
    return {
      v: 1,
      sessionId,
      agent: typeof v.agent === "string" ? v.agent : null,
      script: typeof v.script === "string" ? v.script : null,
      prompts: v.prompts.filter((p): p is string => typeof p === "string"),
      costUsd: typeof v.costUsd === "number" ? v.costUsd : 0,
    };
  } catch {
    return null;
  }
}

export function writeScriptedSession(ovDir: string, s: ScriptedSession): Promise<void> {
  return writeAtomic(sessionFile(ovDir, s.sessionId), canonicalJson(s));
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
