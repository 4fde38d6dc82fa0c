import { childProcess } from "../sys/builtins.js";
import { OvError } from "../core/errors.js";

/** Variables a hook or an outer git sets that would redirect our git calls to the wrong repository. */
const STRIP = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_PREFIX",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_QUARANTINE_PATH",
];

/** Marks git processes started by git ov, so our own hook shims skip work that git ov already did. */
export const INTERNAL_ENV = "GIT_OV_INTERNAL";

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of STRIP) delete env[k];
  env.GIT_TERMINAL_PROMPT = "0";
  return { ...env, ...extra };
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitRunOptions {
  cwd: string;
  input?: string | Buffer;
  env?: Record<string, string>;
  /** When false, a non-zero exit is returned instead of thrown. */
  check?: boolean;
}

/** Runs one git command; throws GIT_FAILED with argv, exit code and stderr unless `check: false`. */
export function runGit(args: readonly string[], opts: GitRunOptions): Promise<GitResult> {
  return startGit(args, opts).finish(opts.input ?? "");
}

/** A git process already started, waiting for its standard input. */
export interface StartedGit {
  /** Writes `input`, closes stdin and resolves when git exits (rejects as `runGit` does). */
  finish(input: string | Buffer): Promise<GitResult>;
}

/**
 * Starts git now and sends its input later, so git's start-up (exec, config, repository discovery)
 * overlaps with the caller's own work. `finish` must be called exactly once.
 */
export function startGit(args: readonly string[], opts: Omit<GitRunOptions, "input">): StartedGit {
  const child = childProcess().spawn("git", args, {
    cwd: opts.cwd,
    env: gitEnv(opts.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => err.push(b));
  child.stdin.on("error", () => {
    /* git may exit before reading all input; the exit code tells the story */
  });
  const done = new Promise<GitResult>((resolve, reject) => {
    child.on("error", (e) =>
      reject(
        new OvError("GIT_FAILED", `cannot run git: ${e.message}`, {
          hint: "install git >= 2.38 and make sure it is on PATH",
          cause: e,
        }),
      ),
    );
    child.on("close", (code) => {
      const res = {
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? 128,
      };
      if (res.code !== 0 && opts.check !== false) reject(gitFailed(args, res));
      else resolve(res);
    });
  });
  return {
    finish(input) {
      child.stdin.end(input);
      return done;
    },
  };
}

function gitFailed(args: readonly string[], res: GitResult): OvError {
  return new OvError(
    "GIT_FAILED",
    `git ${args.join(" ")} failed: ${firstLine(res.stderr) || `exit ${res.code}`}`,
    {
      data: { argv: ["git", ...args], exit: res.code, stderr: res.stderr },
    },
  );
}

export function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ""
  );
}
