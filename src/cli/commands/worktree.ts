import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class WorktreeListCommand extends OvCommand {
  static override paths = [["worktree", "list"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "list agent worktrees with their sessions",
    examples: [
      ["List agent worktrees", "git ov worktree list"],
      ["As NDJSON", "git ov worktree list --json"],
    ],
  });

  async run(): Promise<CommandOutput> {
    const { listAgentWorktreeRows } = await import("../../agents/worktree-clean.js");
    const rows = await listAgentWorktreeRows(await this.deps());
    const text = rows.length
      ? rows.map((r) => `${r.agent ?? "?"}\t${r.state ?? "no session"}\t${r.branch}\t${r.path}`).join("\n")
      : "no agent worktrees";
    return { lines: rows, text };
  }
}

export class WorktreeCleanCommand extends OvCommand {
  static override paths = [["worktree", "clean"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "remove finished agents' worktrees and branches",
    details: `
      By default (\`--completed\`) only worktrees of completed or zombie agents (and orphans without a session); \`--all\` includes live agents, whose sessions become completed. A worktree is kept — and the reason printed — when it has uncommitted changes, its branch has commits not in \`project.canonicalBranch\`, a turn is in flight, or its agent has live children. \`--force\` overrides all of these (killing in-flight turns).
    `,
    examples: [
      ["Remove finished agents' worktrees", "git ov worktree clean"],
      ["Include live agents", "git ov worktree clean --all"],
      ["Remove even unmerged or dirty ones", "git ov worktree clean --all --force"],
    ],
  });

  completed = Option.Boolean("--completed", false, { description: "Only finished agents (the default)" });
  all = Option.Boolean("--all", false, { description: "Include live agents" });
  force = Option.Boolean("--force", false, {
    description: "Remove even with uncommitted changes, unmerged commits or live children",
  });

  async run(): Promise<CommandOutput> {
    const { cleanWorktrees } = await import("../../agents/worktree-clean.js");
    const r = await cleanWorktrees(await this.deps(), {
      all: this.all && !this.completed,
      force: this.force,
    });
    const lines = [`removed ${r.cleaned.length} worktree(s)`];
    for (const c of r.cleaned) lines.push(`  removed ${c.agent ?? "?"}: ${c.path} (${c.branch})`);
    for (const s of r.skipped) lines.push(`  kept ${s.agent ?? "?"}: ${s.reason}`);
    for (const b of r.blockedByChildren)
      lines.push(`  kept ${b.agent}: live children ${b.children.join(", ")} (--force to remove anyway)`);
    for (const f of r.failed) lines.push(`  failed ${f.agent ?? "?"}: ${f.error}`);
    return { data: { ...r }, text: lines.join("\n"), exitCode: r.failed.length > 0 ? 1 : 0 };
  }
}

export const commands = [WorktreeListCommand, WorktreeCleanCommand];
