import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/** A running child in its own process group, so a kill reaches everything it started. */
export interface ChildHandle {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  onStdout(fn: (chunk: string) => void): void;
  /** Resolves when stdout has ended. */
  stdoutDone: Promise<void>;
  /** Signals the whole process group (falls back to the pid). */
  kill(sig: NodeJS.Signals): void;
}

export interface ChildSpec {
  cmd: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: string;
  /** File that receives the child's stderr. */
  stderrPath: string;
}

/** Spawns a child (detached group), writes `stdin` and closes it, tees stderr to a file. Throws when it cannot start. */
export function startChild(spec: ChildSpec): Promise<ChildHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.cmd, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let settled = false;
    child.once("error", (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    child.once("spawn", () => {
      if (settled) return;
      settled = true;
      const pid = child.pid ?? -1;
      const err = createWriteStream(spec.stderrPath, { flags: "a" });
      err.on("error", () => {
        /* diagnostics only */
      });
      child.stderr.pipe(err);
      child.stdin.on("error", () => {
        /* the child may exit without reading its input */
      });
      child.stdin.end(spec.stdin);
      child.stdout.setEncoding("utf8");
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      const stdoutDone = new Promise<void>((r) => {
        child.stdout.once("end", () => r());
        child.stdout.once("close", () => r());
      });
      resolve({
        pid,
        exited,
        stdoutDone,
        onStdout: (fn) => child.stdout.on("data", (c: string) => fn(c)),
        kill: (sig) => {
          try {
            process.kill(-pid, sig);
          } catch {
            try {
              child.kill(sig);
            } catch {
              /* already gone */
            }
          }
        },
      });
    });
  });
}
