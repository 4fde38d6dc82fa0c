// Benchmark: cold `git ov merge --all` for 1 and 20 clean queued branches (target checked out, so each
// merge also fast-forwards the worktree), and a cold `--dry-run` of 20, beside `node -e 0`.
// Run: node --import tsx test/bench/merge.bench.ts   (needs a built dist/: npm run build)
import "../helpers/env.js";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { enqueue } from "../../src/merge/queue.js";
import type { Deps } from "../../src/store/deps.js";
import { BIN, type TempRepo, tempRepo } from "../helpers/repo.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** N agent branches off main, each adding its own file, all queued (objects and refs written in-process). */
async function seed(repo: TempRepo, deps: Deps, n: number): Promise<void> {
  const main = repo.git("rev-parse", "main");
  const base = await deps.git.readTree(await deps.git.commitTree(main));
  const o = deps.git.objects;
  for (let i = 0; i < n; i++) {
    const tree = o.tree([
      ...base,
      { mode: "100644", name: `agent-${i}.txt`, oid: o.blob(`work of agent ${i}\n`) },
    ]);
    const sig = { name: "bench", email: "bench@git-ov", when: Date.UTC(2026, 0, 1) };
    const commit = o.commit(tree, [main], sig, `agent ${i}\n`);
    const branch = `ov/builder-${i}/task-${i}`;
    const res = await deps.git.refs.transact([
      { ref: `refs/heads/${branch}`, next: commit, prev: undefined },
    ]);
    if (!res.ok) throw new Error(`seeding ${branch} failed`);
    await enqueue(deps, { branch, agent: `builder-${i}`, task: `task-${i}`, source: "cli" });
  }
}

function timeOnce(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(args[0]!, args.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One fresh repository per measurement: a merge consumes its queue. */
async function measure(n: number, args: string[]): Promise<number> {
  const repo = tempRepo({ commit: true });
  try {
    timeOnce([process.execPath, BIN, "init"], repo.dir);
    await seed(repo, await repo.deps(), n);
    const ms = timeOnce([process.execPath, BIN, ...args], repo.dir);
    if (args.includes("--all") && !args.includes("--dry-run")) {
      const merges = repo.git("rev-list", "--count", "--merges", "main");
      if (merges !== String(n)) throw new Error(`expected ${n} merges, found ${merges}`);
    }
    return ms;
  } finally {
    repo.cleanup();
  }
}

/** Prints the table and returns its rows. */
export async function main(): Promise<{ rows: string[][] }> {
  const cases: [string, number, string[]][] = [
    ["git ov merge --all, 1 clean branch", 1, ["merge", "--all"]],
    ["git ov merge --all, 20 clean branches", 20, ["merge", "--all"]],
    ["git ov merge --all --dry-run, 20 branches", 20, ["merge", "--all", "--dry-run"]],
  ];
  const rows: string[][] = [["case", "median ms", "per branch ms", "node -e 0 ms", "ratio"]];
  for (const [label, n, args] of cases) {
    const ov: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      base.push(timeOnce([process.execPath, "-e", "0"], process.cwd()));
      ov.push(await measure(n, args));
    }
    const m = median(ov);
    const b = median(base);
    rows.push([label, m.toFixed(0), (m / n).toFixed(1), b.toFixed(0), `${(m / b).toFixed(1)}x`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join("  ")}\n`);
  return { rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
