import { OvError } from "./errors.js";

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A validated agent name, safe as a ref component and a directory name. */
export type AgentName = Brand<string, "AgentName">;

const AGENT_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Returns the reason `name` is not a valid agent name, or undefined when it is valid. */
export function agentNameProblem(name: string): string | undefined {
  if (!AGENT_RE.test(name)) {
    return "must be 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";
  }
  if (name.includes("..")) return "must not contain '..'";
  if (name.endsWith(".lock")) return "must not end with '.lock'";
  if (name.endsWith(".")) return "must not end with '.'";
  return undefined;
}

/** Validates an agent name; throws INVALID_NAME naming the rule. */
export function agentName(name: string, what = "agent name"): AgentName {
  const problem = agentNameProblem(name);
  if (problem !== undefined) {
    throw new OvError("INVALID_NAME", `invalid ${what} '${name}': ${problem}`, {
      data: { name },
      hint: "use lower-case letters, digits, '.', '_' or '-', e.g. builder-1",
    });
  }
  return name as AgentName;
}

/**
 * Encodes any string (a branch name such as `feature/x`) into one safe ref component:
 * characters outside [A-Za-z0-9._-] become `%XX`, and '.' sequences that git forbids are escaped,
 * so `feature/x` and `feature` never collide.
 */
export function encodeRefComponent(s: string): string {
  if (s.length === 0) throw new OvError("INVALID_NAME", "empty name cannot be a ref component");
  let out = "";
  for (const ch of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(ch);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${ch.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function decodeRefComponent(s: string): string {
  return decodeURIComponent(s);
}

/** A task id: free text for humans, but it becomes part of a branch name. */
export function taskIdProblem(task: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(task)) {
    return "must be 1-80 characters of letters, digits, '.', '_' or '-', starting with a letter or digit";
  }
  if (task.includes("..") || task.endsWith(".lock") || task.endsWith(".")) {
    return "must not contain '..' or end with '.' or '.lock'";
  }
  return undefined;
}

export function taskId(task: string): string {
  const problem = taskIdProblem(task);
  if (problem !== undefined) {
    throw new OvError("INVALID_NAME", `invalid task id '${task}': ${problem}`, {
      data: { task },
      hint: "use a short slug such as fix-login-42",
    });
  }
  return task;
}
