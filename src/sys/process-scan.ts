import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/** One running process as seen in /proc. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: string[];
  /** Working directory, or null when it cannot be read (another user's process). */
  cwd: string | null;
}

/** Every process this user can see (Linux /proc; an empty list elsewhere). Never throws. */
export function listProcesses(): ProcessInfo[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcessInfo[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info) out.push(info);
  }
  return out;
}

function readProcess(pid: number): ProcessInfo | undefined {
  let argv: string[];
  let ppid = 0;
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .filter((a) => a.length > 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined; // exited while we looked
  }
  if (argv.length === 0) return undefined; // kernel thread or zombie
  let cwd: string | null = null;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    /* not ours to read */
  }
  return { pid, ppid, argv, cwd };
}
