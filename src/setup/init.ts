import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { ensureConfig } from "../config/config.js";
import { OvError } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { type HookStatus, assertHooksInstallable, installHooks, uninstallHooks } from "./hooks.js";

/** Machine-local directories under `<git-common-dir>/ov/`. */
export const OV_SUBDIRS = ["turns", "logs", "events", "worktrees"] as const;

export interface InitResult {
  ovDir: string;
  configCreated: boolean;
  canonicalBranch: string;
  hooks: HookStatus[];
}

/**
 * Prepares a repository for git ov: machine-local `ov/` dir, refs/ov/config defaults, hook shims
 * (chained to the user's hooks). Commits nothing to user branches; idempotent.
 */
export async function initRepo(deps: Deps, selfBin: string): Promise<InitResult> {
  await assertHooksInstallable(deps.git);
  const dir = ovDir(deps.repo);
  try {
    for (const sub of OV_SUBDIRS) mkdirSync(join(dir, sub), { recursive: true });
  } catch (e) {
    throw new OvError(
      "READ_ONLY",
      `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        hint: "git ov init needs write access to the repository's .git directory",
      },
    );
  }
  const branch = await currentBranch(deps);
  const name = basename(deps.repo.topLevel ?? deps.repo.commonDir.replace(/\/\.git$/, ""));
  const configCreated = await ensureConfig(deps, { "project.canonicalBranch": branch, "project.name": name });
  const hooks = await installHooks(deps.git, selfBin);
  return { ovDir: dir, configCreated, canonicalBranch: branch, hooks };
}

export async function uninstallRepo(deps: Deps): Promise<{ restored: string[] }> {
  return { restored: await uninstallHooks(deps.git) };
}

/** The branch HEAD names (also in a repo without commits), or "main" when detached. */
export async function currentBranch(deps: Deps): Promise<string> {
  const res = await deps.git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], {
    cwd: deps.repo.cwd,
    check: false,
  });
  const b = res.stdout.trim();
  return res.code === 0 && b !== "" ? b : "main";
}
