import { messageOf } from "../core/errors.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { type TaskGroup, changeGroup, listGroups, resolveGroup } from "./groups.js";
import { type Session, isTerminal, listSessions } from "./session.js";

/**
 * A member task's progress, from the sessions working on it: none → open; any active →
 * in_progress; all completed → completed; finished with a zombie among them → blocked.
 */
export type MemberStatus = "open" | "in_progress" | "blocked" | "completed";

export interface MemberProgress {
  task: string;
  status: MemberStatus;
  agents: string[];
}

export interface GroupProgress {
  group: TaskGroup;
  members: MemberProgress[];
  completed: number;
  total: number;
}

/** Pure: the progress of `task` given every session. */
export function memberStatus(task: string, sessions: readonly Session[]): MemberProgress {
  const mine = sessions.filter((s) => s.task === task);
  const agents = mine.map((s) => s.name);
  if (mine.length === 0) return { task, status: "open", agents };
  if (mine.some((s) => !isTerminal(s.state))) return { task, status: "in_progress", agents };
  if (mine.every((s) => s.state === "completed")) return { task, status: "completed", agents };
  return { task, status: "blocked", agents };
}

/** Pure: the progress of one group. */
export function groupProgress(group: TaskGroup, sessions: readonly Session[]): GroupProgress {
  const members = group.members.map((t) => memberStatus(t, sessions));
  const completed = members.filter((m) => m.status === "completed").length;
  return { group, members, completed, total: members.length };
}

export interface GroupReport {
  groups: GroupProgress[];
  /** Groups this call closed because every member task finished. */
  closed: TaskGroup[];
  /** Mail that could not be sent about a closed group (the group stays closed). */
  warnings: string[];
  problems: DocProblem[];
}

/**
 * Progress of one group (by id or name), or of every group (`all`) or every active group, closing
 * those whose members have all completed (reference behaviour: reading progress auto-closes).
 */
export async function reportGroups(
  deps: Deps,
  opts: { idOrName?: string; all?: boolean } = {},
): Promise<GroupReport> {
  const [{ groups, problems }, { sessions }] = await Promise.all([listGroups(deps), listSessions(deps)]);
  const chosen = opts.idOrName
    ? [resolveGroup(groups, opts.idOrName)]
    : groups.filter((g) => opts.all || g.status === "active");
  const report: GroupReport = { groups: [], closed: [], warnings: [], problems };
  for (const g of chosen) {
    const progress = groupProgress(g, sessions);
    const closed = await autoClose(deps, progress, sessions, report.warnings);
    if (closed) report.closed.push(closed);
    report.groups.push(closed ? { ...progress, group: closed } : progress);
  }
  return report;
}

/** Closes every active group whose members have all completed (for the watchdog's sweep). */
export async function autoCloseGroups(deps: Deps): Promise<GroupReport> {
  return reportGroups(deps, {});
}

/**
 * Marks the group completed with CAS when all members are done and it is still active with the
 * same members, then mails `coordinator`. Only the process whose CAS lands sends the mail.
 */
async function autoClose(
  deps: Deps,
  progress: GroupProgress,
  sessions: readonly Session[],
  warnings: string[],
): Promise<TaskGroup | undefined> {
  const g = progress.group;
  if (g.status !== "active" || progress.completed !== progress.total) return undefined;
  let landed = false;
  const next = await changeGroup(deps, g.id, "group-close", (cur) => {
    landed = false;
    if (cur.status !== "active") return undefined;
    const fresh = groupProgress(cur, sessions);
    if (fresh.completed !== fresh.total) return undefined;
    landed = true;
    const now = isoTime(deps.clock.now());
    return {
      next: { ...cur, status: "completed", completedAt: now },
      what: "auto-closed (all members completed)",
    };
  });
  if (!landed) return undefined;
  try {
    const { sendMail } = await import("../mail/send.js");
    await sendMail(deps, {
      from: "system",
      to: "coordinator",
      subject: `Group auto-closed: ${next.name}`,
      body: `All ${next.members.length} member task(s) of group ${next.name} (${next.id}) are completed: ${next.members.join(", ")}.`,
      type: "status",
    });
  } catch (e) {
    warnings.push(`group ${next.id} closed, but mailing coordinator failed: ${messageOf(e)}`);
  }
  return next;
}
