import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { messageOf } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import type { Runtime, TurnRequest } from "../runtimes/types.js";
import { type Session, isTerminal, readSession } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { TurnLocks, type TurnLockHandle } from "./lock.js";
import { ackMessages, formatMailBatch, listUnread } from "./mailbox.js";
import { type TurnResult, runTurn } from "./runner.js";

/** What the engine needs from agents/runtimes/config, resolved by the composition root. */
export interface TurnEnvironment {
  runtimeFor(session: Session): Runtime;
  baseEnvFor(session: Session): Record<string, string>;
  terminalTypesFor(session: Session): readonly string[];
  config: TurnRequest["config"];
  stallMs: number;
  killGraceMs: number;
  lockTimeoutMs: number;
  echo?: (line: string) => void;
  abort?: AbortSignal;
}

/** `<ov>/turns/<agent>.pending`: "mail arrived while a turn was in flight". */
export function pendingPath(deps: Deps, agent: string): string {
  return join(ovDir(deps.repo), "turns", `${agent}.pending`);
}

export function markPending(deps: Deps, agent: string): void {
  try {
    writeFileSync(pendingPath(deps, agent), `${deps.clock.now()}\n`);
  } catch {
    /* the turns dir is created by init; a missing one means no turn can be in flight */
  }
}

/**
 * Runs turns for `agent` until nothing is left to deliver: the first with `prompt` (plus any unread
 * mail), then one per batch of mail that arrived meanwhile. Mail is acked only after a turn that
 * ran cleanly, so a crash loses nothing. A pending mark left while we held the lock is honoured
 * after release, so no wake-up is lost.
 */
export async function deliverTurns(
  deps: Deps,
  agent: string,
  env: TurnEnvironment,
  prompt?: string,
  locks?: TurnLocks,
): Promise<TurnResult[]> {
  const turnLocks = locks ?? new TurnLocks(ovDir(deps.repo), deps.clock);
  const results: TurnResult[] = [];
  let nextPrompt = prompt;
  let timeout = env.lockTimeoutMs;
  for (;;) {
    let lock: TurnLockHandle;
    try {
      lock = await turnLocks.acquire(agent, timeout, "turn");
    } catch (e) {
      if (timeout === 0) return results; // someone else took it after our release: they deliver
      throw e;
    }
    try {
      await runWhileWork(deps, agent, env, nextPrompt, results);
    } finally {
      lock.release();
    }
    nextPrompt = undefined;
    if (!existsSync(pendingPath(deps, agent))) return results;
    timeout = 0;
  }
}

async function runWhileWork(
  deps: Deps,
  agent: string,
  env: TurnEnvironment,
  prompt: string | undefined,
  results: TurnResult[],
): Promise<void> {
  let first = prompt;
  for (;;) {
    rmSync(pendingPath(deps, agent), { force: true });
    const read = await readSession(deps, agent);
    if (read.kind !== "ok" || isTerminal(read.value.state)) return;
    const session = read.value;
    const unread = await listUnread(deps, agent);
    const parts = [first, unread.length > 0 ? formatMailBatch(unread) : undefined].filter(
      (p): p is string => !!p,
    );
    if (parts.length === 0) return;
    first = undefined;
    const result = await runTurn(deps, {
      agent,
      prompt: parts.join("\n\n---\n\n"),
      runtime: env.runtimeFor(session),
      baseEnv: env.baseEnvFor(session),
      config: env.config,
      terminalTypes: env.terminalTypesFor(session),
      stallMs: env.stallMs,
      killGraceMs: env.killGraceMs,
      ...(env.abort ? { abort: env.abort } : {}),
      ...(env.echo ? { echo: env.echo } : {}),
    });
    results.push(result);
    const delivered = result.ran && (result.cleanResult || result.exitCode === 0);
    if (unread.length > 0 && delivered) {
      try {
        await ackMessages(
          deps,
          agent,
          unread.map((m) => m.id),
        );
      } catch (e) {
        env.echo?.(`[turn:warn] ${agent}: could not ack delivered mail: ${messageOf(e)}`);
      }
    }
    // A turn that could not deliver leaves its mail unread; the watchdog sweep retries later
    // instead of this loop spinning on a broken runtime.
    if (!delivered) return;
  }
}
