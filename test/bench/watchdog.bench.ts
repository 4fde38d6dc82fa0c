// Benchmark: the cost of one watchdog tick (observe + decide + apply) with 10 / 100 / 500 sessions.
// Run: node --import tsx test/bench/watchdog.bench.ts   (target: 100 sessions under 250 ms)
import "../helpers/env.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { ovDir } from "../../src/git/repo.js";
import { sendMail } from "../../src/mail/send.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import { randomToken } from "../../src/sys/random.js";
import { decide } from "../../src/watchdog/decide.js";
import { observe } from "../../src/watchdog/observe.js";
import { ObserveCache } from "../../src/watchdog/snapshot.js";
import { runTick } from "../../src/watchdog/tick.js";
import type { WatchdogPolicy } from "../../src/watchdog/types.js";
import { tempRepo } from "../helpers/repo.js";

const POLICY: WatchdogPolicy = {
  staleMs: 300_000,
  zombieMs: 600_000,
  nudgeIntervalMs: 60_000,
  notifyParentOnDeath: true,
  triage: false,
  maxTriagePerTick: 3,
  sweepGraceMs: 3_600_000,
};

/** A swarm of `n` agents: one lead per five builders, a tenth in a turn, every inbox with mail. */
async function swarm(n: number) {
  const repo = tempRepo({ commit: true });
  const deps = await repo.deps();
  const ov = ovDir(deps.repo);
  mkdirSync(join(ov, "turns"), { recursive: true });
  mkdirSync(join(ov, "events"), { recursive: true });
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const lead = i % 6 === 0;
    const name = lead ? `lead-${i}` : `builder-${i}`;
    await createSession(deps, {
      v: 1,
      id: `s-${i}`,
      name,
      capability: lead ? "lead" : "builder",
      task: `t-${i}`,
      branch: `ov/${name}/t`,
      baseBranch: "main",
      worktree: repo.dir,
      runtime: "scripted",
      runtimeSessionId: null,
      parent: lead ? null : `lead-${i - (i % 6)}`,
      depth: lead ? 0 : 1,
      runId: "run-1",
      state: "booting",
      pid: null,
      turns: 1,
      idleSince: now,
      startedAt: now,
      lastActivity: now,
      escalationLevel: 0,
      stalledSince: null,
      reason: null,
    });
    await tryTransition(deps, name, "working");
    await sendMail(deps, { from: "bench", to: name, subject: "hello", body: "x" });
    writeFileSync(join(ov, "events", `${name}.ndjson`), '{"kind":"init"}\n');
    if (i % 10 === 1) {
      writeFileSync(
        join(ov, "turns", `${name}.lock`),
        JSON.stringify({
          pid: process.pid,
          host: (await import("node:os")).hostname(),
          started: Date.now(),
          token: randomToken(8),
        }),
      );
      writeFileSync(join(ov, "turns", `${name}.pid`), `${process.pid}\n`);
    }
  }
  return { repo, deps };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function main(): Promise<void> {
  const rows: string[] = [
    "| sessions | observe, cold (ms) | decide (ms) | full tick, cold (ms) | full tick, daemon cache (ms) | actions |",
    "|---:|---:|---:|---:|---:|---:|",
  ];
  for (const n of [10, 100, 500]) {
    const { repo, deps } = await swarm(n);
    try {
      const ctx = {
        deps,
        policy: POLICY,
        killGraceMs: 2000,
        dispatch: async () => {},
        dispatchOwnMail: false,
        log: () => {},
      };
      await runTick(ctx); // warm the cat-file co-process
      const obsT: number[] = [];
      const decT: number[] = [];
      const tickT: number[] = [];
      const warmT: number[] = [];
      const cache = new ObserveCache();
      let actions = 0;
      for (let i = 0; i < 7; i++) {
        let t = performance.now();
        const obs = await observe(deps, POLICY);
        obsT.push(performance.now() - t);
        t = performance.now();
        decide(obs.now, obs.sessions, obs.liveness, POLICY, obs.run);
        decT.push(performance.now() - t);
        t = performance.now();
        actions = (await runTick(ctx)).actions.length;
        tickT.push(performance.now() - t);
        t = performance.now();
        await runTick({ ...ctx, cache });
        warmT.push(performance.now() - t);
      }
      rows.push(
        `| ${n} | ${median(obsT).toFixed(1)} | ${median(decT).toFixed(2)} | ${median(tickT).toFixed(1)} | ${median(warmT.slice(1)).toFixed(1)} | ${actions} |`,
      );
    } finally {
      repo.cleanup();
    }
  }
  process.stdout.write(
    `watchdog tick (median of 7; healthy swarm, every inbox has mail, a tenth in a turn)\n${rows.join("\n")}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
