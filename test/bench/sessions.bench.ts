// Benchmark: cold `git ov status --json` with 10 / 100 / 500 agents as a ratio to `node -e 0`
// (measured side by side, interleaved), and in-process `tryTransition` p50.
// Run: node --import tsx test/bench/sessions.bench.ts   (needs a built dist/: npm run build)
import "../helpers/env.js";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { canonicalJson } from "../../src/core/json.js";
import { runRef } from "../../src/sessions/runs.js";
import { sessionRef } from "../../src/sessions/session.js";
import { readStatus } from "../../src/sessions/status.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { BIN, type TempRepo, tempRepo } from "../helpers/repo.js";
import { sessionFor } from "../sessions/fixture.js";

const SIZES = [10, 100, 500];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const TRANSITIONS = 200;

/** Writes N sessions (each with an inbox holding 2 unread messages) and a current run in one ref transaction. */
export async function seed(deps: Deps, n: number): Promise<void> {
  const o = deps.git.objects;
  const when = { name: "bench", email: "bench@git-ov", when: Date.UTC(2026, 0, 1) };
  const commitOf = (files: { path: string; body: string }[]) => {
    const dirs = new Map<string, { mode: "100644"; name: string; oid: string }[]>();
    for (const f of files) {
      const [dir, name] = f.path.includes("/") ? f.path.split("/") : ["", f.path];
      const list = dirs.get(dir!) ?? [];
      list.push({ mode: "100644", name: name!, oid: o.blob(f.body) });
      dirs.set(dir!, list);
    }
    const root = dirs.get("") ?? [];
    const entries = [
      ...root,
      ...[...dirs]
        .filter(([d]) => d !== "")
        .map(([d, l]) => ({ mode: "40000" as const, name: d, oid: o.tree(l) })),
    ];
    return o.commit(o.tree(entries), [], when, "bench seed\n");
  };
  const runId = "run-bench";
  const updates = [
    {
      ref: runRef(runId),
      next: commitOf([
        {
          path: "run.json",
          body: canonicalJson({
            v: 1,
            id: runId,
            status: "active",
            startedAt: "2026-01-01T00:00:00.000Z",
            completedAt: null,
            coordinatorName: null,
            coordinatorSessionId: null,
          }),
        },
      ]),
      prev: undefined,
    },
    {
      ref: "refs/ov/runs/current",
      next: commitOf([{ path: "current.json", body: canonicalJson({ v: 1, runId }) }]),
      prev: undefined,
    },
  ];
  for (let i = 0; i < n; i++) {
    const name = `builder-${i}`;
    const session = sessionFor(name, { runId, state: i % 3 === 0 ? "working" : "booting" });
    updates.push({
      ref: sessionRef(name),
      next: commitOf([{ path: "session.json", body: canonicalJson(session) }]),
      prev: undefined,
    });
    const mail = [0, 1].map((k) => ({
      path: `unread/msg-${i}-${k}.json`,
      body: canonicalJson({ v: 1, id: `msg-${i}-${k}` }),
    }));
    updates.push({ ref: `refs/ov/mail/${name}`, next: commitOf(mail), prev: undefined });
  }
  const res = await deps.git.refs.transact(updates);
  if (!res.ok) throw new Error(`seeding failed: ${res.reason}`);
}

function timeOnce(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString()}`);
  return ms;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) * q)]!;
}

interface Case {
  label: string;
  args: string[];
  cwd: string;
}

/** Runs every case once per round, interleaved with `node -e 0`, so load drifts hit all alike. */
function measure(cases: Case[], rounds: number): Map<string, number[]> {
  const out = new Map<string, number[]>([["node -e 0", []]]);
  for (const c of cases) timeOnce(process.execPath, c.args, c.cwd); // page cache, not the process
  for (let r = 0; r < rounds; r++) {
    out.get("node -e 0")!.push(timeOnce(process.execPath, ["-e", "0"], cases[0]!.cwd));
    for (const c of cases) {
      if (!out.has(c.label)) out.set(c.label, []);
      out.get(c.label)!.push(timeOnce(process.execPath, c.args, c.cwd));
    }
  }
  return out;
}

/** Prints the table and returns its rows. */
export async function main(): Promise<{ rows: string[][] }> {
  const repos = SIZES.map(() => tempRepo({ commit: true }));
  const empty = tempRepo({ commit: true });
  const rows: string[][] = [["case", "median ms", "ratio (median)", "ratio (min)"]];
  let warm = 0;
  try {
    for (const [i, n] of SIZES.entries()) await seed(await repos[i]!.deps(), n);
    const cases: Case[] = [
      { label: "git ov --version (no repo, no CLI framework)", args: [BIN, "--version"], cwd: empty.dir },
      {
        label: "git ov config get (floor of a repo command)",
        args: [BIN, "config", "get", "project.name"],
        cwd: empty.dir,
      },
      { label: "git ov status --json, 0 agents", args: [BIN, "status", "--json"], cwd: empty.dir },
      ...SIZES.map((n, i) => ({
        label: `git ov status --json, ${n} agents`,
        args: [BIN, "status", "--json"],
        cwd: repos[i]!.dir,
      })),
    ];
    const times = measure(cases, ROUNDS);
    warm = await warmStatusP50(repos[SIZES.indexOf(100)]!);
    const base = times.get("node -e 0")!;
    for (const [label, xs] of times) {
      const med = quantile(xs, 0.5);
      rows.push([
        label,
        med.toFixed(1),
        `${(med / quantile(base, 0.5)).toFixed(2)}x`,
        `${(quantile(xs, 0) / quantile(base, 0)).toFixed(2)}x`,
      ]);
    }
  } finally {
    for (const r of [...repos, empty]) r.cleanup();
  }
  rows.push(["readStatus in-process, warm, 100 agents, p50 (ms)", warm.toFixed(2), "", ""]);
  rows.push([
    `tryTransition in-process, p50 of ${TRANSITIONS} (ms)`,
    (await transitionP50()).toFixed(2),
    "",
    "",
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join("  ")}\n`);
  return { rows };
}

/** The status work itself, without process start: in-process reads of an already open repository. */
async function warmStatusP50(repo: TempRepo): Promise<number> {
  const deps = await repo.deps();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await readStatus(deps, {});
    times.push(performance.now() - t0);
  }
  return quantile(times.slice(5), 0.5);
}

async function transitionP50(): Promise<number> {
  const repo = tempRepo();
  try {
    const deps = await repo.deps();
    await createSession(deps, sessionFor("bench-1"));
    const times: number[] = [];
    for (let i = 0; i < TRANSITIONS; i++) {
      const t0 = performance.now();
      const res = await tryTransition(deps, "bench-1", i % 2 === 0 ? "working" : "stalled");
      times.push(performance.now() - t0);
      if (!res.ok) throw new Error("transition refused");
    }
    return quantile(times, 0.5);
  } finally {
    repo.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
