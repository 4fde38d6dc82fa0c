import { loadConfig } from "../config/config.js";
import { messageOf } from "../core/errors.js";
import { INTERNAL_ENV } from "../git/exec.js";
import type { HookHandler } from "../setup/contracts.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { parseAgentBranch } from "./branch.js";
import { notifyOutcome } from "./notify.js";
import { agentContext, targetOf } from "./plan.js";
import { enqueue, listQueue, updateEntry } from "./queue.js";
import type { QueueEntry } from "./types.js";

export interface HandMerge {
  branch: string;
  entry: QueueEntry;
  mailedTo: string | undefined;
}

/** Agent branches merged into HEAD by the merge that just happened: merged into HEAD, not into ORIG_HEAD. */
async function newlyMerged(deps: Deps, cwd: string): Promise<{ branch: string; tip: string }[]> {
  const orig = await deps.git.run(["rev-parse", "-q", "--verify", "ORIG_HEAD^{commit}"], {
    cwd,
    check: false,
  });
  if (orig.code !== 0) return [];
  const res = await deps.git.run(
    [
      "for-each-ref",
      "--format=%(objectname) %(refname)",
      "--merged=HEAD",
      `--no-merged=${orig.stdout.trim()}`,
      "refs/heads/ov/",
    ],
    { cwd, check: false },
  );
  return res.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => ({
      tip: l.slice(0, l.indexOf(" ")),
      branch: l.slice(l.indexOf(" ") + 1 + "refs/heads/".length),
    }));
}

/**
 * After a merge in any checkout (by `git merge`, `git pull`, or git ov's own fast-forward), marks the
 * queue entries of the `ov/<agent>/<task>` branches it brought in as merged and mails each agent's
 * parent. Only merges into the branch's own target count (merging into a side branch is not "merged").
 */
export async function recordHandMerges(deps: Deps, cwd: string): Promise<HandMerge[]> {
  const branchRes = await deps.git.run(["symbolic-ref", "-q", "--short", "HEAD"], { cwd, check: false });
  const current = branchRes.stdout.trim();
  if (branchRes.code !== 0 || !current) return [];
  const merged = await newlyMerged(deps, cwd);
  if (merged.length === 0) return [];
  const head = (await deps.git.run(["rev-parse", "HEAD"], { cwd })).stdout.trim();
  const cfg = await loadConfig(deps);
  const { entries } = await listQueue(deps);
  const out: HandMerge[] = [];
  for (const { branch } of merged) {
    const live = [...entries].reverse().find((e) => e.branch === branch && e.status !== "merged");
    const { agent, task } = live ?? parseAgentBranch(branch);
    const { target } = await targetOf(deps, cfg, live ?? { agent, target: null }, undefined);
    if (target !== current) continue;
    if (!live && entries.some((e) => e.branch === branch && e.status === "merged" && e.resultCommit === head))
      continue;
    const entry = live
      ? await markMerged(deps, live, current, head)
      : await recordNew(deps, branch, agent, task, current, head);
    if (!entry) continue;
    const mail = await notifyOutcome(deps, entry, {
      kind: "merged",
      target: current,
      tier: "manual",
      commit: head,
      autoResolved: [],
    });
    if (mail.warning) process.stderr.write(`git ov: warning: ${mail.warning}\n`);
    out.push({ branch, entry, mailedTo: mail.warning ? undefined : mail.to });
  }
  return out;
}

async function markMerged(
  deps: Deps,
  live: QueueEntry,
  target: string,
  head: string,
): Promise<QueueEntry | undefined> {
  const at = isoTime(deps.clock.now());
  const res = await updateEntry(deps, live.id, (cur) =>
    cur.status === "merged"
      ? { next: undefined }
      : {
          next: {
            ...cur,
            status: "merged",
            tier: null,
            claim: null,
            resultCommit: head,
            mergedInto: target,
            error: null,
            attempts: [
              ...cur.attempts,
              {
                at,
                target,
                targetCommit: head,
                branchCommit: null,
                outcome: "merged",
                tier: null,
                tiers: [],
              },
            ],
          },
          note: {
            subject: `merge queue: ${cur.branch} merged into ${target} by hand`,
            trailers: { "Ov-Target": target },
          },
        },
  );
  return res.changed ? res.entry : undefined;
}

async function recordNew(
  deps: Deps,
  branch: string,
  agent: string | null,
  task: string | null,
  target: string,
  head: string,
) {
  const ctx = await agentContext(deps, agent);
  const res = await enqueue(deps, {
    branch,
    agent,
    task,
    parent: ctx.parent,
    source: "hook",
    status: "merged",
    patch: { resultCommit: head, mergedInto: target },
  });
  return res.entry;
}

/** The `post-merge` hook: never fails the user's merge; problems become one warning line. */
export const postMerge: HookHandler = async (deps, input) => {
  if (input.args[0] === "1" || input.env[INTERNAL_ENV]) return 0; // squash merge: nothing committed yet
  try {
    await recordHandMerges(deps, input.cwd);
  } catch (e) {
    process.stderr.write(`git ov: warning: post-merge could not update the merge queue: ${messageOf(e)}\n`);
  }
  return 0;
};
