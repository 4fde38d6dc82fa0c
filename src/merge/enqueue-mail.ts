import { agentNameProblem, taskIdProblem } from "../core/ids.js";
import type { Message } from "../mail/types.js";
import type { Deps } from "../store/deps.js";
import { branchNameProblem, parseAgentBranch } from "./branch.js";
import { agentContext } from "./plan.js";
import { enqueue } from "./queue.js";
import type { QueueEntry } from "./types.js";

export type MailEnqueueResult =
  | { kind: "enqueued" | "duplicate"; entry: QueueEntry }
  | { kind: "ignored"; reason: string };

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/**
 * Queues the branch a `merge_ready` message names (payload: branch, taskId, agentName,
 * filesModified[], optional target). Call it after such a message is sent; anything else, or a
 * payload without a usable branch, is ignored (returned, never thrown: sending mail must not fail
 * because of the queue). A branch already pending is not queued twice. Throws only on store errors.
 */
export async function enqueueFromMail(deps: Deps, message: Message): Promise<MailEnqueueResult> {
  if (message.type !== "merge_ready")
    return { kind: "ignored", reason: `not a merge_ready message (${message.type})` };
  const p = message.payload ?? {};
  const branch = text(p.branch);
  if (!branch) return { kind: "ignored", reason: "merge_ready payload has no branch" };
  const bad = branchNameProblem(branch);
  if (bad) return { kind: "ignored", reason: `merge_ready payload branch '${branch}' ${bad}` };
  const parsed = parseAgentBranch(branch);
  const named = text(p.agentName);
  const agent = named && agentNameProblem(named) === undefined ? named : parsed.agent;
  const taskText = text(p.taskId);
  const task = taskText && taskIdProblem(taskText) === undefined ? taskText : parsed.task;
  const target = text(p.target);
  const files = Array.isArray(p.filesModified)
    ? p.filesModified.filter((f): f is string => typeof f === "string")
    : [];
  const ctx = await agentContext(deps, agent);
  // The agent's parent hears the outcome; a sender other than the agent itself is the next best guess.
  const parent = ctx.parent ?? (message.from !== agent ? message.from : null);
  const res = await enqueue(deps, {
    branch,
    agent,
    task,
    files,
    parent,
    target: target && branchNameProblem(target) === undefined ? target : null,
    source: "mail",
    requestedBy: message.from,
    mailId: message.id,
  });
  return { kind: res.created ? "enqueued" : "duplicate", entry: res.entry };
}
