import type { Capability } from "../capabilities.js";
import type { GuardPorts } from "./paths.js";

/** Who is asking: the agent's identity as its environment states it. */
export interface GuardAgent {
  name: string;
  capability: Capability;
  /** The agent's worktree (absolute). */
  worktree: string;
  task: string;
  /** The agent's own branch, `ov/<agent>/<task>`. */
  branch: string;
}

/** One tool call from the runtime's PreToolUse hook. */
export interface ToolCall {
  tool: string;
  input: Record<string, unknown>;
  /** The shell's working directory when the call was made. */
  cwd: string;
}

export type GuardRule =
  | "bad-input"
  | "team-tool"
  | "interactive-tool"
  | "read-only"
  | "path-boundary"
  | "protected-file"
  | "dangerous-git"
  | "branch-escape"
  | "recursive-delete"
  | "tracker-close"
  | "lead-close-gate";

export type GuardDecision = { allow: true } | { allow: false; rule: GuardRule; reason: string };

/** Mail counts the lead close gate needs (read from refs/ov/mail by the caller). */
export interface LeadGateFacts {
  mergeReadySent: number;
  workerDoneReceived: number;
}

/** Everything a rule looks at while walking a shell command. */
export interface BashContext {
  agent: GuardAgent;
  ports: GuardPorts;
  /** Canonical worktree path. */
  root: string;
  readOnly: boolean;
  /** Current directory, or undefined after a `cd` whose target cannot be known. */
  cwd: string | undefined;
  facts: LeadGateFacts | undefined;
}

export const ALLOW: GuardDecision = { allow: true };

export function block(rule: GuardRule, reason: string): GuardDecision {
  return { allow: false, rule, reason };
}
