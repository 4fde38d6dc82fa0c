// Agents for the conformance suite: created the way `git ov sling --runtime claude` does (worktree,
// branch, guard hooks kept out of commits, booting session), and their inboxes read from git.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ovDir } from "../../src/git/repo.js";
import { createClaudeRuntime } from "../../src/runtimes/claude.js";
import { CLAUDE_SETTINGS_FILE } from "../../src/runtimes/claude-settings.js";
import type { Capability, Session } from "../../src/sessions/session.js";
import { createSession } from "../../src/sessions/store.js";
import { BIN } from "../helpers/repo.js";
import type { Conformance } from "./conformance.js";

/** Whether this build of git ov has the command (`mail send`, `guard`, `sling`). */
export function ovHasCommand(path: string[]): boolean {
  const r = spawnSync(process.execPath, [BIN, ...path], {
    cwd: tmpdir(),
    encoding: "utf8",
    input: "",
    env: { PATH: process.env.PATH ?? "" },
  });
  return !/unknown command/.test(r.stderr ?? "");
}

/** Skip reason for a scenario needing commands this branch lacks, or undefined. */
export function pendingOn(commands: string[][]): string | undefined {
  const missing = commands.filter((c) => !ovHasCommand(c)).map((c) => `git ov ${c.join(" ")}`);
  return missing.length === 0 ? undefined : `pending: ${missing.join(", ")} not in this build`;
}

export interface AgentSpec {
  name: string;
  capability?: Capability;
  task?: string;
  parent?: string | null;
}

/**
 * A booting claude agent: branch ov/<name>/<task> from main, worktree under <ov>/worktrees, the
 * claude guard hook deployed into it (and excluded from commits), and its session document.
 * TODO(sling): replace by `git ov sling <task> --runtime claude …` once sling is on main.
 */
export async function createClaudeAgent(h: Conformance, spec: AgentSpec): Promise<Session> {
  const { name } = spec;
  const task = spec.task ?? `t-${name}`;
  const capability = spec.capability ?? "builder";
  const ov = ovDir(h.deps.repo);
  const worktree = join(ov, "worktrees", name);
  h.repo.git("worktree", "add", "-q", "-b", `ov/${name}/${task}`, worktree, "main");
  const infoDir = join(h.repo.git("rev-parse", "--path-format=absolute", "--git-common-dir"), "info");
  mkdirSync(infoDir, { recursive: true });
  appendFileSync(join(infoDir, "exclude"), `/${CLAUDE_SETTINGS_FILE}\n`);
  const now = new Date().toISOString();
  const session: Session = {
    v: 1,
    id: `s-${name}`,
    name,
    capability,
    task,
    branch: `ov/${name}/${task}`,
    baseBranch: "main",
    worktree,
    runtime: "claude",
    runtimeSessionId: null,
    parent: spec.parent === undefined ? "lead-1" : spec.parent,
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
  };
  await createSession(h.deps, session);
  await createClaudeRuntime().deployGuards(worktree, session, BIN);
  return session;
}

export interface StoredMail {
  folder: "unread" | "read";
  message: Record<string, unknown>;
}

/** Every message in `refs/ov/mail/<agent>` (unread and read), read with plain git. */
export function inbox(h: Conformance, agent: string): StoredMail[] {
  const ref = `refs/ov/mail/${agent}`;
  try {
    h.repo.git("rev-parse", "--verify", "-q", ref);
  } catch {
    return [];
  }
  return h.repo
    .git("ls-tree", "-r", "--name-only", ref)
    .split("\n")
    .filter((p) => p.endsWith(".json") && (p.startsWith("unread/") || p.startsWith("read/")))
    .map((p) => ({
      folder: p.startsWith("unread/") ? "unread" : "read",
      message: JSON.parse(h.repo.git("show", `${ref}:${p}`)) as Record<string, unknown>,
    }));
}

/** The `git ov turn <agent> --json` result of each turn run. */
export interface TurnOut {
  turn: number;
  finalState: string | null;
  reason: string | null;
  exitCode: number | null;
  cleanResult: boolean;
  terminalMail: boolean;
  stalled: boolean;
  runtimeSessionId: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  costUsd: number | null;
}

/** Runs `git ov turn <agent> --json [--prompt p]` and returns its turns. */
export async function runTurn(h: Conformance, agent: string, prompt?: string): Promise<TurnOut[]> {
  const args = ["turn", agent, "--json", ...(prompt !== undefined ? ["--prompt", prompt] : [])];
  const r = await h.ov(args);
  if (r.code !== 0)
    throw new Error(`git ov turn ${agent} exited ${r.code}: ${r.stderr}\n${h.diagnostics(agent)}`);
  return (JSON.parse(r.stdout) as { turns: TurnOut[] }).turns;
}
