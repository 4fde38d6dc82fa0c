import { messageOf } from "../core/errors.js";
import { sendMail } from "../mail/send.js";
import type { SendInput } from "../mail/types.js";
import type { Deps } from "../store/deps.js";
import { type AutoResolution, MERGE_SENDER, type MergeTier, type QueueEntry } from "./types.js";

export type Outcome =
  | {
      kind: "merged";
      target: string;
      /** `manual` when someone merged it with plain git. */
      tier: MergeTier | "manual";
      commit: string;
      autoResolved: AutoResolution[];
      alreadyMerged?: boolean;
    }
  | { kind: "failed"; target: string; conflictFiles: string[]; error: string };

/** The `merged` / `merge_failed` message for an entry's outcome (to its parent, else `operator`). Pure. */
export function outcomeMail(entry: QueueEntry, o: Outcome): SendInput {
  const to = entry.parent ?? "operator";
  const task = entry.task ?? null;
  if (o.kind === "merged") {
    const auto = o.autoResolved.map(
      (r) => `  ${r.file}: ${r.rule} (${r.hunks} hunk${r.hunks === 1 ? "" : "s"})`,
    );
    const body = [
      o.alreadyMerged
        ? `${entry.branch} was already merged into ${o.target} (${o.commit.slice(0, 12)}).`
        : `${entry.branch} is merged into ${o.target} as ${o.commit.slice(0, 12)} (tier ${o.tier}).`,
      ...(auto.length ? ["Auto-resolved, keeping both sides' content:", ...auto] : []),
    ].join("\n");
    return {
      from: MERGE_SENDER,
      to,
      subject: `Merged: ${entry.branch} into ${o.target} (${o.tier})`,
      body,
      type: "merged",
      payload: {
        branch: entry.branch,
        taskId: task,
        tier: o.tier,
        target: o.target,
        commit: o.commit,
        agentName: entry.agent,
        autoResolved: o.autoResolved,
        ...(o.alreadyMerged ? { alreadyMerged: true } : {}),
      },
    };
  }
  return {
    from: MERGE_SENDER,
    to,
    subject: `Merge failed: ${entry.branch} into ${o.target}`,
    body: `${o.error}${o.conflictFiles.length ? `\nConflicting files: ${o.conflictFiles.join(", ")}` : ""}`,
    type: "merge_failed",
    priority: "high",
    payload: {
      branch: entry.branch,
      taskId: task,
      conflictFiles: o.conflictFiles,
      errorMessage: o.error,
      target: o.target,
      agentName: entry.agent,
    },
  };
}

/** Mails the outcome; a mail failure never undoes a merge, it is returned as a warning. */
export async function notifyOutcome(
  deps: Deps,
  entry: QueueEntry,
  o: Outcome,
): Promise<{ mailId?: string; to: string; warning?: string }> {
  const mail = outcomeMail(entry, o);
  try {
    const res = await sendMail(deps, mail);
    return { mailId: res.ids[0] ?? "", to: mail.to };
  } catch (e) {
    return { to: mail.to, warning: `could not mail ${mail.type} to ${mail.to}: ${messageOf(e)}` };
  }
}
