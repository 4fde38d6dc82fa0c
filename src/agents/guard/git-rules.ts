import { resolve } from "node:path";
import { roleSpec } from "../capabilities.js";
import { checkOv } from "./ov-rules.js";
import { isWithin, resolveReal } from "./paths.js";
import type { Word } from "./shell.js";
import { ALLOW, type BashContext, type GuardDecision, block } from "./types.js";

/** git subcommands a read-only role may run (they change neither files nor refs). */
const READ_GIT = new Set([
  "status",
  "log",
  "diff",
  "show",
  "blame",
  "branch",
  "rev-parse",
  "rev-list",
  "ls-files",
  "ls-tree",
  "cat-file",
  "grep",
  "merge-base",
  "describe",
  "shortlog",
  "reflog",
  "name-rev",
  "for-each-ref",
  "show-ref",
  "remote",
  "config",
  "help",
  "version",
  "worktree",
  "stash",
  "range-diff",
  "whatchanged",
  "count-objects",
  "check-ignore",
  "var",
]);
/** Subcommands where a force flag throws away someone's work or moves a shared ref. */
const FORCE_SUBS = new Set([
  "push",
  "checkout",
  "switch",
  "branch",
  "tag",
  "worktree",
  "add",
  "mv",
  "fetch",
  "submodule",
  "pull",
]);
/** Ref and repository surgery agents never do: refs/ov and branches move only through git ov. */
const SURGERY = new Set([
  "update-ref",
  "gc",
  "prune",
  "filter-branch",
  "filter-repo",
  "replace",
  "pack-refs",
]);
const GLOBAL_WITH_VALUE = new Set(["-C", "-c", "--namespace", "--exec-path", "--config-env"]);

function hasForce(args: readonly string[]): boolean {
  return args.some(
    (a) =>
      a === "--force" ||
      a.startsWith("--force-with-lease") ||
      a === "--force-if-includes" ||
      (/^-[A-Za-z]+$/.test(a) && a.includes("f")),
  );
}

const nonFlags = (args: readonly string[]) => args.filter((a) => !a.startsWith("-"));

function ownBranch(ctx: BashContext, name: string | undefined): boolean {
  return name !== undefined && (name === ctx.agent.branch || name.startsWith(`ov/${ctx.agent.name}/`));
}

function branchEscape(ctx: BashContext, what: string): GuardDecision {
  return block(
    "branch-escape",
    `${what} is not allowed: you work only on your branch ${ctx.agent.branch} (to restore files use git checkout <rev> -- <path>)`,
  );
}

/** The value following one of `flags` (e.g. the name after -b). */
function valueAfter(args: readonly string[], flags: readonly string[]): string | undefined | null {
  const i = args.findIndex((a) => flags.includes(a));
  return i < 0 ? null : args[i + 1];
}

function checkout(args: string[], ctx: BashContext, gitCwd: string | undefined): GuardDecision {
  const created = valueAfter(args, ["-b", "-B", "--orphan"]);
  if (created !== null)
    return ownBranch(ctx, created) ? ALLOW : branchEscape(ctx, `creating branch ${created ?? "?"}`);
  if (args.includes("--detach") || args.includes("-")) return branchEscape(ctx, "detaching HEAD");
  if (args.includes("--")) return ALLOW;
  const first = nonFlags(args)[0];
  if (first === undefined || first === "." || ownBranch(ctx, first)) return ALLOW;
  if (gitCwd && ctx.ports.realpath(resolve(gitCwd, first)) !== undefined) return ALLOW;
  return branchEscape(ctx, `checking out ${first}`);
}

function switchTo(args: string[], ctx: BashContext): GuardDecision {
  const created = valueAfter(args, ["-c", "-C", "--create", "--force-create", "--orphan"]);
  if (created !== null)
    return ownBranch(ctx, created) ? ALLOW : branchEscape(ctx, `creating branch ${created ?? "?"}`);
  if (args.includes("--detach") || args.includes("-")) return branchEscape(ctx, "detaching HEAD");
  const first = nonFlags(args)[0];
  return first === undefined || ownBranch(ctx, first) ? ALLOW : branchEscape(ctx, `switching to ${first}`);
}

function branchCmd(args: string[], ctx: BashContext): GuardDecision {
  const mutating = args.some((a) => /^(-[dDmMcCf]|--delete|--move|--copy|--force)$/.test(a));
  const names = nonFlags(args);
  if (mutating && !names.every((n) => ownBranch(ctx, n)))
    return block(
      "dangerous-git",
      `deleting, renaming or forcing branches other than your own (ov/${ctx.agent.name}/…) is not allowed`,
    );
  if (ctx.readOnly) {
    const listing = args.some((a) =>
      /^(-l|--list|--contains|--no-contains|--merged|--no-merged|--points-at|-a|-r|--all|-v+)$/.test(a),
    );
    if (mutating || (names.length > 0 && !listing)) return readOnlyGit(ctx, "branch");
  }
  return ALLOW;
}

