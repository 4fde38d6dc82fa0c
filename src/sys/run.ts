import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion, capturing output; a spawn failure comes back as code 127. */
export function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {});
    child.on("error", (e) => resolve({ code: 127, stdout: "", stderr: `${cmd}: ${e.message}` }));
    child.on("close", (code, sig) =>
      resolve({
        code: code ?? (sig ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.end(opts.input ?? "");
  });
}

/** Absolute path of an executable: `bin` itself when it contains a slash, else the first hit on PATH. */
export function findExecutable(bin: string, pathVar: string | undefined, cwd = process.cwd()): string | null {
  const candidates = bin.includes("/")
    ? [isAbsolute(bin) ? bin : join(cwd, bin)]
    : (pathVar ?? "")
        .split(delimiter)
        .filter((d) => d !== "")
        .map((d) => join(d, bin));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** True when this process runs as root (Claude Code then refuses to bypass permissions outside a sandbox). */
export function runningAsRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** The Node executable running git ov (agents' helper programs run with the same one). */
export function nodeExecutable(): string {
  return process.execPath;
}

/** Keeps the event loop alive forever (a process that must hang until it is killed). */
export function holdOpenForever(): void {
  setInterval(() => {}, 2 ** 30);
}

/** Makes SIGTERM a no-op for this process, so only SIGKILL ends it (abort-escalation tests). */
export function ignoreSigterm(): void {
  process.on("SIGTERM", () => {});
}
