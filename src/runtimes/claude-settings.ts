import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isRecord } from "../core/json.js";
import { nodeExecutable } from "../sys/run.js";

/** Where Claude Code reads per-checkout, uncommitted settings; the guard hooks live here. */
export const CLAUDE_SETTINGS_FILE = ".claude/settings.local.json";

/** Every guard entry we write contains this, so a redeploy finds and replaces its own entries. */
const MARKER = "GIT_OV_AGENT";

/** POSIX single-quoting for a shell word. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The PreToolUse command: a no-op unless GIT_OV_AGENT is set (a human's own Claude session in the
 * worktree is never guarded), else `git ov guard` with Claude's hook JSON on stdin. A guard that
 * cannot run (node or git-ov moved, crash) exits 2, which Claude treats as a block: fail closed.
 */
export function guardCommand(selfBin: string, node: string = nodeExecutable()): string {
  return `[ -z "$${MARKER}" ] || ${shellQuote(node)} ${shellQuote(selfBin)} guard || exit 2`;
}

/** The hook entry: one matcher for every tool; the guard decides per tool. */
export function guardHookEntry(selfBin: string, node?: string): Record<string, unknown> {
  return { matcher: "*", hooks: [{ type: "command", command: guardCommand(selfBin, node) }] };
}

/**
 * Writes the guard hook into `<worktree>/.claude/settings.local.json`, keeping every other key and
 * every hook that is not ours (ours go first in PreToolUse). A malformed file is replaced.
 */
export async function deployClaudeGuards(
  worktree: string,
  selfBin: string,
  node?: string,
): Promise<string[]> {
  const path = join(worktree, CLAUDE_SETTINGS_FILE);
  const existing = await readSettings(path);
  const hooks = isRecord(existing.hooks) ? { ...existing.hooks } : {};
  const pre = Array.isArray(hooks.PreToolUse) ? hooks.PreToolUse.filter((e) => !isOurs(e)) : [];
  hooks.PreToolUse = [guardHookEntry(selfBin, node), ...pre];
  const next = { ...existing, hooks };
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(tmp, path);
  return [CLAUDE_SETTINGS_FILE];
}

async function readSettings(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return {};
  }
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function isOurs(entry: unknown): boolean {
  if (!isRecord(entry) || !Array.isArray(entry.hooks)) return false;
  return entry.hooks.some(
    (h) =>
      isRecord(h) &&
      typeof h.command === "string" &&
      h.command.includes(MARKER) &&
      h.command.includes(" guard"),
  );
}
