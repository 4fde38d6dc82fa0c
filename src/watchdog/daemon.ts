import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import type { Clock } from "../sys/clock.js";
import { isoTime } from "../sys/clock.js";
import type { TickContext } from "./apply.js";
import { policyFromConfig } from "./policy.js";
import { type TickReport, formatApplied, runTick } from "./tick.js";
import { commandTriage } from "./triage.js";

/** How the composition root wires a tick; everything else comes from config, re-read every tick. */
export interface DaemonWiring {
  deps: Deps;
  dispatch: TickContext["dispatch"];
  /** Overrides the configured triage (tests inject a fixture). */
  triage?: TickContext["triage"];
  dispatchOwnMail?: boolean;
  /** Receives every log line (the CLI prints them; they also go to `<ov>/logs/watchdog.log`). */
  echo?: (line: string) => void;
}

/** `<ov>/logs/watchdog.log`: what the watchdog did, one line per action. */
export function watchdogLogPath(deps: Deps): string {
  return join(ovDir(deps.repo), "logs", "watchdog.log");
}

/** Builds one tick's context from the current configuration. */
export async function tickContext(w: DaemonWiring): Promise<TickContext> {
  const cfg = await loadConfig(w.deps);
  const policy = policyFromConfig(cfg);
  const cwd = w.deps.repo.topLevel ?? w.deps.repo.cwd;
  const triage =
    w.triage ?? (policy.triage ? commandTriage(cfg.str("watchdog.triageCommand"), cwd) : undefined);
  const logPath = watchdogLogPath(w.deps);
  return {
    deps: w.deps,
    policy,
    killGraceMs: cfg.num("turn.killGraceMs"),
    dispatch: w.dispatch,
    ...(triage ? { triage } : {}),
    dispatchOwnMail: w.dispatchOwnMail ?? true,
    log: (line) => {
      const stamped = line.startsWith("[") ? line : `[${isoTime(w.deps.clock.now()).slice(11, 19)}] ${line}`;
      try {
        mkdirSync(join(ovDir(w.deps.repo), "logs"), { recursive: true });
        appendFileSync(logPath, `${stamped}\n`);
      } catch {
        /* the log is diagnostics only */
      }
      w.echo?.(stamped);
    },
  };
}

/** One tick with fresh configuration; every applied action is logged. */
export async function tickOnce(w: DaemonWiring): Promise<TickReport> {
  const ctx = await tickContext(w);
  const report = await runTick(ctx);
  for (const r of report.actions) ctx.log(formatApplied(report.at, r));
  for (const p of report.problems) ctx.log(`unreadable session: ${p}`);
  return report;
}

/**
 * Ticks at once, then every `intervalMs` until `signal` aborts. A failing tick is logged and the
 * loop goes on. Resolves with the number of ticks run.
 */
export async function runLoop(
  w: DaemonWiring,
  opts: { intervalMs: number; clock: Clock; signal: AbortSignal; onTick?: (r: TickReport) => void },
): Promise<number> {
  let ticks = 0;
  while (!opts.signal.aborted) {
    try {
      const report = await tickOnce(w);
      opts.onTick?.(report);
    } catch (e) {
      w.echo?.(`tick failed: ${messageOf(e)}`);
    }
    ticks++;
    await abortable(opts.clock.sleep(opts.intervalMs), opts.signal);
  }
  return ticks;
}

function abortable(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    p.then(done, done);
  });
}
