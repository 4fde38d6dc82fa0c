// Cold-start costs of the agents issue, as ratios to `node -e 0` measured side by side:
// `git ov sling` (validation, branch, worktree, overlay, guards, session) and one `git ov guard`
// decision as Claude Code's PreToolUse hook runs it. Run: node --import tsx test/bench/agents.bench.ts
import "../helpers/env.js";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BIN, tempRepo } from "../helpers/repo.js";

interface Case {
  name: string;
  run(i: number): void;
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function must(res: ReturnType<typeof spawnSync>, what: string): void {
  if (res.status !== 0 && !(what === "guard block" && res.status === 2))
    throw new Error(`${what} exited ${res.status}: ${String(res.stderr)}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the benchmark and prints one table; returns the medians (ms) by case. */
export async function main(rounds = Number(process.env.BENCH_ROUNDS ?? 12)): Promise<Record<string, number>> {
  const repo = tempRepo({ commit: true });
  const wt = join(repo.dir, ".git", "ov", "worktrees", "bench");
  mkdirSync(wt, { recursive: true });
  const env = {
    ...process.env,
    GIT_OV_AGENT: "bench",
    GIT_OV_CAPABILITY: "builder",
    GIT_OV_WORKTREE: wt,
    GIT_OV_TASK: "t",
  };
  const hook = (tool: string, input: object) =>
    JSON.stringify({
      session_id: "s",
      hook_event_name: "PreToolUse",
      tool_name: tool,
      tool_input: input,
      cwd: wt,
    });
  const allowBash = hook("Bash", {
    command: "npm test && git add -A && git commit -m 'feat: x' > /dev/null",
  });
  const blockWrite = hook("Write", { file_path: "/etc/passwd", content: "x" });
  const cases: Case[] = [
    { name: "node -e 0", run: () => must(spawnSync(process.execPath, ["-e", "0"]), "node") },
    { name: "git ov --version", run: () => must(spawnSync(process.execPath, [BIN, "--version"]), "version") },
    {
      name: "git ov guard (allow Bash)",
      run: () =>
        must(spawnSync(process.execPath, [BIN, "guard"], { input: allowBash, env, cwd: wt }), "guard"),
    },
    {
      name: "git ov guard (block Write)",
      run: () =>
        must(spawnSync(process.execPath, [BIN, "guard"], { input: blockWrite, env, cwd: wt }), "guard block"),
    },
    {
      name: "git ov sling (cold, scripted)",
      run: (i) =>
        must(
          spawnSync(process.execPath, [BIN, "sling", `b${i}`, "--runtime", "scripted"], { cwd: repo.dir }),
          "sling",
        ),
    },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  try {
    for (const c of cases) c.run(-1); // warm the page cache once
    for (let i = 0; i < rounds; i++) for (const c of cases) times.get(c.name)!.push(timed(() => c.run(i)));
  } finally {
    repo.cleanup();
  }
  const base = median(times.get("node -e 0")!);
  const out: Record<string, number> = {};
  process.stdout.write(`agents benchmark: ${rounds} rounds, medians, interleaved\n`);
  process.stdout.write(`${"case".padEnd(32)}${"ms".padStart(9)}${"× node -e 0".padStart(14)}\n`);
  for (const [name, xs] of times) {
    out[name] = median(xs);
    process.stdout.write(
      `${name.padEnd(32)}${median(xs).toFixed(1).padStart(9)}${(median(xs) / base).toFixed(2).padStart(14)}\n`,
    );
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
