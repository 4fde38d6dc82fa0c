import { loadConfig } from "../config/config.js";
import { OvError, messageOf } from "../core/errors.js";
import { agentName } from "../core/ids.js";
import { sendMail } from "../mail/send.js";
import { type Session, listSessions, readSession } from "../sessions/session.js";
import { tryTransition } from "../sessions/store.js";
import type { Deps } from "../store/deps.js";
import { invalidDocument } from "../store/store.js";
import { leadStoppedSubject, mergeReadySentBy } from "./mail-history.js";
import { killProcessTree, killTurn } from "./turn-kill.js";
import { deleteBranch, dirtyFiles, removeWorktree, unmergedCount } from "./worktree.js";
import { existsSync } from "node:fs";

export interface StopOptions {
  cleanWorktree: boolean;
  force: boolean;
}

export interface StopResult {
  agent: string;
  sessionId: string;
  capability: string;
  previousState: string;
  wasZombie: boolean;
  wasCompleted: boolean;
  pidKilled: number | null;
  transitioned: boolean;
  notice: { to: string; subject: string; id: string } | null;
  worktreeRemoved: boolean;
  branchDeleted: boolean;
  warnings: string[];
}

async function loadSession(deps: Deps, name: string): Promise<Session> {
  const doc = await readSession(deps, agentName(name));
  if (doc.kind === "invalid") throw invalidDocument(doc.problem);
  if (doc.kind === "missing")
    throw new OvError("NOT_FOUND", `no agent named '${name}'`, { hint: "git ov status lists the agents" });
  return doc.value;
}

/** Who hears that a lead ended: its parent, else a live coordinator, else nobody. */
async function noticeRecipient(deps: Deps, lead: Session): Promise<string | undefined> {
  if (lead.parent) return lead.parent;
  const { sessions } = await listSessions(deps);
  return sessions.find(
    (s) => s.capability === "coordinator" && (s.state === "working" || s.state === "booting"),
  )?.name;
}

async function notifyLeadStopped(deps: Deps, lead: Session): Promise<StopResult["notice"]> {
  const to = await noticeRecipient(deps, lead);
  if (!to) return null;
  const sent = await mergeReadySentBy(deps, lead.name);
  const subject = leadStoppedSubject(lead.name, sent);
  const branches = sent.map((s) => s.branch).filter((b) => b !== undefined);
  const res = await sendMail(deps, {
    from: lead.name,
    to,
    subject,
    body: `Lead ${lead.name} (task ${lead.task}) was stopped with git ov stop. merge_ready sent: ${sent.length}.`,
    type: "status",
    payload: { reason: "lead_completed", lead: lead.name, task: lead.task, branches },
  });
  return { to, subject, id: res.ids[0] ?? "" };
}

/**
 * `git ov stop`: kills an in-flight turn (pid file, process group), moves the session to completed
 * with CAS (a zombie is promoted), tells a stopped lead's parent, and optionally removes the
 * worktree and — when merged, or with `force` — the branch.
 */
export async function stopAgent(deps: Deps, name: string, opts: StopOptions): Promise<StopResult> {
  const s = await loadSession(deps, name);
  const config = await loadConfig(deps);
  const wasCompleted = s.state === "completed";
  if (wasCompleted && !opts.cleanWorktree) {
    throw new OvError("SESSION", `agent '${name}' is already completed`, {
      hint: `git ov stop ${name} --clean-worktree removes its worktree and merged branch`,
    });
  }
  const out: StopResult = {
    agent: s.name,
    sessionId: s.id,
    capability: s.capability,
    previousState: s.state,
    wasZombie: s.state === "zombie",
    wasCompleted,
    pidKilled: null,
    transitioned: false,
    notice: null,
    worktreeRemoved: false,
    branchDeleted: false,
    warnings: [],
  };
  if (!wasCompleted) {
    const grace = config.num("turn.killGraceMs");
    out.pidKilled = (await killTurn(deps, s.name, grace)) ?? null;
    if (s.pid !== null && (await killProcessTree(deps, s.pid, grace))) out.pidKilled ??= s.pid;
    const t = await tryTransition(deps, s.name, "completed", { reason: "stopped with git ov stop" });
    out.transitioned = t.ok;
    if (s.capability === "lead") {
      try {
        out.notice = await notifyLeadStopped(deps, s);
      } catch (e) {
        out.warnings.push(`could not notify the lead's parent: ${messageOf(e)}`);
      }
    }
  }
  if (opts.cleanWorktree)
    await cleanAfterStop(deps, s, opts.force, config.str("project.canonicalBranch"), out);
  return out;
}

async function cleanAfterStop(
  deps: Deps,
  s: Session,
  force: boolean,
  canonical: string,
  out: StopResult,
): Promise<void> {
  if (existsSync(s.worktree)) {
    const dirty = await dirtyFiles(deps, s.worktree).catch(() => []);
    if (dirty.length > 0 && !force) {
      out.warnings.push(
        `worktree ${s.worktree} has ${dirty.length} uncommitted change(s); kept (pass --force to discard)`,
      );
      return;
    }
    try {
      await removeWorktree(deps, s.worktree, true);
      out.worktreeRemoved = true;
    } catch (e) {
      out.warnings.push(`could not remove worktree: ${messageOf(e)}`);
      return;
    }
  } else await removeWorktree(deps, s.worktree, false);
  const ahead = await unmergedCount(deps, s.branch, canonical);
  if (Number.isNaN(ahead)) return;
  if (ahead > 0 && !force) {
    out.warnings.push(
      `branch ${s.branch} has ${ahead} commit(s) not in ${canonical}; kept (merge it, or pass --force)`,
    );
    return;
  }
  try {
    await deleteBranch(deps, s.branch);
    out.branchDeleted = true;
  } catch (e) {
    out.warnings.push(`could not delete branch ${s.branch}: ${messageOf(e)}`);
  }
}
