import type { ResolvedConfig } from "../config/config.js";
import { runShell } from "../sys/shell.js";

/**
 * What a tier-3/4 resolver is given. `resolve`: the worktree holds the merge with conflict markers
 * in `files`; edit them into their resolved content. `reimagine`: the worktree is the target as it
 * is; re-apply the branch's intent (its diff `base..branchCommit` over `files`) onto it.
 * The resolver only edits files: git ov stages, checks markers, runs the verify command and commits.
 */
export interface ResolveContext {
  mode: "resolve" | "reimagine";
  worktree: string;
  files: string[];
  branch: string;
  target: string;
  branchCommit: string;
  targetCommit: string;
  /** The merge base, when there is exactly one. */
  baseCommit: string | undefined;
  agent: string | null;
  task: string | null;
  /** One line per past successful resolution touching these files (context for an AI). */
  history: string[];
}

export interface ResolveOutcome {
  ok: boolean;
  reason?: string;
}

/** A conflict resolver (tiers 3 and 4). The lead connects runtime-backed ones (e.g. Claude) here. */
export type ConflictResolver = (ctx: ResolveContext) => Promise<ResolveOutcome>;

export interface Resolvers {
  ai?: ConflictResolver | undefined;
  reimagine?: ConflictResolver | undefined;
}

/**
 * A resolver that runs a shell command in the worktree with the files appended as arguments, with
 * OV_MERGE_MODE, OV_MERGE_FILES (newline-separated), OV_MERGE_BRANCH, OV_MERGE_TARGET,
 * OV_MERGE_BRANCH_COMMIT, OV_MERGE_TARGET_COMMIT, OV_MERGE_BASE, OV_MERGE_AGENT, OV_MERGE_TASK,
 * OV_MERGE_HISTORY and OV_MERGE_REPO set. Exit 0 means it believes it resolved everything.
 */
export function commandResolver(
  command: string,
  timeoutMs: number,
  repoRoot: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
): ConflictResolver {
  return async (ctx) => {
    const env = {
      ...baseEnv,
      OV_MERGE_MODE: ctx.mode,
      OV_MERGE_FILES: ctx.files.join("\n"),
      OV_MERGE_BRANCH: ctx.branch,
      OV_MERGE_TARGET: ctx.target,
      OV_MERGE_BRANCH_COMMIT: ctx.branchCommit,
      OV_MERGE_TARGET_COMMIT: ctx.targetCommit,
      OV_MERGE_BASE: ctx.baseCommit ?? "",
      OV_MERGE_AGENT: ctx.agent ?? "",
      OV_MERGE_TASK: ctx.task ?? "",
      OV_MERGE_HISTORY: ctx.history.join("\n"),
      OV_MERGE_REPO: repoRoot,
    };
    // Like git's merge drivers, the files are appended as arguments: `<command> "$@"`.
    const res = await runShell(`${command} "$@"`, {
      cwd: ctx.worktree,
      env,
      args: ctx.files,
      timeoutMs,
      name: "ov-resolve",
    });
    if (res.timedOut) return { ok: false, reason: `resolver command timed out after ${timeoutMs} ms` };
    if (res.code !== 0)
      return {
        ok: false,
        reason: `resolver command exited ${res.code}: ${lastLine(res.stderr || res.stdout)}`,
      };
    return { ok: true };
  };
}

/** The resolvers configured for this repository (`merge.resolverCommand`); `given` ones win. */
export function configuredResolvers(
  cfg: ResolvedConfig,
  repoRoot: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  given: Resolvers = {},
): Resolvers {
  const command = cfg.str("merge.resolverCommand").trim();
  const timeout = cfg.num("merge.resolverTimeoutMs");
  const fromCommand = command ? commandResolver(command, timeout, repoRoot, baseEnv) : undefined;
  return { ai: given.ai ?? fromCommand, reimagine: given.reimagine ?? fromCommand };
}

export interface VerifyResult {
  ok: boolean;
  reason?: string;
}

/** Runs `project.verifyCommand` in the worktree; an empty command passes. */
export async function runVerify(
  cfg: ResolvedConfig,
  worktree: string,
  repoRoot: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
): Promise<VerifyResult> {
  const command = cfg.str("project.verifyCommand").trim();
  if (!command) return { ok: true };
  const timeout = cfg.num("merge.resolverTimeoutMs");
  const res = await runShell(command, {
    cwd: worktree,
    env: { ...baseEnv, OV_MERGE_REPO: repoRoot },
    timeoutMs: timeout,
    name: "ov-verify",
  });
  if (res.timedOut) return { ok: false, reason: `verify command timed out after ${timeout} ms` };
  if (res.code !== 0)
    return { ok: false, reason: `verify command exited ${res.code}: ${lastLine(res.stderr || res.stdout)}` };
  return { ok: true };
}

function lastLine(s: string): string {
  const lines = s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? "").slice(0, 200);
}
