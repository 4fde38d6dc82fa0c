import { isScratch, isWithin, resolveReal } from "./paths.js";
import type { Word } from "./shell.js";
import { ALLOW, type BashContext, type GuardDecision, block } from "./types.js";

/** Programs that change files: builders and mergers may use them inside the worktree only. */
export const FILE_WRITERS = new Set([
  "rm",
  "rmdir",
  "mv",
  "cp",
  "mkdir",
  "touch",
  "chmod",
  "chown",
  "chgrp",
  "ln",
  "tee",
  "truncate",
  "install",
  "rsync",
  "dd",
  "unlink",
  "shred",
  "patch",
]);
/** Substitutes the few variables the guard knows (worktree, home…); others stay dynamic. */
export function expand(w: Word, ctx: BashContext): Word {
  if (!w.dynamic) return w;
  const text = w.text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, v: string) => ctx.ports.vars[v] ?? m);
  return { text, dynamic: text.includes("$") };
}

/** Checks that a path this command writes stays where the role may write. */
export function target(w: Word, ctx: BashContext, what: string): GuardDecision {
  const e = expand(w, ctx);
  if (
    e.text === "/dev/null" ||
    e.text.startsWith("/dev/fd/") ||
    e.text === "/dev/stdout" ||
    e.text === "/dev/stderr"
  )
    return ALLOW;
  if (e.dynamic || (ctx.cwd === undefined && !e.text.startsWith("/") && !e.text.startsWith("~")))
    return block(
      ctx.readOnly ? "read-only" : "path-boundary",
      `cannot verify where ${what} writes (${w.text}); use a literal path inside your worktree`,
    );
  const real = resolveReal(e.text, ctx.cwd ?? ctx.root, ctx.ports);
  if (isProtected(real, ctx.root))
    return block(
      "protected-file",
      `${e.text} is managed by git ov (overlay and guard files); leave it alone`,
    );
  if (isScratch(real, ctx.ports)) return ALLOW;
  if (ctx.readOnly)
    return block("read-only", `${ctx.agent.capability} agents cannot modify files: ${what} writes ${e.text}`);
  if (!isWithin(real, ctx.root))
    return block("path-boundary", `path boundary: ${what} writes ${real}, outside your worktree ${ctx.root}`);
  return ALLOW;
}

/** Overlay, guard settings and the worktree's .git link: writable by git ov only. */
export function isProtected(real: string, root: string): boolean {
  return (
    isWithin(real, `${root}/.ov`) ||
    real === `${root}/.git` ||
    isWithin(real, `${root}/.git`) ||
    real === `${root}/.claude/settings.local.json` ||
    real === `${root}/.claude/settings.json`
  );
}

/** Targets of a file-writing program: the destination for copy-like tools, every operand otherwise. */
export function writtenOperands(prog: string, args: Word[]): Word[] {
  const ops = args.filter((a) => !a.text.startsWith("-") || a.dynamic);
  if (prog === "dd")
    return args.filter((a) => a.text.startsWith("of=")).map((a) => ({ ...a, text: a.text.slice(3) }));
  if (["cp", "rsync", "install", "ln"].includes(prog)) {
    const t = args.findIndex((a) => a.text === "-t" || a.text === "--target-directory");
    return t >= 0 && args[t + 1] ? [args[t + 1]!] : ops.slice(-1);
  }
  if (["chmod", "chown", "chgrp"].includes(prog)) return ops.slice(1);
  if (prog === "patch") return [];
  return ops;
}

export function checkRm(prog: string, args: Word[], ctx: BashContext, rootOk = false): GuardDecision {
  const recursive =
    args.some((a) => a.text === "--recursive" || /^-[A-Za-z]*[rR]/.test(a.text)) || prog === "rmdir";
  if (!recursive) return ALLOW;
  for (const a of args.filter((x) => !x.text.startsWith("-"))) {
    const e = expand(a, ctx);
    if (e.dynamic)
      return block(
        "recursive-delete",
        `recursive delete of ${a.text} cannot be verified; use a literal path`,
      );
    const real = resolveReal(e.text, ctx.cwd ?? ctx.root, ctx.ports);
    if (isScratch(real, ctx.ports) && real !== "/tmp") continue;
    if (real === ctx.root && !rootOk)
      return block(
        "recursive-delete",
        `recursive delete of your whole worktree (${real}) is not allowed; delete what is inside it`,
      );
    if (!isWithin(real, ctx.root))
      return block(
        "recursive-delete",
        `recursive delete of ${real} is not allowed: only paths inside your worktree ${ctx.root}`,
      );
  }
  return ALLOW;
}

export function sedFiles(args: Word[]): Word[] {
  const ops = args.filter((a) => !a.text.startsWith("-"));
  const scripted = args.some((a) => /^(-e|--expression|-f|--file)/.test(a.text));
  return scripted ? ops : ops.slice(1);
}
