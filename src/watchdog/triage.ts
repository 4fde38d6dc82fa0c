import { closeSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ovDir } from "../git/repo.js";
import type { Session } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";
import { runShell } from "../sys/process.js";

export type Verdict = "retry" | "terminate" | "extend";

/** What a triage sees of a stuck agent. */
export interface TriageInput {
  session: Session;
  /** Why it is on the ladder ("stall" or "idle"). */
  ladder: string;
  /** Last lines of its event log and of its newest runner.log. */
  eventsTail: string[];
  runnerLogTail: string[];
}

export interface TriageResult {
  verdict: Verdict;
  /** True when no real classification happened (command failed, timed out, nothing to read). */
  fallback: boolean;
  reason?: string;
}

/** Tier 1: classifies a stuck agent. */
export interface Triage {
  classify(input: TriageInput): Promise<TriageResult>;
}

const TAIL_LINES = 50;

/** Maps a model's answer to a verdict (first match wins: retry, then terminate, else extend). */
export function classifyAnswer(text: string): Verdict {
  const t = text.toLowerCase();
  if (/\b(retry|recoverable)\b/.test(t)) return "retry";
  if (/\b(terminate|fatal|failed)\b/.test(t)) return "terminate";
  return "extend";
}

export function triagePrompt(input: TriageInput): string {
  const s = input.session;
  return [
    `You are the watchdog of a multi-agent coding swarm. Agent "${s.name}" (${s.capability}, task ${s.task}) is stuck (${input.ladder}).`,
    `State: ${s.state}; last activity ${s.lastActivity}; escalation level ${s.escalationLevel}.`,
    "",
    "Recent runtime events:",
    ...(input.eventsTail.length ? input.eventsTail : ["(none)"]),
    "",
    "Recent runner log:",
    ...(input.runnerLogTail.length ? input.runnerLogTail : ["(none)"]),
    "",
    "Answer with exactly one word: retry (it can recover if nudged), terminate (it failed for good), or extend (it is busy; give it more time).",
  ].join("\n");
}

/**
 * A triage that pipes the prompt to a shell command (e.g. `claude --print`) and classifies its
 * stdout. A failure, a timeout or nothing to read falls back to `extend`.
 */
export function commandTriage(command: string, cwd: string, timeoutMs = 30_000): Triage {
  return {
    async classify(input) {
      if (input.eventsTail.length === 0 && input.runnerLogTail.length === 0) {
        return { verdict: "extend", fallback: true, reason: "no events or logs to read" };
      }
      const res = await runShell(command, { input: triagePrompt(input), timeoutMs, cwd });
      if (res.error)
        return { verdict: "extend", fallback: true, reason: `could not start '${command}': ${res.error}` };
      if (res.timedOut)
        return { verdict: "extend", fallback: true, reason: `'${command}' timed out after ${timeoutMs} ms` };
      if (res.code !== 0)
        return { verdict: "extend", fallback: true, reason: `'${command}' exited ${res.code}` };
      return {
        verdict: classifyAnswer(res.stdout),
        fallback: false,
        reason: res.stdout.trim().slice(0, 200),
      };
    },
  };
}

/** Reads what a triage looks at: the tail of the agent's event log and of its newest runner.log. */
export function triageInput(deps: Deps, session: Session, ladder: string): TriageInput {
  const ov = ovDir(deps.repo);
  const logs = join(ov, "logs", session.name);
  let newest: string | undefined;
  try {
    newest = readdirSync(logs).sort().at(-1);
  } catch {
    /* never ran a turn */
  }
  return {
    session,
    ladder,
    eventsTail: tailLines(join(ov, "events", `${session.name}.ndjson`), TAIL_LINES),
    runnerLogTail: newest ? tailLines(join(logs, newest, "runner.log"), TAIL_LINES) : [],
  };
}

/** Last `n` complete lines of a file (reads at most 64 KiB from its end). */
export function tailLines(path: string, n: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf
      .toString("utf8")
      .split("\n")
      .filter((l) => l.trim().length > 0);
    if (len < size) lines.shift(); // the first line was cut
    return lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}
