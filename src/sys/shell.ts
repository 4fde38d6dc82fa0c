import { spawn } from "node:child_process";

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `sh -c <command> <name> <args…>` (so a configured command can use "$@"), capturing output
 * (the last 64 KiB of each stream). On timeout the process group gets SIGTERM, then SIGKILL.
 */
export function runShell(
  command: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv; args?: string[]; timeoutMs: number; name?: string },
): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command, opts.name ?? "git-ov", ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    const keep = (s: string) => (s.length > 65_536 ? s.slice(-65_536) : s);
    child.stdout.on("data", (b: Buffer) => {
      stdout = keep(stdout + b.toString());
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr = keep(stderr + b.toString());
    });
    let timedOut = false;
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const timer =
      opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            kill("SIGTERM");
            setTimeout(() => kill("SIGKILL"), 2000).unref();
          }, opts.timeoutMs)
        : undefined;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${e.message}\n`, timedOut });
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? 128, stdout, stderr, timedOut });
    });
  });
}
