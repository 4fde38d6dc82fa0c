// Agents for the conformance suite, slung with the real `git ov sling --runtime claude --wait`
// (branch, worktree, overlay, the claude guard hook, session, first turn), later turns run with
// `git ov turn`, inboxes read from git.
import { join } from "node:path";
import { ovDir } from "../../src/git/repo.js";
import type { Capability, Session } from "../../src/sessions/session.js";
import type { Conformance } from "./conformance.js";

export interface AgentSpec {
  name: string;
  /** Also the token the stub's conversation matches: the first turn's prompt names the task. */
  task: string;
  capability?: Capability;
  /** Parent agent (must have a session unless `forceHierarchy`). */
  parent?: string;
  /** Allow a parent that has no session (its mail then just waits in its inbox, waking nobody). */
  forceHierarchy?: boolean;
}

export interface Slung {
  session: Session;
  /** sling's report of the first turn it ran (`--wait`). */
  firstTurn: { started: boolean; state: string; note: string };
}

/**
 * `git ov sling <task> --runtime claude --name <name> --wait …`: the agent is created and its first
 * turn (the prompt sling writes, naming the task) runs to the end before this returns.
 */
export async function slingClaude(h: Conformance, spec: AgentSpec): Promise<Slung> {
  const args = ["sling", spec.task, "--runtime", "claude", "--name", spec.name, "--wait", "--json"];
  args.push("--capability", spec.capability ?? "builder");
  if (spec.parent) args.push("--parent", spec.parent);
  if (spec.forceHierarchy) args.push("--force-hierarchy");
  const r = await h.ov(args);
  if (r.code !== 0)
    throw new Error(`git ov sling exited ${r.code}: ${r.stderr}\n${h.diagnostics(spec.name)}`);
  const out = JSON.parse(r.stdout) as { firstTurn: Slung["firstTurn"] };
  return { session: await h.session(spec.name), firstTurn: out.firstTurn };
}

/** Where sling puts an agent's worktree (`<git-common-dir>/ov/worktrees/<agent>`). */
export function worktreeOf(h: Conformance, agent: string): string {
  return join(ovDir(h.deps.repo), "worktrees", agent);
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
