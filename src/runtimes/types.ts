import type { Session } from "../sessions/session.js";

/**
 * A typed event parsed from a runtime's output stream (Claude stream-json shaped). `text` with
 * `apiError` is the CLI's synthetic message for a failed model call (the `result` that follows has
 * `isError`). A `result` may have `subtype: "success"` and still `isError: true` (API errors, timeouts).
 * `other` carries lines the runner does not act on: `system/<subtype>`, `control_response`, … and,
 * with type `unparsed`, a non-JSON line (raw = its first 500 characters: diagnostics, not progress).
 */
export type RuntimeEvent =
  | { kind: "init"; sessionId: string; model?: string; tools?: string[]; permissionMode?: string }
  | { kind: "text"; text: string; apiError?: boolean }
  | { kind: "tool_use"; id: string; name: string; input: unknown }
  | { kind: "tool_result"; toolUseId: string; isError: boolean; content: string }
  | {
      kind: "result";
      isError: boolean;
      subtype: string;
      sessionId?: string;
      durationMs?: number;
      numTurns?: number;
      /** This turn's cost (Claude's `model_usage_since_last_result`, else `total_cost_usd`). */
      costUsd?: number;
      /** Claude's `total_cost_usd`: cumulative over the conversation, earlier resumed turns included. */
      sessionCostUsd?: number;
      /** This turn's tokens, summed over its model calls. */
      usage?: {
        inputTokens: number;
        outputTokens: number;
        cacheReadTokens?: number;
        cacheCreationTokens?: number;
      };
      text?: string;
      /** Claude's `terminal_reason`: completed, max_turns, api_error, aborted_streaming, … */
      terminalReason?: string;
      /** Claude's `errors` (error subtypes), e.g. "No conversation found with session ID: …". */
      errors?: string[];
    }
  | { kind: "other"; type: string; raw: unknown };

/** Everything needed to start one turn of one agent. */
export interface TurnSpec {
  cmd: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Bytes written to the runtime's stdin, which is then closed. */
  stdin: string;
}

export interface TurnRequest {
  session: Session;
  /** Absolute path of the agent's worktree (cwd of the turn). */
  worktree: string;
  /** The user turn: the task on the first turn, batched mail or a nudge later. */
  prompt: string;
  /** Runtime conversation id to resume (session.runtimeSessionId), if any. */
  resume: string | null;
  /** Environment every agent gets (GIT_OV_AGENT, GIT_OV_TASK, GIT_OV_RUN, PATH with git-ov …). */
  baseEnv: Record<string, string>;
  /** Resolved configuration values the runtime needs (model, permission mode, binary…). */
  config: { get(key: string): string | number | boolean | undefined };
}

/** Incremental parser of a runtime's stdout: feed chunks, get events; tolerates garbage lines. */
export interface StreamParser {
  push(chunk: string): RuntimeEvent[];
  end(): RuntimeEvent[];
}

/** A runtime adapter: builds turns, parses their output, deploys guards into a worktree. */
export interface Runtime {
  readonly name: string;
  /**
   * Throws OvError("RUNTIME") naming the missing binary and how to install it, or a configuration the
   * runtime will refuse. `env` (default: this process's) supplies PATH for the binary lookup.
   */
  ensureAvailable(config: TurnRequest["config"], env?: Record<string, string | undefined>): Promise<void>;
  buildTurn(req: TurnRequest): TurnSpec;
  parser(): StreamParser;
  /** Writes the runtime's guard/hook configuration into the worktree; returns the paths written (relative). */
  deployGuards(worktree: string, session: Session, selfBin: string): Promise<string[]>;
}
