import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { OvError } from "../core/errors.js";
import { runGit } from "../git/exec.js";
import { PROJECT_FILES } from "./project.js";

/** Environment for everything the demo runs: the caller's, minus anything that would aim git or git ov elsewhere. */
export function demoEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (
      k.startsWith("GIT_OV_") ||
      ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"].includes(k)
    )
      continue;
    out[k] = v;
  }
  return out;
}

/**
 * The scratch directory: `dir` (must be absent or empty), else a fresh temp dir. Returns its real
 * path and whether the directory itself was created here.
 */
export function scratchDir(dir: string | undefined, cwd: string): { dir: string; created: boolean } {
  if (dir === undefined)
    return { dir: realpathSync(mkdtempSync(join(tmpdir(), "git-ov-demo-"))), created: true };
  const abs = resolve(cwd, dir);
  const existed = existsSync(abs);
  if (existed && readdirSync(abs).length > 0)
    throw new OvError("USAGE", `--dir ${dir} is not empty`, {
      hint: "pass a new or empty directory, or leave --dir out to use a temp dir",
      data: { dir: abs },
    });
  mkdirSync(abs, { recursive: true });
  return { dir: realpathSync(abs), created: !existed };
}

/** Undoes `scratchDir` plus whatever was written into it: the directory, or only its contents. */
export function removeScratch(dir: string, created: boolean): void {
  if (created) rmSync(dir, { recursive: true, force: true });
  else for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * Makes `dir` a repository holding the demo project in one commit on `main`. Identity and signing
 * are set locally, so the demo works without a global git identity and never prompts.
 */
export async function createProject(dir: string): Promise<void> {
  await runGit(["init", "-q", "-b", "main"], { cwd: dir });
  for (const [k, v] of [
    ["user.name", "git ov demo"],
    ["user.email", "demo@git-ov.invalid"],
    ["commit.gpgsign", "false"],
  ] as const)
    await runGit(["config", k, v], { cwd: dir });
  for (const [path, content] of Object.entries(PROJECT_FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  await runGit(["add", "-A"], { cwd: dir });
  await runGit(["commit", "-q", "-m", "textkit: capitalize() and its test"], { cwd: dir });
}
