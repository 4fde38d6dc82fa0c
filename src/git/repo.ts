import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OvError } from "../core/errors.js";
import { discoverInProcess } from "./discover.js";
import { runGit } from "./exec.js";

/** Where a repository's parts are, resolved once per process. */
export interface RepoPaths {
  /** The directory commands were started from. */
  cwd: string;
  /** This worktree's git dir (differs from commonDir in a linked worktree). */
  gitDir: string;
  /** Shared git dir: objects, refs/ov, and machine-local `ov/` state live here. */
  commonDir: string;
  /** Top of the working tree, or undefined in a bare repository. */
  topLevel: string | undefined;
  /** True when refs are stored as reftable (in-process CAS is disabled then). */
  reftable: boolean;
  /** Object hash: in-process object writes support sha1 only. */
  objectFormat: "sha1" | "sha256";
}

/** Finds the repository containing `cwd`; throws NOT_A_REPO with the fix. */
export async function discoverRepo(cwd: string): Promise<RepoPaths> {
  return discoverInProcess(cwd, process.env) ?? discoverRepoWithGit(cwd);
}

/** Finds the repository containing `cwd` by asking `git rev-parse` (the authority). */
export async function discoverRepoWithGit(cwd: string): Promise<RepoPaths> {
  const res = await runGit(
    [
      "rev-parse",
      "--path-format=absolute",
      "--git-dir",
      "--git-common-dir",
      "--is-bare-repository",
      "--show-toplevel",
    ],
    { cwd, check: false },
  );
  const lines = res.stdout.split("\n");
  if (lines.length < 3 || lines[0] === "" || (res.code !== 0 && lines.length < 4)) {
    if (/not a git repository/i.test(res.stderr) || res.code !== 0) {
      throw new OvError("NOT_A_REPO", `not a git repository: ${cwd}`, {
        hint: "run git ov inside a git repository (git init first), or pass -C <path>",
        data: { cwd },
      });
    }
  }
  const gitDir = lines[0] ?? "";
  const commonDir = lines[1] ?? gitDir;
  const bare = lines[2] === "true";
  const top = res.code === 0 && !bare ? lines[3] : undefined;
  const config = readConfigText(commonDir);
  return {
    cwd,
    gitDir,
    commonDir,
    topLevel: top === undefined || top === "" ? undefined : top,
    reftable: /refstorage\s*=\s*reftable/i.test(config),
    objectFormat: /objectformat\s*=\s*sha256/i.test(config) ? "sha256" : "sha1",
  };
}

function readConfigText(commonDir: string): string {
  try {
    return readFileSync(join(commonDir, "config"), "utf8");
  } catch {
    return "";
  }
}

/** Machine-local git ov state: `<git-common-dir>/ov`. */
export function ovDir(repo: RepoPaths): string {
  return join(repo.commonDir, "ov");
}
