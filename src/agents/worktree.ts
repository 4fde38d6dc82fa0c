import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";

/** Every agent branch lives under this prefix: `ov/<agent>/<task>`. */
export const BRANCH_PREFIX = "ov/";

export function agentBranch(agent: string, task: string): string {
  return `${BRANCH_PREFIX}${agent}/${task}`;
}

/** Parses `ov/<agent>/<task>` (undefined for other branches). */
export function parseAgentBranch(branch: string): { agent: string; task: string } | undefined {
  const m = /^(?:refs\/heads\/)?ov\/([^/]+)\/(.+)$/.exec(branch);
  return m?.[1] && m[2] ? { agent: m[1], task: m[2] } : undefined;
}

/** Directory holding agent worktrees: `git config ov.worktreeRoot`, else `<git-common-dir>/ov/worktrees`. */
export async function worktreeRoot(deps: Deps): Promise<string> {
  const res = await deps.git.run(["config", "--get", "ov.worktreeRoot"], { check: false });
  const v = res.stdout.trim();
  if (res.code === 0 && v !== "") return isAbsolute(v) ? v : resolve(canonicalRootSync(deps), v);
  return join(ovDir(deps.repo), "worktrees");
}

/** The main checkout (parent of a `.git` common dir); the common dir itself for bare repositories. */
export function canonicalRootSync(deps: Deps): string {
  const common = deps.repo.commonDir;
  return basename(common) === ".git" ? dirname(common) : common;
}

export interface WorktreeEntry {
  path: string;
  head: string | undefined;
  /** Short branch name, or undefined when detached. */
  branch: string | undefined;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain`, parsed. */
export async function listWorktrees(deps: Deps): Promise<WorktreeEntry[]> {
  const res = await deps.git.run(["worktree", "list", "--porcelain"], { cwd: deps.repo.cwd });
  const out: WorktreeEntry[] = [];
  for (const block of res.stdout.split("\n\n")) {
    const lines = block.split("\n").filter((l) => l !== "");
    const path = lines.find((l) => l.startsWith("worktree "))?.slice(9);
    if (!path) continue;
    const branch = lines.find((l) => l.startsWith("branch "))?.slice(7);
    out.push({
      path,
      head: lines.find((l) => l.startsWith("HEAD "))?.slice(5),
      branch: branch?.replace(/^refs\/heads\//, ""),
      locked: lines.some((l) => l === "locked" || l.startsWith("locked ")),
      prunable: lines.some((l) => l === "prunable" || l.startsWith("prunable ")),
    });
  }
  return out;
}

/** Agent worktrees only (on an `ov/` branch). */
export async function listAgentWorktrees(deps: Deps): Promise<WorktreeEntry[]> {
  return (await listWorktrees(deps)).filter((w) => w.branch?.startsWith(BRANCH_PREFIX));
}

/** Creates branch `branch` at `base` and checks it out in a new worktree at `path`. */
export async function addWorktree(deps: Deps, path: string, branch: string, base: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await deps.git.run(["worktree", "add", "-q", "-b", branch, path, base], { cwd: deps.repo.cwd });
}

/** Removes a worktree (git refuses a dirty one unless `force`); prunes stale metadata. */
export async function removeWorktree(deps: Deps, path: string, force: boolean): Promise<void> {
  const args = ["worktree", "remove", ...(force ? ["--force", "--force"] : []), path];
  if (!existsSync(path)) {
    await deps.git.run(["worktree", "prune"], { cwd: deps.repo.cwd, check: false });
    return;
  }
  await deps.git.run(args, { cwd: deps.repo.cwd });
}

/** Uncommitted changes (tracked or untracked, ignored files excluded) in a worktree. */
export async function dirtyFiles(deps: Deps, path: string): Promise<string[]> {
  const res = await deps.git.run(["status", "--porcelain", "--untracked-files=normal"], { cwd: path });
  return res.stdout.split("\n").filter((l) => l.trim() !== "");
}

/** Resolves a commit-ish to a commit id, or undefined. */
export async function resolveCommit(deps: Deps, rev: string): Promise<string | undefined> {
  const res = await deps.git.run(["rev-parse", "--verify", "-q", `${rev}^{commit}`], {
    cwd: deps.repo.cwd,
    check: false,
  });
  return res.code === 0 ? res.stdout.trim() : undefined;
}

export async function branchExists(deps: Deps, branch: string): Promise<boolean> {
  return (await deps.git.refs.read(`refs/heads/${branch}`)) !== undefined;
}

/** Commits on `branch` that `target` does not contain (0 when merged). */
export async function unmergedCount(deps: Deps, branch: string, target: string): Promise<number> {
  const res = await deps.git.run(["rev-list", "--count", `${target}..refs/heads/${branch}`], {
    cwd: deps.repo.cwd,
    check: false,
  });
  return res.code === 0 ? Number(res.stdout.trim()) : Number.NaN;
}

export async function deleteBranch(deps: Deps, branch: string): Promise<void> {
  await deps.git.run(["branch", "-D", "-q", branch], { cwd: deps.repo.cwd });
}

const EXCLUDE_HEADER = "# git ov: agent overlay and guard files, never committed";

/**
 * Adds patterns to the repository's `info/exclude` (in the common dir, so every worktree obeys it).
 * Idempotent: existing lines are kept and never duplicated.
 */
export function ensureExcluded(deps: Deps, patterns: readonly string[]): string[] {
  const file = join(deps.repo.commonDir, "info", "exclude");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const have = new Set(text.split("\n").map((l) => l.trim()));
  const add = patterns.filter((p) => !have.has(p));
  if (add.length === 0) return [];
  mkdirSync(dirname(file), { recursive: true });
  const prefix =
    (text === "" || text.endsWith("\n") ? "" : "\n") +
    (have.has(EXCLUDE_HEADER) ? "" : `${EXCLUDE_HEADER}\n`);
  appendFileSync(file, `${prefix}${add.join("\n")}\n`);
  return add;
}
