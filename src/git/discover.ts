import { lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { RepoPaths } from "./repo.js";

/**
 * Finds the repository containing `cwd` without starting git (saves a spawn on every command), for
 * the ordinary layouts only: a `.git` directory, or the `.git` file of a linked worktree. Whenever
 * anything is unusual — ceiling directories, a filesystem boundary, a bare repository or a cwd
 * inside `.git`, a repository owned by another user (safe.directory), `core.worktree` — it returns
 * undefined and the caller asks `git rev-parse`, which is the authority (and words the errors).
 */
export function discoverInProcess(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): RepoPaths | undefined {
  if (env.GIT_CEILING_DIRECTORIES || env.GIT_DISCOVERY_ACROSS_FILESYSTEM) return undefined;
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  const device = statSync(dir).dev;
  for (;;) {
    if (isGitDir(dir)) return undefined; // bare, or inside a .git directory
    const gitDir = dotGit(dir);
    if (gitDir === "unusual") return undefined;
    if (gitDir) return describe(cwd, gitDir, dir);
    const parent = dirname(dir);
    if (parent === dir || statSync(parent).dev !== device) return undefined;
    dir = parent;
  }
}

/** The git dir that `<dir>/.git` names, undefined when there is none, "unusual" when unsure. */
function dotGit(dir: string): string | "unusual" | undefined {
  const path = join(dir, ".git");
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return isGitDir(path) ? path : "unusual";
  if (!st.isFile()) return "unusual";
  const m = /^gitdir: (.+)$/m.exec(readFileSync(path, "utf8"));
  if (!m?.[1]) return "unusual";
  const target = resolve(dir, m[1].trim());
  try {
    const real = realpathSync(target);
    return isGitDir(real) ? real : "unusual";
  } catch {
    return "unusual";
  }
}

function describe(cwd: string, gitDir: string, topLevel: string): RepoPaths | undefined {
  const commonDir = commonDirOf(gitDir);
  if (!commonDir) return undefined;
  const config = readText(join(commonDir, "config"));
  // core.worktree, bare = true and per-worktree config change what the work tree is: ask git.
  if (/^\s*(worktree\s*=|bare\s*=\s*true|worktreeconfig\s*=\s*true)/im.test(config)) return undefined;
  // git refuses repositories owned by someone else unless safe.directory says otherwise.
  const uid = process.getuid?.();
  if (uid !== undefined && (statSync(gitDir).uid !== uid || statSync(topLevel).uid !== uid)) return undefined;
  return {
    cwd,
    gitDir,
    commonDir,
    topLevel,
    reftable: /refstorage\s*=\s*reftable/i.test(config),
    objectFormat: /objectformat\s*=\s*sha256/i.test(config) ? "sha256" : "sha1",
  };
}

function isGitDir(dir: string): boolean {
  const common = commonDirOf(dir);
  return (
    common !== undefined &&
    isFile(join(dir, "HEAD")) &&
    isDir(join(common, "objects")) &&
    isDir(join(common, "refs"))
  );
}

/** `<gitDir>/commondir` resolved (linked worktrees), else the git dir itself. */
function commonDirOf(gitDir: string): string | undefined {
  const text = readText(join(gitDir, "commondir")).trim();
  if (text === "") return gitDir;
  try {
    return realpathSync(isAbsolute(text) ? text : join(gitDir, text));
  } catch {
    return undefined;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
