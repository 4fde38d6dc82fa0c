import { readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type { RepoPaths } from "../git/repo.js";

/** A section git ov reads (`[ov]`, `[ov "x"]`) or one that pulls in other files. */
const RELEVANT = /^\s*\[\s*(ov|include|includeif)\b/im;

/**
 * Whether any git config file could set an `ov.*` key. False only when every file git would read
 * is known and readable (or absent) and none has an `[ov]` section or an include; then the
 * `git config` spawn (and loading child_process at all) is skipped. When unsure, true.
 */
export function mayHaveOvKeys(repo: RepoPaths, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.GIT_CONFIG_PARAMETERS || env.GIT_CONFIG_COUNT) return true;
  return configFiles(repo, env).some((path) => {
    try {
      return RELEVANT.test(readFileSync(path, "utf8"));
    } catch (e) {
      return (e as NodeJS.ErrnoException).code !== "ENOENT";
    }
  });
}

function configFiles(repo: RepoPaths, env: Readonly<Record<string, string | undefined>>): string[] {
  const files = [join(repo.commonDir, "config"), join(repo.gitDir, "config.worktree")];
  if (!env.GIT_CONFIG_NOSYSTEM) files.push(...systemFiles(env));
  if (env.GIT_CONFIG_GLOBAL !== undefined) files.push(env.GIT_CONFIG_GLOBAL);
  else {
    const home = env.HOME ?? "";
    files.push(join(home, ".gitconfig"), join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "git", "config"));
  }
  return files.filter((f) => f !== "" && f !== "/dev/null");
}

/** `/etc/gitconfig`, and `<prefix>/etc/gitconfig` for the git found on PATH (e.g. /usr/local). */
function systemFiles(env: Readonly<Record<string, string | undefined>>): string[] {
  if (env.GIT_CONFIG_SYSTEM !== undefined) return [env.GIT_CONFIG_SYSTEM];
  const prefixes = (env.PATH ?? "")
    .split(delimiter)
    .filter((d) => d.endsWith("/bin"))
    .map(dirname);
  return ["/etc/gitconfig", ...new Set(prefixes.map((p) => join(p, "etc", "gitconfig")))];
}
