import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { isAbsolute, join } from "node:path";
import { OvError } from "../core/errors.js";
import type { Git } from "../git/git.js";
import { packageRoot } from "./package-root.js";

/** The marker line that identifies a hook file as ours. */
export const SHIM_MARKER = "git-ov-shim";
export const USER_SUFFIX = ".ov-user";

export type HookState = "installed" | "outdated" | "missing" | "foreign";

export interface HookStatus {
  name: string;
  path: string;
  state: HookState;
  /** A user hook that ours runs first. */
  chained: boolean;
}

/** Names of the shims shipped in the package's hooks/ directory. */
export function shippedHooks(): string[] {
  return readdirSync(join(packageRoot(), "hooks"))
    .filter((n) => !n.startsWith("."))
    .sort();
}

/** The hooks directory git really uses (honours core.hooksPath; shared by linked worktrees). */
export async function hooksDir(git: Git): Promise<string> {
  const res = await git.run(["rev-parse", "--git-path", "hooks"], { cwd: git.repo.cwd });
  const p = res.stdout.trim();
  return isAbsolute(p) ? p : join(git.repo.cwd, p);
}

function shimText(name: string, selfBin: string): string {
  const text = readFileSync(join(packageRoot(), "hooks", name), "utf8");
  const quoted = `'${selfBin.replace(/'/g, "'\\''")}'`;
  return text.replace("GIT_OV_BIN=${GIT_OV_BIN:-git-ov}", `GIT_OV_BIN=\${GIT_OV_BIN:-${quoted}}`);
}

function isOurs(path: string): boolean {
  try {
    return readFileSync(path, "utf8").includes(SHIM_MARKER);
  } catch {
    return false;
  }
}

/** Reports each shipped hook as installed, outdated (ours, other text), missing or foreign. */
export async function hookStatus(git: Git, selfBin: string): Promise<HookStatus[]> {
  const dir = await hooksDir(git);
  return shippedHooks().map((name) => {
    const path = join(dir, name);
    const chained = existsSync(path + USER_SUFFIX);
    if (!existsSync(path)) return { name, path, state: "missing", chained };
    if (!isOurs(path)) return { name, path, state: "foreign", chained };
    const same = readFileSync(path, "utf8") === shimText(name, selfBin);
    return { name, path, state: same ? "installed" : "outdated", chained };
  });
}

/**
 * Throws ALREADY_EXISTS when a shim cannot be installed without losing a user's hook (both
 * `<name>` and `<name>.ov-user` exist and `<name>` is not ours). Writes nothing.
 */
export async function assertHooksInstallable(git: Git): Promise<void> {
  const dir = await hooksDir(git);
  for (const name of shippedHooks()) {
    const path = join(dir, name);
    if (existsSync(path) && !isOurs(path) && existsSync(path + USER_SUFFIX)) {
      throw new OvError("ALREADY_EXISTS", `both ${path} and ${path}${USER_SUFFIX} exist`, {
        data: { path },
        hint: `merge ${name}${USER_SUFFIX} into ${name} by hand (git ov runs ${name}${USER_SUFFIX} before its own), remove it, then run git ov init again`,
      });
    }
  }
}

/**
 * Installs every shim. A user's existing hook is moved aside to `<name>.ov-user` and run by the
 * shim first (chained), never overwritten. Idempotent; checks every hook before changing any.
 */
export async function installHooks(git: Git, selfBin: string): Promise<HookStatus[]> {
  await assertHooksInstallable(git);
  const dir = await hooksDir(git);
  try {
    mkdirSync(dir, { recursive: true });
    for (const name of shippedHooks()) {
      const path = join(dir, name);
      const text = shimText(name, selfBin);
      if (existsSync(path) && !isOurs(path)) renameSync(path, path + USER_SUFFIX);
      else if (existsSync(path) && readFileSync(path, "utf8") === text) continue;
      writeFileSync(path, text, { mode: 0o755 });
      chmodSync(path, 0o755);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
      throw new OvError("READ_ONLY", `cannot write hooks in ${dir}: ${code}`, {
        hint: "git ov init needs write access to the hooks directory",
      });
    }
    throw e;
  }
  return hookStatus(git, selfBin);
}

/** Removes our shims and puts the user's hooks back exactly as they were. */
export async function uninstallHooks(git: Git): Promise<string[]> {
  const dir = await hooksDir(git);
  const restored: string[] = [];
  for (const name of shippedHooks()) {
    const path = join(dir, name);
    if (existsSync(path) && isOurs(path)) {
      rmSync(path);
      if (existsSync(path + USER_SUFFIX)) {
        renameSync(path + USER_SUFFIX, path);
        restored.push(name);
      }
    }
  }
  return restored;
}
