import type { Clock } from "../sys/clock.js";
import { jitter } from "../sys/random.js";

/** Retry limits of the store; see docs/data-model.md ("Retry"). */
export interface RetryLimits {
  /** Give up when no write to the contended refs has landed (by anyone) for this long. */
  stallMs: number;
  /** Give up after this long in total, even while other writers keep landing theirs. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryLimits = { stallMs: 5000, maxWaitMs: 60_000 };

/** Smallest and largest cap of one backoff sleep (ms). */
const BASE_CAP_MS = 64;
const MAX_CAP_MS = 1000;

/**
 * The retry policy of a compare-and-set loop: full jitter, sleep `random(0, min(cap, 2^attempt))` ms,
 * where cap is 64 ms, or twice the last attempt's duration when attempts are slow (a loaded machine:
 * retrying faster than an attempt takes only collides again). A change of the refs' tips between
 * attempts is progress by some other writer; the loop gives up after `stallMs` without progress (a
 * stuck lock) or after `maxWaitMs` in total (starved by other writers).
 */
export class Backoff {
  private readonly started: number;
  private lastProgress: number;
  private lastTips: string | undefined;
  private attemptStarted: number;

  constructor(
    private readonly clock: Clock,
    private readonly limits: RetryLimits,
  ) {
    this.started = clock.now();
    this.lastProgress = this.started;
    this.attemptStarted = this.started;
  }

  /** Marks the start of an attempt. */
  begin(): void {
    this.attemptStarted = this.clock.now();
  }

  /** Records the tips an attempt read (joined into one key); a change is someone's progress. */
  observe(tips: string): void {
    if (this.lastTips !== undefined && tips !== this.lastTips) this.lastProgress = this.clock.now();
    this.lastTips = tips;
  }

  /** After a lost attempt: how long to sleep before the next, or why to stop. */
  next(attempt: number): { sleepMs: number } | { giveUp: "stalled" | "starved" } {
    const now = this.clock.now();
    if (now - this.lastProgress > this.limits.stallMs) return { giveUp: "stalled" };
    if (now - this.started > this.limits.maxWaitMs) return { giveUp: "starved" };
    const cap = Math.min(MAX_CAP_MS, Math.max(BASE_CAP_MS, 2 * (now - this.attemptStarted)));
    return { sleepMs: jitter(Math.min(cap, 2 ** attempt)) };
  }
}
