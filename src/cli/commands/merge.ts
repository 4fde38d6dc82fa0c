import { Command, Option } from "clipanion";
import type { Prediction } from "../../merge/dry-run.js";
import type { EntryResult } from "../../merge/run.js";
import type { QueueEntry } from "../../merge/types.js";
import { type CommandOutput, OvCommand } from "../ov-command.js";

const short = (c: string | null) => (c ? c.slice(0, 12) : "");

/** One human line for a merge result (also the `--all` progress line). */
export function resultLine(r: EntryResult): string {
  const head = `${r.branch} -> ${r.target || "?"}`;
  switch (r.outcome) {
    case "merged": {
      const auto = r.autoResolved.length
        ? `; auto-resolved ${r.autoResolved.map((a) => `${a.file} (${a.rule})`).join(", ")}`
        : "";
      return `${head}: merged at tier ${r.tier} as ${short(r.commit)}${auto}`;
    }
    case "already-merged":
      return `${head}: already merged (${short(r.commit)})`;
    case "conflict":
      return `${head}: conflict in ${r.conflictFiles.join(", ")}: ${r.error}`;
    default:
      return `${head}: ${r.outcome}: ${r.error}`;
  }
}

function predictionLine(p: Prediction): string {
  const head = `${p.branch} -> ${p.target}`;
  const warn = p.warnings.map((w) => `\n  warning: ${w}`).join("");
  if (p.outcome !== "conflict") return `${head}: ${p.outcome}${p.tier ? ` (tier ${p.tier})` : ""}${warn}`;
  const files = p.conflicts.map(
    (c) =>
      `\n  ${c.file} (${c.kind}): ${c.autoResolvable ? `auto-resolvable (${c.rule})` : `needs a resolver: ${c.reason}`}`,
  );
  return `${head}: conflict -> ${p.tier ? `would merge at tier ${p.tier}` : "would fail (no enabled tier can resolve it)"}${files.join("")}${warn}`;
}

export class MergeCommand extends OvCommand {
  static override paths = [["merge"]];
  static override usage = Command.Usage({
    description: "merge agent branches from the merge queue into their target",
    details: `
      Merges without touching a working tree (\`git merge-tree\`), then moves the target branch by compare-and-set; if the target is checked out in a clean worktree, that worktree is fast-forwarded with a real \`git merge\` (a dirty one is refused). One merge per target at a time: the lock is the ref \`refs/ov/merge/lock/<target>\`.

      Target: \`--into\`, else the agent session's base branch, else \`project.canonicalBranch\`. Conflicts escalate through tiers: auto-resolve (only where no side's content is lost), AI resolve (\`merge.resolverCommand\`), reimagine (\`merge.reimagine\`). Outcomes are mailed (\`merged\` / \`merge_failed\`) to the agent's parent, else \`operator\`.

      \`--dry-run\` predicts which files conflict and which tier would merge each branch, without a lock and without writing anything. \`--enqueue B\` only queues a branch. \`--all\` prints a progress line per entry on stderr and exits 0 even when entries fail (see \`failCount\`).
    `,
    examples: [
      ["Merge everything queued", "git ov merge --all"],
      [
        "Merge one agent branch into a release branch",
        "git ov merge --branch ov/builder-1/task-42 --into release/1.2",
      ],
      ["See what would conflict", "git ov merge --all --dry-run"],
      ["Queue a branch by hand", "git ov merge --enqueue ov/builder-1/task-42"],
    ],
  });

  branch = Option.String("--branch", { description: "Merge this branch (queued first if needed)" });
  all = Option.Boolean("--all", false, { description: "Merge every pending queue entry, FIFO" });
  into = Option.String("--into", {
    description: "Target branch (default: session base branch, else project.canonicalBranch)",
  });
  dryRun = Option.Boolean("--dry-run", false, {
    description: "Predict conflicts; take no lock, write nothing",
  });
  enqueue = Option.String("--enqueue", { description: "Only add this branch to the queue" });

