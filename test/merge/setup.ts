import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setConfig } from "../../src/config/config.js";
import type { ConfigKey } from "../../src/config/keys.js";
import type { Message } from "../../src/mail/types.js";
import type { Session } from "../../src/sessions/session.js";
import { createSession } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { ROOT, type TempRepo } from "../helpers/repo.js";

export const FIXTURES = join(ROOT, "test", "fixtures", "merge");

/** Writes files in the main checkout and commits them on `branch` (created from `from`), then returns to main. */
export function commitOn(
  repo: TempRepo,
  branch: string,
  files: Record<string, string | null>,
  opts: { from?: string; message?: string } = {},
): string {
  const exists = repo.git("branch", "--list", branch) !== "";
  if (branch !== "main")
    repo.git("checkout", "-q", ...(exists ? [branch] : ["-b", branch, opts.from ?? "main"]));
  for (const [path, content] of Object.entries(files)) {
    const full = join(repo.dir, path);
    if (content === null) repo.git("rm", "-q", path);
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      repo.git("add", path);
    }
  }
  repo.git("commit", "-q", "-m", opts.message ?? `${branch}: ${Object.keys(files).join(", ")}`);
  const tip = repo.git("rev-parse", "HEAD");
  if (branch !== "main") repo.git("checkout", "-q", "main");
  return tip;
}

/** A session document for `agent` (the fields the merge queue reads: parent and base branch). */
export async function addSession(
  deps: Deps,
  agent: string,
  opts: { parent?: string | null; baseBranch?: string; task?: string },
): Promise<void> {
  const now = new Date(deps.clock.now()).toISOString();
  const s: Session = {
    v: 1,
    id: `s-${agent}`,
    name: agent,
    // Parents are persistent roles here: mail to them is stored, never dispatched as a turn (these
    // sessions have no worktree, so a turn would fail and zombie them mid-test).
    capability: agent.startsWith("lead") ? "coordinator" : "builder",
    task: opts.task ?? "t",
    branch: `ov/${agent}/${opts.task ?? "t"}`,
    baseBranch: opts.baseBranch ?? "main",
    worktree: "/nonexistent",
    runtime: "scripted",
    runtimeSessionId: null,
    parent: opts.parent ?? null,
    depth: 2,
    runId: null,
    state: "working",
    pid: null,
    turns: 0,
    idleSince: null,
    startedAt: now,
    lastActivity: now,
    escalationLevel: 0,
    stalledSince: null,
    reason: null,
  };
  await createSession(deps, s);
}

export async function configure(deps: Deps, values: Partial<Record<ConfigKey, string>>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await setConfig(deps, k as ConfigKey, v);
}

/** Unread messages in an inbox, parsed, oldest first. */
/**
 * Every message delivered to `agent`, read or not, in arrival order: sends dispatch the
 * recipient's turn, which may ack (move to read/) before the test looks.
 */
export function inbox(
  repo: TempRepo,
  agent: string,
): { type: string; subject: string; payload: Record<string, unknown>; createdAt: string; id: string }[] {
  const ref = `refs/ov/mail/${agent}`;
  let names: string;
  try {
    names = repo.git("ls-tree", "-r", "--name-only", ref);
  } catch {
    return [];
  }
  return names
    .split("\n")
    .filter((n) => /^(unread|read)\/.*\.json$/.test(n))
    .map((n) => JSON.parse(repo.git("show", `${ref}:${n}`)))
    .sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
    );
}

/** Linked worktrees other than the main checkout (temporary merge worktrees must not be left behind). */
export function extraWorktrees(repo: TempRepo): string[] {
  return repo
    .git("worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree "))
    .slice(1);
}

/** A `merge_ready` message from `lead-1` for `ov/<agent>/t`, as the mail layer would hand it over. */
export function readyMail(agent: string, extra: Record<string, unknown> = {}): Message {
  return {
    v: 1,
    id: `msg-${agent}`,
    from: "lead-1",
    to: "coordinator",
    subject: `merge_ready: ${agent}`,
    body: "",
    type: "merge_ready",
    priority: "normal",
    threadId: null,
    payload: { branch: `ov/${agent}/t`, taskId: "t", agentName: agent, filesModified: [], ...extra },
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}
