import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isRecord } from "../../core/json.js";
import { runProcess } from "../../sys/run.js";

export type HookVerdict = { allowed: true } | { allowed: false; message: string };

export interface ToolCall {
  cwd: string;
  env: Record<string, string>;
  sessionId: string;
  tool: string;
  input: unknown;
  toolUseId: string;
}

/**
 * Runs the PreToolUse hooks of `.claude/settings.json` and `.claude/settings.local.json` the way
 * Claude Code does (matcher, hook JSON on stdin, exit 2 or a JSON deny/block blocks, any other
 * failure does not), so guards deployed for Claude also hold for the scripted agent.
 */
export async function runPreToolUse(call: ToolCall): Promise<HookVerdict> {
  const commands = await matchingCommands(call.cwd, call.tool);
  const stdin = JSON.stringify({
    session_id: call.sessionId,
    transcript_path: "",
    cwd: call.cwd,
    permission_mode: "bypassPermissions",
    hook_event_name: "PreToolUse",
    tool_name: call.tool,
    tool_input: call.input,
    tool_use_id: call.toolUseId,
  });
  for (const command of commands) {
    const r = await runProcess("sh", ["-c", command], {
      cwd: call.cwd,
      env: { ...call.env, CLAUDE_PROJECT_DIR: call.cwd },
      input: stdin,
    });
    const prefix = `PreToolUse:${call.tool} hook error: `;
    if (r.code === 2) return { allowed: false, message: `${prefix}[${command}]: ${r.stderr}` };
    if (r.code !== 0) continue;
    const reason = denyReason(r.stdout);
    if (reason !== null) return { allowed: false, message: `${prefix}${reason}` };
  }
  return { allowed: true };
}

/** The reason of a JSON deny (`hookSpecificOutput.permissionDecision`) or legacy `decision: "block"`. */
function denyReason(stdout: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!isRecord(v)) return null;
  const h = v.hookSpecificOutput;
  if (isRecord(h) && h.permissionDecision === "deny")
    return typeof h.permissionDecisionReason === "string" ? h.permissionDecisionReason : "denied";
  if (v.decision === "block") return typeof v.reason === "string" ? v.reason : "blocked";
  return null;
}

async function matchingCommands(cwd: string, tool: string): Promise<string[]> {
  const out: string[] = [];
  for (const file of ["settings.json", "settings.local.json"]) {
    const settings = await readJson(join(cwd, ".claude", file));
    const pre = isRecord(settings) && isRecord(settings.hooks) ? settings.hooks.PreToolUse : undefined;
    if (!Array.isArray(pre)) continue;
    for (const entry of pre) {
      if (!isRecord(entry) || !matches(entry.matcher, tool) || !Array.isArray(entry.hooks)) continue;
      for (const h of entry.hooks)
        if (isRecord(h) && h.type === "command" && typeof h.command === "string") out.push(h.command);
    }
  }
  return out;
}

/** Claude's matcher: absent, "" or "*" match every tool; otherwise a regex over the whole tool name. */
function matches(matcher: unknown, tool: string): boolean {
  if (matcher === undefined || matcher === "" || matcher === "*") return true;
  if (typeof matcher !== "string") return false;
  try {
    return new RegExp(`^(?:${matcher})$`).test(tool);
  } catch {
    return matcher === tool;
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}
