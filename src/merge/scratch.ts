import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { OvError } from "../core/errors.js";
import { firstLine } from "../git/exec.js";
import type { Git } from "../git/git.js";
import { ovDir } from "../git/repo.js";
import { randomToken } from "../sys/random.js";

/** A temporary linked worktree for resolvers and the verify command; never the user's checkout. */
export interface Scratch {
  dir: string;
  remove(): Promise<void>;
}

// User hooks (post-checkout …) must not run for our throwaway worktrees.
const NO_HOOKS = ["-c", "core.hooksPath=/dev/null"];

/** Creates a detached worktree at `commit` whose files and index hold `tree` (e.g. a tree with conflict markers). */
export async function createScratch(git: Git, commit: string, tree: string): Promise<Scratch> {
  const root = join(ovDir(git.repo), "merge-tmp");
  mkdirSync(root, { recursive: true });
  const dir = join(root, `wt-${randomToken(10)}`);
  const remove = async () => {
    await git.run([...NO_HOOKS, "worktree", "remove", "--force", "--force", dir], { check: false });
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    await git.run(["worktree", "prune"], { check: false });
  };
  try {
    await git.run([...NO_HOOKS, "worktree", "add", "--detach", "--no-checkout", "-q", dir, commit]);
    await git.run([...NO_HOOKS, "read-tree", "-u", "--reset", tree], { cwd: dir });
  } catch (e) {
    await remove();
    throw new OvError(
      "MERGE",
      `cannot create a temporary worktree for conflict resolution: ${(e as Error).message}`,
      {
        cause: e,
        hint: "git ov doctor; check free disk space and that git worktree add works here",
      },
    );
  }
  return { dir, remove };
}

/**
 * The tree of the scratch worktree's files: only `paths` when given (a resolver may touch nothing
 * else), every non-ignored file otherwise (reimagine).
 */
export async function scratchTree(git: Git, dir: string, paths?: string[]): Promise<string> {
  const env = { GIT_LITERAL_PATHSPECS: "1" };
  const args = paths ? ["add", "-A", "--", ...paths] : ["add", "-A"];
  const add = await git.run(args, { cwd: dir, env, check: false });
  if (add.code !== 0) {
    throw new OvError("MERGE", `cannot stage the resolved files: ${firstLine(add.stderr)}`, {
      data: { stderr: add.stderr },
    });
  }
  return (await git.run(["write-tree"], { cwd: dir })).stdout.trim();
}

/** Files among `paths` that still contain conflict markers (`<<<<<<<` or `>>>>>>>` lines). */
export function filesWithMarkers(dir: string, paths: readonly string[]): string[] {
  return paths.filter((p) => {
    const full = join(dir, p);
    if (!existsSync(full)) return false;
    let text: string;
    try {
      text = readFileSync(full, "utf8");
    } catch {
      return false;
    }
    return /^(<{7}|>{7})(?:[ \r\n]|$)/m.test(text);
  });
}
