// Store and CLI benchmarks, measured side by side in one run (absolute figures are noisy on a shared
// machine; compare the columns). Prints: update latency per CAS path and document size, 8-writer
// throughput, and CLI cold start as a ratio to `node -e 0`.
import "../helpers/env.js";
import { spawn, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CasMode } from "../../src/git/refs.js";
import type { Deps } from "../../src/store/deps.js";
import { BIN, ROOT, type TempRepo, tempRepo } from "../helpers/repo.js";
import { ms, percentile, table, timeEach } from "./stats.js";

const REF = "refs/ov/bench/doc";
const SIZES = [100, 10_000, 50_000];
const LAYOUTS = ["sharded", "flat"] as const;
type Layout = (typeof LAYOUTS)[number];

const docId = (i: number) => `d${i.toString(16).padStart(5, "0")}`;
const docPath = (layout: Layout, id: string) =>
  layout === "flat" ? `items/${id}.json` : `items/${id.slice(-2)}/${id}.json`;

/** Writes a document of `n` files straight as objects (not n updates) and points REF at it. */
function buildDocument(deps: Deps, n: number, layout: Layout): void {
  const objects = deps.git.objects;
  const blobs = Array.from({ length: 64 }, (_, i) => objects.blob(`{\n  "n": ${i},\n  "v": 1\n}\n`));
  const shards = new Map<string, { mode: "100644"; name: string; oid: string }[]>();
  for (let i = 0; i < n; i++) {
    const id = docId(i);
    const key = layout === "flat" ? "" : id.slice(-2);
    const list = shards.get(key) ?? [];
    list.push({ mode: "100644", name: `${id}.json`, oid: blobs[i % 64]! });
    shards.set(key, list);
  }
  const items =
    layout === "flat"
      ? objects.tree(shards.get("") ?? [])
      : objects.tree([...shards].map(([name, list]) => ({ mode: "40000", name, oid: objects.tree(list) })));
  const root = objects.tree([{ mode: "40000", name: "items", oid: items }]);
  const commit = objects.commit(root, [], { name: "bench", email: "bench@git-ov", when: 0 }, "bench doc\n");
  deps.git.refs.cas(REF, commit, undefined);
}

/** Update latencies (ms) of read-modify-write on random files of an n-file document. */
async function updateLatency(
  casMode: CasMode,
  n: number,
  layout: Layout,
  samples: number,
): Promise<number[]> {
  const repo = tempRepo();
  try {
    const deps = await repo.deps({ casMode });
    buildDocument(deps, n, layout);
    let seed = 7;
    const update = async (i: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const path = docPath(layout, docId(seed % n));
      await deps.store.update(REF, async (draft) => {
        const cur = await draft.readJson(path);
        const value = cur?.ok ? (cur.value as Record<string, unknown>) : {};
        await draft.writeJson(path, { ...value, touched: i });
        return { write: { subject: `touch ${path}`, trailers: { "Ov-Op": "touch" } }, value: null };
      });
    };
    await timeEach(5, update);
    return await timeEach(samples, update);
  } finally {
    repo.cleanup();
  }
}

