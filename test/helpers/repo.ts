import "./env.js";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CasMode } from "../../src/git/refs.js";
import type { Clock } from "../../src/sys/clock.js";
import { type Deps, openDeps } from "../../src/store/deps.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "git-ov");

export interface TempRepo {
  dir: string;
  /** Runs git in the repo synchronously; returns trimmed stdout. */
  git(...args: string[]): string;
  /** Opens in-process deps on this repo (or, with `cwd`, from a directory inside it). */
  deps(opts?: { casMode?: CasMode; clock?: Clock; cwd?: string }): Promise<Deps>;
  cleanup(): void;
}

/** A fresh repository in a temp dir; `commit: true` adds one commit on main. */
export function tempRepo(opts: { commit?: boolean; bare?: boolean } = {}): TempRepo {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ov-repo-")));
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  git("init", "-q", ...(opts.bare ? ["--bare"] : []));
  if (opts.commit && !opts.bare) {
    writeFileSync(join(dir, "README.md"), "# test\n");
    git("add", "README.md");
    git("commit", "-q", "-m", "initial");
  }
  const opened: Deps[] = [];
  return {
    dir,
    git,
    async deps({ cwd, ...o } = {}) {
      const d = await openDeps(cwd ?? dir, { ...o, env: process.env });
      opened.push(d);
      return d;
    },
    cleanup() {
      for (const d of opened) d.git.close();
      stopDetachedTurns(join(dir, ".git", "ov", "turns"));
      // A turn dispatched just now may still be starting: retry ENOTEMPTY for a moment.
      rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
}

/** Kills turns that sling or mail dispatch started in the background (runners and their runtimes). */
function stopDetachedTurns(turnsDir: string): void {
  let names: string[];
  try {
    names = readdirSync(turnsDir);
  } catch {
    return;
  }
  for (const n of names) {
    let pid: number;
    try {
      const text = readFileSync(join(turnsDir, n), "utf8");
      pid = n.endsWith(".lock")
        ? Number((JSON.parse(text) as { pid: number }).pid)
        : n.endsWith(".pid")
          ? Number(text.trim())
          : Number.NaN;
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    for (const target of n.endsWith(".pid") ? [-pid, pid] : [pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}

export interface OvRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `bin/git-ov` (the built bundle) as a separate process. */
export function runOv(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<OvRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, PATH: `${join(ROOT, "bin")}:${process.env.PATH ?? ""}`, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs git in `dir` with optional stdin; returns trimmed stdout, throws on failure. */
export function gitIn(dir: string, args: string[], input?: string): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    input: input ?? "",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

/**
 * Points `ref` at a new commit holding `files` (path → content), written with plain git only, the
 * way a careless user or a remote could push anything into refs/ov/*. Returns the commit id.
 */
export function plantDocument(dir: string, ref: string, files: Record<string, string>): string {
  const tops = new Map<string, string[]>();
  for (const [path, content] of Object.entries(files)) {
    const blob = gitIn(dir, ["hash-object", "-w", "--stdin"], content);
    const slash = path.indexOf("/");
    const top = slash < 0 ? "" : path.slice(0, slash);
    const rest = slash < 0 ? path : path.slice(slash + 1);
    tops.set(top, [...(tops.get(top) ?? []), `100644 blob ${blob}\t${rest}`]);
  }
  const rootLines = tops.get("") ?? [];
  for (const [top, lines] of tops) {
    if (top === "") continue;
    const sub = gitIn(dir, ["mktree"], `${lines.join("\n")}\n`);
    rootLines.push(`040000 tree ${sub}\t${top}`);
  }
  const tree = gitIn(dir, ["mktree"], `${rootLines.join("\n")}\n`);
  const commit = gitIn(dir, ["commit-tree", tree, "-m", "planted by a test"]);
  gitIn(dir, ["update-ref", ref, commit]);
  return commit;
}

/** `git fsck --strict` output problems (empty when clean). */
export function fsck(repo: TempRepo): string {
  try {
    execFileSync("git", ["fsck", "--strict", "--no-progress"], {
      cwd: repo.dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return "";
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ""}${err.stderr ?? ""}`;
  }
}

export { ROOT as repoRoot };
