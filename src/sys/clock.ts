import { setTimeout as sleepTimer } from "node:timers/promises";

/** Time as a port, so deciders and tests can use a manual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => sleepTimer(ms).then(() => undefined),
};

/** A clock tests advance by hand; `sleep` resolves when `advance` passes its deadline. */
export class ManualClock implements Clock {
  private t: number;
  private waiters: { at: number; resolve: () => void }[] = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ at: this.t + ms, resolve }));
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.waiters.filter((w) => w.at <= this.t);
    this.waiters = this.waiters.filter((w) => w.at > this.t);
    for (const w of due) w.resolve();
  }
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A real sleep that ends early (without error) when `signal` aborts, leaving no timer behind. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return sleepTimer(ms, undefined, { signal }).then(
    () => undefined,
    () => undefined,
  );
}
