import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ovDir } from "../../src/git/repo.js";
import type { Message } from "../../src/mail/types.js";
import type { Session, SessionState } from "../../src/sessions/session.js";
import { readSession } from "../../src/sessions/session.js";
import { createSession, tryTransition, updateSession } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { ManualClock, systemClock } from "../../src/sys/clock.js";
import { readPidFile } from "../../src/sys/pid-file.js";
import { signal } from "../../src/sys/process.js";
import type { TickContext } from "../../src/watchdog/apply.js";
import type { WatchdogPolicy } from "../../src/watchdog/types.js";
import { ROOT, type TempRepo, tempRepo } from "../helpers/repo.js";

export const FIXTURES = join(ROOT, "test", "fixtures", "watchdog");

/** Manual "now" for the watchdog's decisions, real sleeps for store retries and lock polls. */
export class TestClock extends ManualClock {
  constructor() {
    super(systemClock.now());
  }
  override sleep(ms: number): Promise<void> {
    return systemClock.sleep(ms);
  }
  /** Moves `ms` past the later of now and real time, so fs mtimes and process start times stay in the past. */
  override advance(ms: number): void {
    super.advance(Math.max(0, systemClock.now() - this.now()) + ms);
  }
  /** A sleep that resolves only when the test advances the clock (for the daemon loop). */
  manualSleep(ms: number): Promise<void> {
    return super.sleep(ms);
  }
}

export interface Harness {
  repo: TempRepo;
  deps: Deps;
  clock: TestClock;
  ov: string;
  /** A worktree directory per agent (the fixture runtime's cwd). */
  worktree(agent: string): string;
  cleanup(): void;
}

export async function harness(): Promise<Harness> {
  const repo = tempRepo({ commit: true });
  const clock = new TestClock();
  const deps = await repo.deps({ clock });
  const ov = ovDir(deps.repo);
  mkdirSync(join(ov, "turns"), { recursive: true });
  const children: ChildProcess[] = [];
  running.set(repo.dir, children);
  return {
    repo,
    deps,
    clock,
    ov,
    worktree: (agent) => join(repo.dir, ".wt", agent),
    cleanup() {
      for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
      // A runner killed by the test leaves its runtime (its own process group) behind.
      for (const f of listDir(join(ov, "turns")).filter((n) => n.endsWith(".pid"))) {
        const pid = readPidFile(join(ov, "turns", f));
        if (typeof pid === "number") signal(pid, "SIGKILL", true);
      }
      repo.cleanup();
    },
  };
}

const running = new Map<string, ChildProcess[]>();

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Creates an agent's session and moves it to `state` (working agents idle since `idleSince`). */
export async function agent(
  h: Harness,
  name: string,
  over: Partial<Session> & { state?: SessionState; mode?: string } = {},
): Promise<Session> {
  const wt = h.worktree(name);
  mkdirSync(wt, { recursive: true });
  writeFileSync(join(wt, ".fixture-mode"), `${over.mode ?? "ok"}\n`);
  const now = new Date(h.clock.now()).toISOString();
  const { state = "working", mode: _m, ...fields } = over;
  await createSession(h.deps, {
    v: 1,
    id: `session-${name}`,
    name,
    capability: "builder",
    task: `task-${name}`,
    branch: `ov/${name}/task`,
    baseBranch: "main",
    worktree: wt,
    runtime: "fixture",
    runtimeSessionId: null,
    parent: null,
    depth: 1,
    runId: null,
    state: "booting",
    pid: null,
    turns: 0,
    idleSince: null,
    startedAt: now,
    lastActivity: now,
    escalationLevel: 0,
    stalledSince: null,
    reason: null,
    ...fields,
  });
  if (state !== "booting") await tryTransition(h.deps, name, state);
  if (fields.idleSince !== undefined || fields.lastActivity !== undefined) {
    await updateSession(
      h.deps,
      name,
      () => ({
        ...(fields.idleSince !== undefined ? { idleSince: fields.idleSince } : {}),
        ...(fields.lastActivity ? { lastActivity: fields.lastActivity } : {}),
      }),
      "test setup",
    );
  }
  return current(h, name);
}

export async function current(h: Harness, name: string): Promise<Session> {
  const r = await readSession(h.deps, name);
  if (r.kind !== "ok") throw new Error(`no session ${name}`);
  return r.value;
}

/** Starts the fixture turn runner (real turn engine, separate process) for `agent`. */
export function startRunner(h: Harness, name: string, prompt = "start"): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(FIXTURES, "run-turn.ts"), h.repo.dir, name, prompt],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.get(h.repo.dir)?.push(child);
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once("exit", (code) => r(code)));
}

/** Polls `pred` in real time until it holds (or fails the test after `ms`). */
export async function waitFor(
  what: string,
  pred: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = systemClock.now() + ms;
  while (!(await pred())) {
    if (systemClock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(25);
  }
}

/** Unread messages of `type` in `agent`'s inbox (read straight from the inbox tree). */
export async function inbox(h: Harness, name: string, box: "unread" | "read" = "unread"): Promise<Message[]> {
  const { draft } = await h.deps.store.open(`refs/ov/mail/${name}`);
  const out: Message[] = [];
  const walk = async (dir: string) => {
    for (const e of await draft.list(dir)) {
      if (e.kind === "dir") await walk(`${dir}/${e.name}`);
      else out.push(JSON.parse((await draft.readText(`${dir}/${e.name}`)) ?? "{}") as Message);
    }
  };
  await walk(box);
  return out;
}

export const FAST: WatchdogPolicy = {
  staleMs: 60_000,
  zombieMs: 600_000,
  nudgeIntervalMs: 10_000,
  notifyParentOnDeath: true,
  triage: false,
  maxTriagePerTick: 3,
  sweepGraceMs: 2000,
};

/** A tick context on the harness, recording dispatches and log lines. */
export function context(
  h: Harness,
  over: Partial<TickContext> = {},
): TickContext & { dispatched: string[][]; lines: string[] } {
  const dispatched: string[][] = [];
  const lines: string[] = [];
  return {
    deps: h.deps,
    policy: FAST,
    killGraceMs: 300,
    dispatch: async (agents) => {
      dispatched.push(agents);
    },
    dispatchOwnMail: false,
    log: (l) => lines.push(l),
    dispatched,
    lines,
    ...over,
  };
}
