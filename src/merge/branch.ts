import { OvError } from "../core/errors.js";
import { agentNameProblem, taskIdProblem } from "../core/ids.js";

/**
 * Why `name` cannot be a branch name (git's check-ref-format rules for `refs/heads/<name>`), or
 * undefined. Checked before any ref is read, so a name like `../../ORIG_HEAD` never reaches the disk.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > 250) return "is too long";
  if (name === "@" || name.includes("@{")) return "must not be '@' or contain '@{'";
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return "must not contain spaces, control characters or ~^:?*[\\";
  if (name.includes("..")) return "must not contain '..'";
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return "has an empty path component";
  if (name.endsWith(".")) return "must not end with '.'";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return "has a component starting with '.'";
    if (part.endsWith(".lock")) return "has a component ending with '.lock'";
  }
  if (name.startsWith("-")) return "must not start with '-'";
  return undefined;
}

/** Validates a branch name given on the command line or in a mail payload; throws INVALID_NAME. */
export function branchName(name: string, what = "branch"): string {
  const short = name.startsWith("refs/heads/") ? name.slice("refs/heads/".length) : name;
  const problem = branchNameProblem(short);
  if (problem !== undefined) {
    throw new OvError("INVALID_NAME", `invalid ${what} name '${name}': ${problem}`, {
      data: { name },
      hint: "give a local branch name such as ov/builder-1/task-42 or main",
    });
  }
  return short;
}

export function headRef(branch: string): string {
  return `refs/heads/${branch}`;
}

/** Agent and task of an agent branch `ov/<agent>/<task>`; nulls for any other branch. */
export function parseAgentBranch(branch: string): { agent: string | null; task: string | null } {
  const m = /^ov\/([^/]+)\/(.+)$/.exec(branch);
  if (!m?.[1] || !m[2]) return { agent: null, task: null };
  const agent = agentNameProblem(m[1]) === undefined ? m[1] : null;
  const task = taskIdProblem(m[2]) === undefined ? m[2] : m[2].replace(/\//g, "-");
  return { agent, task: agent ? task : null };
}
