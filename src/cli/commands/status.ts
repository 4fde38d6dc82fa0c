import { Command, Option } from "clipanion";
import type { StatusReport } from "../../sessions/status.js";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class StatusCommand extends OvCommand {
  static override paths = [["status"]];
  static override usage = Command.Usage({
    description: "show agents, their states, worktrees, unread mail and the current run",
    details: `
      Scope: the current run's agents plus agents that belong to no run; \`--all\` shows every run and the finished agents too. Unread mail is counted per agent, and the headline counts one inbox (\`--agent\`, default \`operator\`), labelled with its scope.

      Status only reads: it never changes an agent's state. Unreadable session documents are reported on stderr (ref and commit) and skipped; the exit code stays 0 (\`git ov doctor\` fails on them).
    `,
    examples: [
      ["The current run", "git ov status"],
      ["Every run, finished agents included", "git ov status --all"],
      ["With runtime, pid, log directory and inbox times", "git ov status --verbose"],
      ["Count a lead's unread mail in the headline", "git ov status --agent lead-1"],
      ["Machine-readable", "git ov status --json"],
    ],
  });

  all = Option.Boolean("--all", false, { description: "Every run, terminal agents included" });
  verbose = Option.Boolean("--verbose", false, {
    description: "Per-agent runtime, pid, log dir, inbox time",
  });
  agent = Option.String("--agent", { description: "Inbox counted in the mail headline (default operator)" });

  async run(): Promise<CommandOutput> {
    const { readStatus } = await import("../../sessions/status.js");
    const { problemLines } = await import("../../sessions/format.js");
    const deps = await this.deps();
    const { agentName } = await import("../../core/ids.js");
    const mailAgent = agentName(this.agent ?? this.context.env.GIT_OV_AGENT ?? "operator", "--agent");
    const report = await readStatus(deps, { all: this.all, verbose: this.verbose, mailAgent });
    if (report.problems.length > 0) this.context.stderr.write(problemLines(report.problems));
    const text = this.json ? "" : await renderStatus(report, this.all, this.verbose, deps.clock.now());
    return { data: { ...report }, text };
  }
}

async function renderStatus(r: StatusReport, all: boolean, verbose: boolean, now: number): Promise<string> {
  const { ago, table } = await import("../../sessions/format.js");
  const out: string[] = [];
  out.push(
    r.currentRunId
      ? `Run: ${r.currentRunId}${r.scope === "all" ? " (current; showing all runs)" : " (current)"}`
      : "Run: none current (showing all runs)",
  );
  const shown = all ? r.agents : r.agents.filter((a) => a.state !== "completed" && a.state !== "zombie");
  const c = r.counts;
  out.push(
    `Agents: ${c.booting + c.working + c.stalled} active (${c.booting} booting, ${c.working} working, ${c.stalled} stalled), ${c.completed} completed, ${c.zombie} zombie`,
  );
  const rows = shown.map((a) => [
    a.alive ? "●" : "○",
    a.name,
    a.capability,
    a.state,
    a.task,
    `last active ${ago(a.lastActivity, now)}`,
    `mail ${a.unread}`,
    a.worktreeExists ? "" : "(no worktree)",
  ]);
  if (rows.length > 0) out.push(table(rows, "  "));
  if (verbose) {
    for (const a of shown) {
      const v = a.verbose;
      if (!v) continue;
      out.push(
        `  ${a.name}: runtime ${v.runtime}${v.pid ? ` pid ${v.pid}` : ""}, turn ${a.turns}, branch ${a.branch}, worktree ${a.worktree}, logs ${v.logDir}, inbox changed ${v.inboxUpdatedAt ? ago(v.inboxUpdatedAt, now) : "never"}${a.reason ? `, reason: ${a.reason}` : ""}`,
      );
    }
  }
  out.push(`Worktrees: ${r.worktrees.length}`);
  if (verbose)
    for (const w of r.worktrees)
      out.push(`  ${w.path}${w.branch ? ` [${w.branch}]` : ""}${w.agent ? ` (${w.agent})` : ""}`);
  out.push(`Mail: ${r.unreadMailCount} unread (${r.unreadMailScope})`);
  out.push(`Merge queue: ${r.mergeQueueCount}`);
  out.push(`Sessions recorded: ${r.sessionsRecorded}`);
  return out.join("\n");
}

export const commands = [StatusCommand];