function readOnlyGit(ctx: BashContext, sub: string): GuardDecision {
  return block(
    "read-only",
    `${ctx.agent.capability} agents cannot change the repository: git ${sub} is not allowed`,
  );
}

/** Read-only variants of subcommands that also have writing forms. */
function readOnlyUse(sub: string, args: string[]): boolean {
  const n = nonFlags(args);
  switch (sub) {
    case "stash":
      return n[0] === "list" || n[0] === "show";
    case "config":
      return (
        args.some((a) => /^(--get|--get-all|--get-regexp|--list|-l)$/.test(a)) ||
        n[0] === "get" ||
        n[0] === "list"
      );
    case "remote":
      return n.length === 0 || n[0] === "show" || n[0] === "get-url";
    case "reflog":
      return n.length === 0 || n[0] === "show";
    case "worktree":
      return n[0] === "list";
    default:
      return true;
  }
}

/** Rules for one `git …` invocation (not `git ov`, which the caller handles). */
export function checkGit(words: Word[], ctx: BashContext): GuardDecision {
  let i = 1;
  let gitCwd = ctx.cwd;
  while (i < words.length && words[i]!.text.startsWith("-")) {
    const w = words[i]!.text;
    if (/^--(git-dir|work-tree)/.test(w))
      return block(
        "dangerous-git",
        "pointing git at another repository (--git-dir/--work-tree) is not allowed",
      );
    if (w === "-C") {
      const dir = words[i + 1];
      gitCwd = dir && !dir.dynamic && gitCwd ? resolveReal(dir.text, gitCwd, ctx.ports) : undefined;
    }
    i += GLOBAL_WITH_VALUE.has(w) ? 2 : 1;
  }
  const sub = words[i]?.text ?? "";
  const args = words.slice(i + 1).map((w) => w.text);
  if (sub === "ov") return checkOv(args, ctx);
  if (sub === "push")
    return block("dangerous-git", "git push is not allowed: finished branches land through the merge queue");
  if (sub === "rebase")
    return block("dangerous-git", "git rebase is not allowed: it rewrites history others may build on");
  if (sub === "reset" && args.includes("--hard"))
    return block(
      "dangerous-git",
      "git reset --hard is not allowed: it destroys uncommitted work (use git restore or git stash)",
    );
  if (FORCE_SUBS.has(sub) && hasForce(args))
    return block(
      "dangerous-git",
      `force flags on git ${sub} are not allowed: they discard work or move shared refs`,
    );
  if (SURGERY.has(sub) || (sub === "reflog" && /^(expire|delete)$/.test(nonFlags(args)[0] ?? "")))
    return block(
      "dangerous-git",
      `git ${sub} is not allowed: refs move only through git ov and ordinary commits`,
    );
  if (
    sub === "symbolic-ref" &&
    (nonFlags(args).length > 1 || args.some((a) => a === "-d" || a === "--delete"))
  )
    return block("dangerous-git", "git symbolic-ref writes are not allowed");
  if (sub === "worktree" && nonFlags(args)[0] !== "list")
    return block("dangerous-git", "git worktree changes are not allowed: git ov manages worktrees");
  if (sub === "clean" && args.some((a) => /^-[A-Za-z]*[xX]/.test(a)))
    return block(
      "protected-file",
      "git clean -x/-X is not allowed: it would delete your overlay and guard files",
    );
  if (sub === "checkout") {
    const d = checkout(args, ctx, gitCwd);
    if (!d.allow) return d;
  }
  if (sub === "switch") {
    const d = switchTo(args, ctx);
    if (!d.allow) return d;
  }
  if (sub === "branch") return branchCmd(args, ctx);
  if (ctx.readOnly) {
    const carveOut = roleSpec(ctx.agent.capability).mayCommit && (sub === "add" || sub === "commit");
    if (!carveOut && !(READ_GIT.has(sub) && readOnlyUse(sub, args))) return readOnlyGit(ctx, sub || "(none)");
    return ALLOW;
  }
  if (sub === "config" && !readOnlyUse(sub, args))
    return block(
      "dangerous-git",
      "changing git configuration is not allowed (it is shared with every worktree)",
    );
  if (gitCwd && !READ_GIT.has(sub) && !isWithin(gitCwd, ctx.root))
    return block("path-boundary", `git ${sub} outside your worktree (${gitCwd}) is not allowed`);
  return ALLOW;
}
