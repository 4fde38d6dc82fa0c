import { Command, Option } from "clipanion";
import type { GroupProgress, GroupReport } from "../../../sessions/group-progress.js";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class GroupStatusCommand extends OvCommand {
  static override paths = [["group", "status"]];
  static override usage = Command.Usage({
    description: "show a group's progress (or every active group's)",
    details:
      "Member progress comes from the sessions working on each task: open (no agent yet), in_progress, blocked (finished with a zombie), completed. A group whose members all completed is closed here and `coordinator` is mailed `Group auto-closed: <name>`.",
    examples: [
      ["Every active group", "git ov group status"],
      ["One group by name or id", "git ov group status login-rework"],
    ],
  });

  group = Option.String({ required: false, name: "group" });

  async run(): Promise<CommandOutput> {
    const { reportGroups } = await import("../../../sessions/group-progress.js");
    const report = await reportGroups(
      await this.deps(),
      this.group === undefined ? {} : { idOrName: this.group },
    );
    await warn(this, report);
    return {
      data: { groups: report.groups.map(flatten), closed: report.closed.map((g) => g.id) },
      text: render(report, "no active groups"),
    };
  }
}

export class GroupListCommand extends OvCommand {
  static override paths = [["group", "list"]];
  static override usage = Command.Usage({
    description: "list every group with its progress",
    details:
      "Closes groups whose members all completed, like `group status`. With `--json`, one group per line (NDJSON).",
    examples: [
      ["All groups", "git ov group list"],
      ["As NDJSON", "git ov group list --json"],
    ],
  });

  async run(): Promise<CommandOutput> {
    const { reportGroups } = await import("../../../sessions/group-progress.js");
    const report = await reportGroups(await this.deps(), { all: true });
    await warn(this, report);
    return { lines: report.groups.map(flatten), text: render(report, "no groups") };
  }
}

async function warn(cmd: OvCommand, report: GroupReport): Promise<void> {
  const { problemLines } = await import("../../../sessions/format.js");
  const err = cmd.context.stderr;
  if (report.problems.length > 0) err.write(problemLines(report.problems));
  for (const w of report.warnings) err.write(`git ov: warning: ${w}\n`);
}

function flatten(p: GroupProgress): Record<string, unknown> {
  return { ...p.group, progress: p.members, completedCount: p.completed, total: p.total };
}

function render(report: GroupReport, empty: string): string {
  if (report.groups.length === 0) return empty;
  const closed = new Set(report.closed.map((g) => g.id));
  const out: string[] = [];
  for (const p of report.groups) {
    const g = p.group;
    out.push(`${g.id}  ${g.name}  ${g.status}  ${p.completed}/${p.total} completed`);
    for (const m of p.members)
      out.push(`  ${m.task}  ${m.status}${m.agents.length > 0 ? `  (${m.agents.join(", ")})` : ""}`);
    if (closed.has(g.id)) out.push(`  auto-closed: every member task completed`);
  }
  return out.join("\n");
}
