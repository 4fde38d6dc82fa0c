import type { Clock } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { type ProgressTracker, type SwarmSnapshot, snapshot } from "./progress.js";

/** What a wait condition says about a snapshot: keep waiting, done, or hopeless (with why). */
export type WaitVerdict = undefined | { done: true } | { done: false; reason: string };

export interface WaitOptions {
  clock: Clock;
  /** Absolute deadline (clock time). */
  deadline: number;
  tracker: ProgressTracker;
  log: (line: string) => void;
  /** Milliseconds since the demo started, for the progress lines' time stamps. */
  elapsed: () => number;
  pollMs?: number;
}

/**
 * Polls the swarm until `until` decides, printing progress lines as agents change state and mail
 * lands. Returns the last snapshot and whether the condition was met (false on timeout or failure).
 */
export async function waitFor(
  deps: Deps,
  until: (snap: SwarmSnapshot) => WaitVerdict,
  opts: WaitOptions,
): Promise<{ snap: SwarmSnapshot; ok: boolean; reason?: string }> {
  for (;;) {
    const snap = await snapshot(deps);
    for (const line of opts.tracker.diff(snap)) opts.log(`  ${stamp(opts.elapsed())}  ${line}`);
    const verdict = until(snap);
    if (verdict) return verdict.done ? { snap, ok: true } : { snap, ok: false, reason: verdict.reason };
    if (opts.clock.now() >= opts.deadline) return { snap, ok: false, reason: "timed out" };
    await opts.clock.sleep(opts.pollMs ?? 150);
  }
}

/** `  2.4s`: seconds since the start, right-aligned. */
export function stamp(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`.padStart(6);
}

/** Builder branches the lead slung (sessions whose parent is the lead). */
export function builderBranches(snap: SwarmSnapshot, lead: string): string[] {
  return snap.sessions.filter((s) => s.parent === lead && s.capability === "builder").map((s) => s.branch);
}

/** Done once the lead asked for every builder branch (at least two) to be merged. */
export function mergeRequested(lead: string): (snap: SwarmSnapshot) => WaitVerdict {
  return (snap) => {
    const wanted = builderBranches(snap, lead);
    const ready = new Set(
      snap.mail.filter((m) => m.from === lead && m.type === "merge_ready").map((m) => m.payload?.branch),
    );
    if (wanted.length >= 2 && wanted.every((b) => ready.has(b))) return { done: true };
    return hopeless(snap);
  };
}

/** Every agent reached a terminal state (its last turn may still be tidying up). */
function allTerminal(snap: SwarmSnapshot): boolean {
  return (
    snap.sessions.length > 0 && snap.sessions.every((s) => s.state === "completed" || s.state === "zombie")
  );
}

/** Done once every agent reached a terminal state and no turn is left running. */
export function allFinished(snap: SwarmSnapshot): WaitVerdict {
  return allTerminal(snap) && snap.busy.length === 0 ? { done: true } : undefined;
}

/** A zombie, or every agent finished while we still wait: nothing more will happen. */
function hopeless(snap: SwarmSnapshot): WaitVerdict {
  const dead = snap.sessions.filter((s) => s.state === "zombie");
  if (dead.length) return { done: false, reason: `${dead.map((s) => s.name).join(", ")} died (zombie)` };
  if (allFinished(snap))
    return { done: false, reason: "every agent finished, but the lead never asked for every merge" };
  return undefined;
}
