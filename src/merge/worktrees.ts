import { existsSync } from "node:fs";
import { OvError } from "../core/errors.js";
import type { Git } from "../git/git.js";

export interface WorktreeInfo {
  path: string;
  head: string | undefined;
  /** Full ref name (`refs/heads/main`), undefined when detached or bare. */
  branch: string | undefined;
  bare: boolean;
}

/** Parses `git worktree list --porcelain -z`: records of NUL-terminated lines, separated by an empty line. */
export function parseWorktreeList(out: string): WorktreeInfo[] {
  const result: WorktreeInfo[] = [];
  let cur: WorktreeInfo | undefined;
  for (const field of out.split("\0")) {
    if (field === "") {
      if (cur) result.push(cur);
      cur = undefined;
      continue;
    }
    const sp = field.indexOf(" ");
    const key = sp < 0 ? field : field.slice(0, sp);
    const value = sp < 0 ? "" : field.slice(sp + 1);
    if (key === "worktree") cur = { path: value, head: undefined, branch: undefined, bare: false };
    else if (cur && key === "HEAD") cur.head = value;
    else if (cur && key === "branch") cur.branch = value;
    else if (cur && key === "bare") cur.bare = true;
  }
  if (cur) result.push(cur);
  return result;
}

/** The worktree (main or linked) that has `branch` checked out, if any (missing directories are ignored). */
export async function checkoutOf(git: Git, branch: string): Promise<WorktreeInfo | undefined> {
  const res = await git.run(["worktree", "list", "--porcelain", "-z"], { cwd: git.repo.cwd });
  return parseWorktreeList(res.stdout).find(
    (w) => !w.bare && w.branch === `refs/heads/${branch}` && existsSync(w.path),
  );
}

/**
 * Refuses (MERGE error, nothing touched) when the checkout of the target has tracked changes or an
 * operation in progress: updating it would mix our merge with the user's edits.
 */
export async function assertCleanCheckout(git: Git, wt: WorktreeInfo, target: string): Promise<void> {
  // No optional locks: inspecting someone's checkout must not rewrite its index.
  const status = await git.run(["status", "--porcelain=v1", "-z", "--untracked-files=no"], {
    cwd: wt.path,
    check: false,
    env: { GIT_OPTIONAL_LOCKS: "0" },
  });
  const inProgress = await git.run(["rev-parse", "-q", "--verify", "MERGE_HEAD"], {
    cwd: wt.path,
    check: false,
  });
  const dirty = parseStatusPaths(status.stdout);
  if (status.code !== 0 || dirty.length > 0 || inProgress.code === 0) {
    const what =
      inProgress.code === 0
        ? "has a merge in progress"
        : status.code !== 0
          ? "cannot be inspected"
          : `has uncommitted changes (${dirty.slice(0, 3).join(", ")}${dirty.length > 3 ? ", …" : ""})`;
    throw new OvError("MERGE", `target branch '${target}' is checked out in ${wt.path}, which ${what}`, {
      data: { target, worktree: wt.path, dirty },
      hint: `commit or stash the changes in ${wt.path} (or merge into another branch with --into), then run git ov merge again`,
    });
  }
}

/** Paths of `git status --porcelain=v1 -z` (a rename's second, old-path field is skipped). */
export function parseStatusPaths(out: string): string[] {
  const fields = out.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    paths.push(f.slice(3));
    if (f[0] === "R" || f[0] === "C") i++;
  }
  return paths;
}
