import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, resolve, sep } from "node:path";

/** The little the guard needs from the machine, injectable for tests. */
export interface GuardPorts {
  /** Canonical path (symlinks resolved), or undefined when it does not exist. */
  realpath(path: string): string | undefined;
  home: string;
  /** Scratch directories any role may write to. */
  tmpDirs: readonly string[];
  /** Variables the guard may expand in shell words (HOME, GIT_OV_WORKTREE, …). */
  vars: Readonly<Record<string, string>>;
}

export function nodePorts(env: Readonly<Record<string, string | undefined>>): GuardPorts {
  const realpath = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const tmps = ["/tmp", "/var/tmp", tmpdir()].map((t) => realpath(t) ?? t);
  const vars: Record<string, string> = {};
  for (const k of [
    "HOME",
    "TMPDIR",
    "GIT_OV_WORKTREE",
    "GIT_OV_ROOT",
    "GIT_OV_AGENT",
    "GIT_OV_TASK",
    "GIT_OV_BRANCH",
  ]) {
    const v = env[k];
    if (v) vars[k] = v;
  }
  return { realpath, home: env.HOME ?? "/nonexistent-home", tmpDirs: [...new Set(tmps)], vars };
}

/**
 * Absolute, symlink-free form of `path` as the shell would see it from `cwd`: `~` expands to HOME,
 * `..` is folded, and the longest existing prefix is canonicalised (the rest may not exist yet).
 */
export function resolveReal(path: string, cwd: string, ports: GuardPorts): string {
  const expanded = path === "~" ? ports.home : path.startsWith("~/") ? ports.home + path.slice(1) : path;
  let abs = isAbsolute(expanded) ? resolve(expanded) : resolve(cwd, expanded);
  const tail: string[] = [];
  for (;;) {
    const real = ports.realpath(abs);
    if (real !== undefined) return tail.length ? resolve(real, ...tail.reverse()) : real;
    const parent = dirname(abs);
    if (parent === abs) return resolve(abs, ...tail.reverse());
    tail.push(basename(abs));
    abs = parent;
  }
}

/** True when `path` is `root` or inside it (both already canonical). */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Paths every role may write regardless of its worktree. */
export function isScratch(path: string, ports: GuardPorts): boolean {
  if (path === "/dev/null" || path === "/dev/stdout" || path === "/dev/stderr" || path.startsWith("/dev/fd/"))
    return true;
  return ports.tmpDirs.some((t) => isWithin(path, t));
}
