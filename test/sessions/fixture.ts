import { execFileSync } from "node:child_process";
import type { Session } from "../../src/sessions/session.js";

/** A valid session for `name` with overridable fields. */
export function sessionFor(name: string, over: Partial<Session> = {}): Session {
  return {
    v: 1,
    id: `session-1767225600000-${name}`,
    name,
    capability: "builder",
    task: `task-${name}`,
    branch: `ov/${name}/task-${name}`,
    baseBranch: "main",
    worktree: `/nonexistent/worktrees/${name}`,
    runtime: "scripted",
    runtimeSessionId: null,
    parent: null,
    depth: 0,
    runId: null,
    state: "booting",
    pid: null,
    turns: 0,
    idleSince: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    lastActivity: "2026-01-01T00:00:00.000Z",
    escalationLevel: 0,
    stalledSince: null,
    reason: null,
    ...over,
  };
}

/**
 * Writes `content` as `file` in a new commit on `ref` with plain git (as a buggy tool or a remote
 * push would), on top of the current tip. Returns the new commit.
 */
export function pushRaw(dir: string, ref: string, file: string, content: string): string {
  const g = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: dir, input: input ?? "", encoding: "utf8" }).trim();
  const blob = g(["hash-object", "-w", "--stdin"], content);
  const tree = g(["mktree"], `100644 blob ${blob}\t${file}\n`);
  let parent = "";
  try {
    parent = g(["rev-parse", "--verify", "-q", ref]);
  } catch {
    parent = "";
  }
  const commit = g(["commit-tree", tree, "-m", "hand-written document", ...(parent ? ["-p", parent] : [])]);
  g(["update-ref", ref, commit]);
  return commit;
}
