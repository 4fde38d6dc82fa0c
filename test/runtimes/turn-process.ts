// Test helper: runs a TurnSpec the way the turn engine will (spawn, write stdin, close it, read
// stdout) and parses the stream with the runtime's parser.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { getRuntime } from "../../src/runtimes/registry.js";
import type { RuntimeEvent, TurnRequest, TurnSpec } from "../../src/runtimes/types.js";
import type { Session } from "../../src/sessions/session.js";
import type { TempRepo } from "../helpers/repo.js";

export interface TurnRun {
  child: ChildProcess;
  events: RuntimeEvent[];
  lines: string[];
  stdout(): string;
  /** Resolves when an event matching `pred` has been parsed. */
  waitFor(pred: (e: RuntimeEvent) => boolean): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startTurn(spec: TurnSpec): TurnRun {
  const parser = getRuntime("scripted").parser();
  const child = spawn(spec.cmd, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ["pipe", "pipe", "pipe"] });
  const events: RuntimeEvent[] = [];
  const lines: string[] = [];
  let out = "";
  let err = "";
  const waiters: { pred: (e: RuntimeEvent) => boolean; resolve: () => void }[] = [];
  const feed = (evs: RuntimeEvent[]) => {
    for (const e of evs) {
      events.push(e);
      for (const w of waiters.filter((x) => x.pred(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    feed(parser.push(d));
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  child.stdin.on("error", () => {});
  child.stdin.end(spec.stdin);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) =>
    child.on("close", (code, signal) => {
      feed(parser.end());
      lines.push(...out.split("\n").filter((l) => l !== ""));
      resolve({ code, signal, stdout: out, stderr: err });
    }),
  );
  return {
    child,
    events,
    lines,
    stdout: () => out,
    waitFor: (pred) =>
      events.some(pred) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pred, resolve })),
    done,
  };
}

/** Runs one scripted turn to completion. */
export async function scriptedTurn(
  worktree: string,
  prompt: string,
  opts: { resume?: string | null; env?: Record<string, string> } = {},
): Promise<{ code: number | null; events: RuntimeEvent[]; lines: string[]; stderr: string }> {
  const run = startTurn(scriptedSpec(worktree, prompt, opts));
  const r = await run.done;
  return { code: r.code, events: run.events, lines: run.lines, stderr: r.stderr };
}

export function scriptedSpec(
  worktree: string,
  prompt: string,
  opts: { resume?: string | null; env?: Record<string, string> } = {},
): TurnSpec {
  const req: TurnRequest = {
    session: {} as Session,
    worktree,
    prompt,
    resume: opts.resume ?? null,
    baseEnv: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL ?? "",
      GIT_OV_AGENT: "builder-1",
      ...opts.env,
    },
    config: { get: () => undefined },
  };
  return getRuntime("scripted").buildTurn(req);
}

/** A linked worktree for `agent` on its own branch, as sling makes one; returns its path and ov dir. */
export function agentWorktree(repo: TempRepo, agent: string): { worktree: string; ovDir: string } {
  const ovDir = join(repo.dir, ".git", "ov");
  mkdirSync(join(ovDir, "worktrees"), { recursive: true });
  const worktree = join(ovDir, "worktrees", agent);
  repo.git("worktree", "add", "-q", "-b", `ov/${agent}/task-1`, worktree);
  return { worktree, ovDir };
}

export function kinds(events: RuntimeEvent[]): string[] {
  return events.map((e) => (e.kind === "other" ? `other:${e.type}` : e.kind));
}

export function resultOf(events: RuntimeEvent[]): Extract<RuntimeEvent, { kind: "result" }> {
  const r = events.filter((e) => e.kind === "result").at(-1);
  if (r?.kind !== "result") throw new Error(`no result event in ${JSON.stringify(kinds(events))}`);
  return r;
}
