import type { Capability, Session, SessionState } from "../../src/sessions/session.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import type { TempRepo } from "../helpers/repo.js";

/** Creates a session and moves it to `state` through legal transitions. */
export async function addAgent(
  deps: Deps,
  name: string,
  capability: Capability,
  opts: { state?: SessionState; parent?: string | null; runId?: string | null } = {},
): Promise<void> {
  const now = new Date(deps.clock.now()).toISOString();
  const session: Session = {
    v: 1,
    id: `session-${deps.clock.now()}-${name}`,
    name,
    capability,
    task: `task-${name}`,
    branch: `ov/${name}/task-${name}`,
    baseBranch: "main",
    worktree: `/tmp/wt/${name}`,
    runtime: "scripted",
    runtimeSessionId: null,
    parent: opts.parent ?? null,
    depth: opts.parent ? 1 : 0,
    runId: opts.runId === undefined ? null : opts.runId,
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
  await createSession(deps, session);
  const state = opts.state ?? "working";
  if (state === "booting") return;
  if (state === "completed" || state === "zombie" || state === "stalled") {
    await tryTransition(deps, name, "working");
  }
  const res = await tryTransition(deps, name, state);
  if (!res.ok) throw new Error(`could not move ${name} to ${state}: ${res.reason}`);
}

/** Points refs/ov/runs/current at `runId`. */
export async function setCurrentRun(deps: Deps, runId: string): Promise<void> {
  await deps.store.update("refs/ov/runs/current", async (draft) => {
    await draft.writeJson("current.json", { v: 1, runId });
    return { write: { subject: `run ${runId} current` }, value: undefined };
  });
}

/** Every refs/ov/mail ref with its oid: compare before/after to prove nothing was written. */
export function mailRefs(repo: TempRepo): string {
  return repo.git("for-each-ref", "--format=%(objectname) %(refname)", "refs/ov/mail/");
}

/** Names of the files under `dir` in an inbox tip (empty when absent). */
export function inboxFiles(repo: TempRepo, agent: string, dir: string): string[] {
  try {
    const out = repo.git("ls-tree", "-r", "--name-only", `refs/ov/mail/${agent}`, "--", dir);
    return out === "" ? [] : out.split("\n");
  } catch {
    return [];
  }
}
