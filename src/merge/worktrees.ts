import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
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
  const merging = operationInProgress(wt.path);
  const dirty = parseStatusPaths(status.stdout);
  if (status.code !== 0 || dirty.length > 0 || merging) {
    const what = merging
      ? `has a ${merging} in progress`
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

/** The git dir of a checkout: `.git` itself, or where a linked worktree's `.git` file points. */
function gitDirOf(worktree: string): string | undefined {
  const dotGit = join(worktree, ".git");
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"));
    return m?.[1] ? (isAbsolute(m[1]) ? m[1] : join(worktree, m[1])) : undefined;
  } catch {
    return undefined;
  }
}

/** A merge, rebase, cherry-pick or revert stopped half-way in that checkout, if any. */
function operationInProgress(worktree: string): string | undefined {
  const dir = gitDirOf(worktree);
  if (!dir) return undefined;
  const marks: [string, string][] = [
    ["MERGE_HEAD", "merge"],
    ["rebase-merge", "rebase"],
    ["rebase-apply", "rebase"],
    ["CHERRY_PICK_HEAD", "cherry-pick"],
    ["REVERT_HEAD", "revert"],
  ];
  return marks.find(([f]) => existsSync(join(dir, f)))?.[1];
}
