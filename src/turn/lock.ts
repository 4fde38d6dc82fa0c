import { join } from "node:path";
import { OvError } from "../core/errors.js";
import { type LeaseHolder, readLease, releaseLease, tryAcquireLease } from "../sys/lease.js";
import type { Clock } from "../sys/clock.js";
import { isoTime } from "../sys/clock.js";

/** A held turn lock; `release()` is idempotent. */
export interface TurnLockHandle {
  agent: string;
  holder: LeaseHolder;
  release(): void;
}

/** `<git-common-dir>/ov/turns/<agent>.lock`: the cross-process turn lease. */
export function turnLockPath(ovDir: string, agent: string): string {
  return join(ovDir, "turns", `${agent}.lock`);
}

export function turnPidPath(ovDir: string, agent: string): string {
  return join(ovDir, "turns", `${agent}.pid`);
}

/**
 * Per-agent turn lock: an in-process FIFO (callers in one process queue in order) plus a
 * cross-process lease file (O_EXCL create; a dead holder's lease is taken over). One instance per
 * process; different agents never contend.
 */
export class TurnLocks {
  private readonly tails = new Map<string, Promise<void>>();
  constructor(
    private readonly ovDir: string,
    private readonly clock: Clock,
    private readonly pollMs = 50,
  ) {}

  /** Waits up to `timeoutMs` for the agent's turn lock; throws TURN naming the holder on timeout. */
  async acquire(agent: string, timeoutMs: number, purpose?: string): Promise<TurnLockHandle> {
    const prev = this.tails.get(agent) ?? Promise.resolve();
    let releaseLocal!: () => void;
    const mine = new Promise<void>((r) => {
      releaseLocal = r;
    });
    const tail = prev.then(() => mine);
    this.tails.set(agent, tail);
    const deadline = this.clock.now() + timeoutMs;
    try {
      await prev;
      const path = turnLockPath(this.ovDir, agent);
      for (;;) {
        const res = tryAcquireLease(path, this.clock.now(), purpose);
        if (res.ok) return this.handle(agent, path, res.holder, releaseLocal, tail);
        if (this.clock.now() >= deadline) {
          const h = res.holder;
          throw new OvError(
            "LOCKED",
            `agent '${agent}' is busy: its turn lock is held${h ? ` by pid ${h.pid} on ${h.host} since ${isoTime(h.started)}` : ""}`,
            {
              data: { agent, holder: h ?? null, lockPath: path },
              hint: h
                ? "wait for the turn to finish, or `git ov stop` the agent"
                : `if no turn is running, remove ${path}`,
            },
          );
        }
        await this.clock.sleep(this.pollMs);
      }
    } catch (e) {
      releaseLocal();
      if (this.tails.get(agent) === tail) this.tails.delete(agent);
      throw e;
    }
  }

  /** Non-blocking probe: who holds the agent's lease now (undefined when free or unreadable). */
  holder(agent: string): LeaseHolder | undefined {
    return readLease(turnLockPath(this.ovDir, agent));
  }

  private handle(
    agent: string,
    path: string,
    holder: LeaseHolder,
    releaseLocal: () => void,
    tail: Promise<void>,
  ): TurnLockHandle {
    let released = false;
    return {
      agent,
      holder,
      release: () => {
        if (released) return;
        released = true;
        releaseLease(path, holder);
        releaseLocal();
        if (this.tails.get(agent) === tail) this.tails.delete(agent);
      },
    };
  }
}
