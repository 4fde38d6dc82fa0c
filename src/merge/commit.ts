import { OvError } from "../core/errors.js";
import { INTERNAL_ENV, firstLine } from "../git/exec.js";
import type { Git } from "../git/git.js";
import { formatMessage } from "../store/message.js";
import type { AutoResolution, MergeTier } from "./types.js";

export interface MergeMessageInput {
  branch: string;
  target: string;
  agent: string | null;
  task: string | null;
  tier: MergeTier;
  entryId: string | null;
  autoResolved: AutoResolution[];
}

/** The merge commit message: names branch, agent and task; trailers join it to the queue. */
export function mergeMessage(m: MergeMessageInput): string {
  const who = m.agent ? `agent ${m.agent}${m.task ? `, task ${m.task}` : ""}` : "no agent";
  const lines = [`Work of ${who}, merged by git ov at tier ${m.tier}.`];
  if (m.autoResolved.length) {
    lines.push("", "Auto-resolved without dropping either side:");
    for (const r of m.autoResolved)
      lines.push(`  ${r.file}: ${r.rule} (${r.hunks} hunk${r.hunks === 1 ? "" : "s"})`);
  }
  return formatMessage({
    subject: `Merge branch '${m.branch}' into ${m.target}`,
    body: lines.join("\n"),
    trailers: {
      "Ov-Agent": m.agent ?? undefined,
      "Ov-Task": m.task ?? undefined,
      "Ov-Tier": m.tier,
      "Ov-Merge-Entry": m.entryId ?? undefined,
    },
  });
}

/**
 * Writes the two-parent merge commit with `git commit-tree`, so the user's identity, time zone and
 * signing configuration apply; without a configured identity, git ov signs as itself.
 */
export async function writeMergeCommit(
  git: Git,
  tree: string,
  parents: [string, string],
  message: string,
): Promise<string> {
  const args = ["commit-tree", tree, "-p", parents[0], "-p", parents[1], "-F", "-"];
  let res = await git.run(args, { input: message, check: false });
  if (res.code !== 0 && /tell me who you are|empty ident|unable to auto-detect/i.test(res.stderr)) {
    const id = { GIT_AUTHOR_NAME: "git-ov", GIT_AUTHOR_EMAIL: "git-ov@localhost" };
    res = await git.run(args, {
      input: message,
      check: false,
      env: { ...id, GIT_COMMITTER_NAME: id.GIT_AUTHOR_NAME, GIT_COMMITTER_EMAIL: id.GIT_AUTHOR_EMAIL },
    });
  }
  if (res.code !== 0) {
    throw new OvError("MERGE", `cannot write the merge commit: ${firstLine(res.stderr)}`, {
      data: { stderr: res.stderr },
    });
  }
  return res.stdout.trim();
}

/** True when `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(
  git: Git,
  a: string,
  b: string,
  env?: Record<string, string>,
): Promise<boolean> {
  const res = await git.run(["merge-base", "--is-ancestor", a, b], { check: false, ...(env ? { env } : {}) });
  if (res.code > 1) throw new OvError("GIT_FAILED", `git merge-base failed: ${firstLine(res.stderr)}`);
  return res.code === 0;
}

/** The single merge base of two commits, or undefined when there are none or several. */
export async function soleMergeBase(git: Git, a: string, b: string): Promise<string | undefined> {
  const res = await git.run(["merge-base", "--all", a, b], { check: false });
  const bases = res.stdout.split("\n").filter(Boolean);
  return bases.length === 1 ? bases[0] : undefined;
}

/**
 * Moves a checked-out target by a real `git merge --ff-only` in its worktree, so the tree follows
 * the ref and the user's post-merge hook runs. Acts as a CAS: returns false (nothing changed) when
 * the checkout no longer stands on `expected`.
 */
export async function fastForwardCheckout(
  git: Git,
  worktree: string,
  branch: string,
  expected: string,
  commit: string,
): Promise<boolean> {
  const at = await git.run(["rev-parse", "HEAD", "--symbolic-full-name", "HEAD"], {
    cwd: worktree,
    check: false,
  });
  const [head, sym] = at.stdout.split("\n");
  if (at.code !== 0 || head !== expected || sym !== `refs/heads/${branch}`) return false;
  // git ov records the outcome itself; the marker tells our post-merge shim to skip (user hooks still run).
  // No auto-maintenance per merge: `--all` would run it once per entry (git ov gc owns housekeeping).
  const res = await git.run(["-c", "maintenance.auto=false", "merge", "--ff-only", "-q", commit], {
    cwd: worktree,
    check: false,
    env: { [INTERNAL_ENV]: "1" },
  });
  if (res.code === 0) return true;
  const now = await git.run(["rev-parse", "-q", "--verify", "HEAD"], { cwd: worktree, check: false });
  if (now.stdout.trim() !== expected) return false;
  throw new OvError(
    "MERGE",
    `cannot update the checkout of '${branch}' in ${worktree}: ${firstLine(res.stderr) || firstLine(res.stdout)}`,
    {
      data: { worktree, stderr: res.stderr },
      hint: `move the files git names out of the way in ${worktree}, then run git ov merge again`,
    },
  );
}