/** Ops/s of `writers` processes each landing `each` appends on one small document. */
async function throughput(casMode: CasMode, writers: number, each: number): Promise<number> {
  const repo = tempRepo();
  try {
    const script = join(ROOT, "test", "fixtures", "store-writer.ts");
    const children = Array.from({ length: writers }, (_, w) =>
      spawn(process.execPath, ["--import", "tsx", script, repo.dir, casMode, `w${w}`, String(each)], {
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    await Promise.all(children.map((c) => new Promise((resolve) => c.stdout.once("data", resolve))));
    const t = performance.now();
    for (const c of children) c.stdin.end("go\n");
    await Promise.all(children.map((c) => new Promise((resolve) => c.on("close", resolve))));
    return (writers * each) / ((performance.now() - t) / 1000);
  } finally {
    repo.cleanup();
  }
}

/**
 * Median wall time and median CPU time (user + sys, from bash's `times`) in ms of each command, run
 * `rounds` times interleaved. CPU time is the steadier figure on a loaded machine.
 */
function coldStarts(
  repo: TempRepo,
  commands: Record<string, string[]>,
  rounds: number,
): Map<string, { wall: number; cpu: number }> {
  const wall = new Map<string, number[]>(Object.keys(commands).map((k) => [k, []]));
  const cpu = new Map<string, number[]>(Object.keys(commands).map((k) => [k, []]));
  const script = '"$@" >/dev/null 2>&1 </dev/null; times';
  const env = { ...process.env, PATH: `${join(ROOT, "bin")}:${process.env.PATH ?? ""}` };
  for (let r = 0; r < rounds; r++) {
    for (const [name, argv] of Object.entries(commands)) {
      const t = performance.now();
      const res = spawnSync("bash", ["-c", script, "bash", ...argv], {
        cwd: repo.dir,
        encoding: "utf8",
        env,
      });
      wall.get(name)?.push(performance.now() - t);
      const children = res.stdout.trim().split("\n").pop() ?? "";
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      cpu.get(name)?.push(((secs[0] ?? 0) + (secs[1] ?? 0)) * 1000);
    }
  }
  return new Map(
    Object.keys(commands).map((k) => [
      k,
      { wall: percentile(wall.get(k) ?? [], 50), cpu: percentile(cpu.get(k) ?? [], 50) },
    ]),
  );
}

async function main(): Promise<void> {
  const quick = process.env.OV_BENCH_QUICK === "1";
  // OV_BENCH_SECTIONS=latency,throughput,cold picks sections (default: all).
  const sections = (process.env.OV_BENCH_SECTIONS ?? "latency,throughput,cold").split(",");
  process.stdout.write(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (2-core machine: >2 is contended)\n\n`,
  );
  if (sections.includes("latency")) await latencySection(quick);
  if (sections.includes("throughput")) await throughputSection(quick);
  if (sections.includes("cold")) coldSection(quick);
}

async function latencySection(quick: boolean): Promise<void> {
  process.stdout.write(
    "Update latency, ms (read one file, write it back, CAS), random files of one document\n",
  );
  const rows: string[][] = [];
  for (const layout of LAYOUTS) {
    for (const n of SIZES) {
      const samples = quick ? 20 : layout === "flat" && n >= 10_000 ? 40 : 150;
      const fast = await updateLatency("fast", n, layout, samples);
      const git = await updateLatency("git", n, layout, samples);
      rows.push([
        layout,
        String(n),
        ms(percentile(fast, 50)),
        ms(percentile(fast, 95)),
        ms(percentile(git, 50)),
        ms(percentile(git, 95)),
        (percentile(git, 50) / percentile(fast, 50)).toFixed(1),
      ]);
    }
  }
  table(["layout", "docs", "fast p50", "fast p95", "git p50", "git p95", "git/fast"], rows);
}

async function throughputSection(quick: boolean): Promise<void> {
  const each = quick ? 15 : 50;
  process.stdout.write(`\nThroughput: 8 writer processes x ${each} appends to one document\n`);
  const fastOps = await throughput("fast", 8, each);
  const gitOps = await throughput("git", 8, each);
  table(
    ["path", "ops/s"],
    [
      ["fast", fastOps.toFixed(0)],
      ["git", gitOps.toFixed(0)],
      ["fast/git", (fastOps / gitOps).toFixed(1)],
    ],
  );
}

/**
 * Instructions executed (valgrind callgrind "I refs"), which unlike time do not depend on the
 * machine's load. Only the node process itself is counted, not the processes it starts.
 */
function instructions(repo: TempRepo, argv: string[]): number {
  const res = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", ...argv], {
    cwd: repo.dir,
    encoding: "utf8",
  });
  return Number(/I\s+refs:\s+([\d,]+)/.exec(res.stderr)?.[1]?.replace(/,/g, "") ?? Number.NaN);
}

function instructionSection(repo: TempRepo): void {
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    process.stdout.write("\n(valgrind not found: no instruction counts)\n");
    return;
  }
  process.stdout.write("\nCold start, instructions executed (callgrind; independent of load)\n");
  const runs: [string, string[]][] = [
    ["node -e 0", [process.execPath, "-e", "0"]],
    ["git ov --version", [process.execPath, BIN, "--version"]],
    ["git ov config get project.name", [process.execPath, BIN, "config", "get", "project.name"]],
  ];
  const counts = runs.map(([name, argv]) => [name, instructions(repo, argv)] as const);
  const base = counts[0]?.[1] ?? Number.NaN;
  table(
    ["command", "M instructions", "x node"],
    counts.map(([name, n]) => [name, (n / 1e6).toFixed(0), (n / base).toFixed(2)]),
  );
}

function coldSection(quick: boolean): void {
  process.stdout.write("\nCold start, medians (bin/git-ov run directly, in an initialised repo)\n");
  const repo = tempRepo();
  try {
    spawnSync(BIN, ["init"], { cwd: repo.dir, stdio: "ignore" });
    const cold = coldStarts(
      repo,
      {
        "node -e 0": [process.execPath, "-e", "0"],
        "git ov --version": [BIN, "--version"],
        "git ov config get project.name": [BIN, "config", "get", "project.name"],
        "git ov config get x (bad key)": [BIN, "config", "get", "x"],
        "git ov --version (via git)": ["git", "ov", "--version"],
      },
      quick ? 5 : 15,
    );
    const base = cold.get("node -e 0") ?? { wall: Number.NaN, cpu: Number.NaN };
    table(
      ["command", "wall ms", "x node", "+ms", "cpu ms", "x node", "+ms"],
      [...cold].map(([k, v]) => [
        k,
        ms(v.wall),
        (v.wall / base.wall).toFixed(2),
        ms(v.wall - base.wall),
        ms(v.cpu),
        (v.cpu / base.cpu).toFixed(2),
        ms(v.cpu - base.cpu),
      ]),
    );
    // Slow (about 20 s per command): OV_BENCH_IR=1 to include.
    if (process.env.OV_BENCH_IR === "1") instructionSection(repo);
  } finally {
    repo.cleanup();
  }
}

await main();
