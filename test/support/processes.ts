import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/**
 * Pids of live processes whose working directory is `dir` or below it (Linux /proc; [] elsewhere),
 * leaving out this process's own children (e.g. the `git cat-file` readers of its Deps).
 */
export function processesIn(dir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cwd = readlinkSync(`/proc/${e}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${e}/status`, "utf8"))?.[1];
      if (Number(ppid) !== process.pid) out.push(Number(e));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
