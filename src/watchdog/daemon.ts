import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { isoTime } from "../sys/clock.js";
import type { TickContext } from "./apply.js";
import { policyFromConfig } from "./policy.js";
import { ObserveCache } from "./snapshot.js";
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
export async function tickContext(w: DaemonWiring, cache?: ObserveCache): Promise<TickContext> {
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
    ...(cache ? { cache } : {}),
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
export async function tickOnce(w: DaemonWiring, cache?: ObserveCache): Promise<TickReport> {
  const ctx = await tickContext(w, cache);
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
  opts: {
    intervalMs: number;
    /** Waits between ticks; must return early when `signal` aborts. */
    sleep: (ms: number, signal: AbortSignal) => Promise<void>;
    signal: AbortSignal;
    onTick?: (r: TickReport) => void;
  },
): Promise<number> {
  let ticks = 0;
  const cache = new ObserveCache();
  while (!opts.signal.aborted) {
    try {
      const report = await tickOnce(w, cache);
      opts.onTick?.(report);
    } catch (e) {
      w.echo?.(`tick failed: ${messageOf(e)}`);
    }
    ticks++;
    if (!opts.signal.aborted) await opts.sleep(opts.intervalMs, opts.signal);
  }
  return ticks;
}
