// Agents for the conformance suite, slung with the real `git ov sling --runtime claude` (branch,
// worktree, overlay, the claude guard hook, session), their turns run with `git ov turn`, and their
// inboxes read from git.
import type { Capability, Session } from "../../src/sessions/session.js";
import type { Conformance } from "./conformance.js";

export interface AgentSpec {
  name: string;
  capability?: Capability;
  task?: string;
  /** Parent agent (must have a session unless `forceHierarchy`). */
  parent?: string;
  /** Allow a parent that has no session (its mail then just waits in its inbox, waking nobody). */
  forceHierarchy?: boolean;
}

/**
 * `git ov sling <task> --runtime claude --name <name> …`: a booting claude agent (sling does not run
 * the first turn yet; `runTurn(h, name, prompt)` does).
 */
export async function slingClaude(h: Conformance, spec: AgentSpec): Promise<Session> {
  const args = ["sling", spec.task ?? `t-${spec.name}`, "--runtime", "claude", "--name", spec.name];
  args.push("--capability", spec.capability ?? "builder");
  if (spec.parent) args.push("--parent", spec.parent);
  if (spec.forceHierarchy) args.push("--force-hierarchy");
  await h.ovOk(args);
  return h.session(spec.name);
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
