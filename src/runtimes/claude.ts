import { OvError } from "../core/errors.js";
import type { Session } from "../sessions/session.js";
import { processEnv } from "../sys/env.js";
import { findExecutable, runningAsRoot } from "../sys/run.js";
import { deployClaudeGuards } from "./claude-settings.js";
import { createClaudeParser } from "./claude-stream.js";
import type { Runtime, StreamParser, TurnRequest, TurnSpec } from "./types.js";

type Config = TurnRequest["config"];

/** Fixed headless flags: print mode, stream-json both ways, verbose (needed for stream-json output). */
export const CLAUDE_HEADLESS_ARGS = [
  "-p",
  "--output-format",
  "stream-json",
  "--input-format",
  "stream-json",
  "--verbose",
] as const;

export const CLAUDE_INSTALL_HINT = "npm install -g @anthropic-ai/claude-code";

/**
 * Variables an enclosing Claude Code session sets; inherited by an agent they make it think it is
 * nested. IS_SANDBOX is set only by the explicit `runtime.claude.sandbox` choice.
 */
const DROP_ENV = ["CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "CLAUDE_CODE_SSE_PORT", "IS_SANDBOX"];

/** One user turn as Claude's stream-json input: a single line, newline-terminated. */
export function encodeUserTurn(prompt: string): string {
  return `${JSON.stringify({ type: "user", message: { role: "user", content: [{ type: "text", text: prompt }] } })}\n`;
}

export interface ClaudeOptions {
  /** Whether this process runs as root (injected by tests). */
  isRoot?: () => boolean;
}

/** The Claude Code headless adapter (spawn-per-turn, `--resume` after the first turn). */
export function createClaudeRuntime(opts: ClaudeOptions = {}): Runtime {
  const isRoot = opts.isRoot ?? runningAsRoot;
  return {
    name: "claude",
    async ensureAvailable(config: Config, env: Record<string, string | undefined> = processEnv()) {
      const bin = binaryOf(config);
      if (findExecutable(bin, env.PATH) === null) {
        throw new OvError("RUNTIME", `Claude Code CLI '${bin}' not found (runtime.claude.binary)`, {
          hint: `install it with '${CLAUDE_INSTALL_HINT}', or point git ov at it: git ov config set runtime.claude.binary /path/to/claude`,
          data: { runtime: "claude", binary: bin },
        });
      }
      checkRootSandbox(config, isRoot());
    },
    buildTurn(req: TurnRequest): TurnSpec {
      checkRootSandbox(req.config, isRoot());
      return {
        cmd: binaryOf(req.config),
        args: claudeArgs(req),
        env: claudeEnv(req),
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

/**
 * argv after the binary: fixed flags, permission mode, model when configured, the per-turn cap on
 * model calls when configured (a model that never stops ends with an error result: the agent idles),
 * resume when given.
 */
export function claudeArgs(req: Pick<TurnRequest, "config" | "resume">): string[] {
  const args: string[] = [...CLAUDE_HEADLESS_ARGS, "--permission-mode", permissionModeOf(req.config)];
  const model = strOf(req.config, "runtime.claude.model", "");
  if (model !== "") args.push("--model", model);
  const maxTurns = req.config.get("runtime.claude.maxTurns");
  if (typeof maxTurns === "number" && Number.isInteger(maxTurns) && maxTurns > 0)
    args.push("--max-turns", String(maxTurns));
  if (req.resume) args.push("--resume", req.resume);
  return args;
}

function claudeEnv(req: TurnRequest): Record<string, string> {
  const env: Record<string, string> = { ...req.baseEnv };
  for (const k of DROP_ENV) delete env[k];
  if (req.config.get("runtime.claude.sandbox") === true) env.IS_SANDBOX = "1";
  return env;
}

/**
 * Claude Code refuses to bypass permissions as root unless the environment says it is a sandbox;
 * we never set that silently. Fail before spawning, with both ways out.
 */
export function checkRootSandbox(config: Config, root: boolean): void {
  if (!root || permissionModeOf(config) !== "bypassPermissions") return;
  if (config.get("runtime.claude.sandbox") === true) return;
  throw new OvError(
    "RUNTIME",
    "Claude Code refuses --permission-mode bypassPermissions when run as root outside a sandbox",
    {
      hint: "run git ov as a non-root user, or, if this machine or container is a disposable sandbox, declare it: git ov config set runtime.claude.sandbox true",
      data: { runtime: "claude", permissionMode: "bypassPermissions", root: true, sandbox: false },
    },
  );
}

function binaryOf(config: Config): string {
  return strOf(config, "runtime.claude.binary", "claude") || "claude";
}

function permissionModeOf(config: Config): string {
  return strOf(config, "runtime.claude.permissionMode", "bypassPermissions") || "bypassPermissions";
}

function strOf(config: Config, key: string, dflt: string): string {
  const v = config.get(key);
  return typeof v === "string" ? v : dflt;
}