  async run(): Promise<CommandOutput> {
    const deps = await this.deps();
    const { OvError } = await import("../../core/errors.js");
    if (this.enqueue !== undefined) {
      if (this.branch || this.all || this.dryRun) {
        throw new OvError("USAGE", "--enqueue cannot be combined with --branch, --all or --dry-run", {
          hint: "queue first, then run git ov merge --all",
        });
      }
      return this.doEnqueue(this.enqueue);
    }
    if (this.into !== undefined) {
      const { branchName } = await import("../../merge/branch.js");
      branchName(this.into, "target branch");
    }
    if (this.dryRun) {
      const { dryRun } = await import("../../merge/dry-run.js");
      const predictions = await dryRun(deps, { branch: this.branch, all: this.all, into: this.into });
      const text = predictions.length
        ? predictions.map(predictionLine).join("\n")
        : "No pending branches to merge";
      return { data: { dryRun: true, predictions, count: predictions.length }, text };
    }
    const { runMerge } = await import("../../merge/run.js");
    const summary = await runMerge(deps, {
      branch: this.branch,
      all: this.all,
      into: this.into,
      onResult: (r, i, n) => {
        if (this.all) this.context.stderr.write(`[${i + 1}/${n}] ${resultLine(r)}\n`);
      },
    });
    if (this.branch) {
      const r = summary.results[0]!;
      if (!r.success) {
        throw new OvError("MERGE", resultLine(r), {
          data: { result: r },
          hint:
            r.outcome === "conflict"
              ? "resolve by hand and merge, or enable a resolver (merge.resolverCommand)"
              : "see git ov merge queue",
        });
      }
      const mail = r.mail ? `\nmailed merged to ${r.mail.to}` : "";
      return {
        data: { ...r },
        text: `${resultLine(r)}${mail}${r.warnings.map((w) => `\nwarning: ${w}`).join("")}`,
      };
    }
    const text =
      summary.count === 0
        ? "No pending branches to merge"
        : `Done: ${summary.successCount} merged, ${summary.failCount} failed out of ${summary.count} total.`;
    return { data: { ...summary }, text };
  }

  private async doEnqueue(branch: string): Promise<CommandOutput> {
    const { loadConfig } = await import("../../config/config.js");
    const { branchName } = await import("../../merge/branch.js");
    const { enqueueBranch } = await import("../../merge/select.js");
    const deps = await this.deps();
    const res = await enqueueBranch(deps, await loadConfig(deps), branchName(branch), this.into, {
      keepTarget: true,
    });
    const e = res.entry;
    return {
      data: { created: res.created, entry: e },
      text: res.created
        ? `queued ${e.branch} (entry ${e.id}, #${e.seq})`
        : `${e.branch} is already queued (entry ${e.id}, ${e.status})`,
    };
  }
}

function entryLine(e: QueueEntry): string {
  const extra =
    e.status === "merged"
      ? ` -> ${e.mergedInto} ${short(e.resultCommit)}${e.tier ? ` (${e.tier})` : ""}`
      : e.error
        ? `: ${e.error}`
        : "";
  return `#${e.seq} ${e.status.padEnd(8)} ${e.branch}${e.agent ? ` [${e.agent}]` : ""}${extra}`;
}

export class MergeQueueCommand extends OvCommand {
  static override paths = [["merge", "queue"]];
  static override usage = Command.Usage({
    description: "list the merge queue",
    details: "Entries in FIFO order from `refs/ov/merge/queue`. With `--json`, one entry per line (NDJSON).",
    examples: [
      ["Everything", "git ov merge queue"],
      ["Only what is waiting", "git ov merge queue --status pending"],
    ],
  });

  status = Option.String("--status", { description: "Only entries with this status" });

  async run(): Promise<CommandOutput> {
    const { listQueue } = await import("../../merge/queue.js");
    const { describeProblem } = await import("../../store/store.js");
    const { entries, problems } = await listQueue(await this.deps());
    const shown = this.status ? entries.filter((e) => e.status === this.status) : entries;
    for (const p of problems) this.context.stderr.write(`git ov: warning: ${describeProblem(p)}\n`);
    return {
      lines: shown,
      text: shown.length ? shown.map(entryLine).join("\n") : "The merge queue is empty",
    };
  }
}

export const commands = [MergeCommand, MergeQueueCommand];
