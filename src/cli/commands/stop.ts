import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class StopCommand extends OvCommand {
  static override paths = [["stop"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "stop an agent: kill its turn, mark it completed",
    details: `
      Kills the agent's in-flight turn (the pid in \`<git-common-dir>/ov/turns/<agent>.pid\`: SIGTERM to its process group, SIGKILL after \`turn.killGraceMs\`), then moves its session to \`completed\` with compare-and-set (a zombie is promoted). Stopping a lead mails its parent (or the live coordinator) a notice naming the merge_ready branches it sent.

      \`--clean-worktree\` also removes the worktree (kept if it has uncommitted changes) and deletes the branch if it is merged into \`project.canonicalBranch\`. \`--force\` discards uncommitted changes and deletes an unmerged branch.
    `,
    examples: [
      ["Stop a builder", "git ov stop builder-fix-login"],
      ["Stop and remove its worktree and merged branch", "git ov stop builder-fix-login --clean-worktree"],
      ["Remove everything, even unmerged work", "git ov stop builder-fix-login --clean-worktree --force"],
    ],
  });

  agent = Option.String({ required: true, name: "agent" });
  cleanWorktree = Option.Boolean("--clean-worktree", false, {
    description: "Also remove the worktree and merged branch",
  });
  force = Option.Boolean("--force", false, {
    description: "Discard uncommitted changes and unmerged commits",
  });

  async run(): Promise<CommandOutput> {
    const { stopAgent } = await import("../../agents/stop.js");
    const r = await stopAgent(await this.deps(), this.agent, {
      cleanWorktree: this.cleanWorktree,
      force: this.force,
    });
    const lines = [
      r.wasCompleted
        ? `${r.agent} was already completed`
        : `stopped ${r.agent} (${r.capability}): ${r.previousState} -> completed${r.pidKilled ? `, killed turn pid ${r.pidKilled}` : ""}`,
    ];
    if (r.notice) lines.push(`  told ${r.notice.to}: ${r.notice.subject}`);
    if (r.worktreeRemoved) lines.push("  worktree removed");
    if (r.branchDeleted) lines.push("  branch deleted");
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
    return { data: { stopped: true, ...r }, text: lines.join("\n") };
  }
}

export const commands = [StopCommand];
