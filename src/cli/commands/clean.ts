import { Command, Option } from "clipanion";
import { OvError } from "../../core/errors.js";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class CleanCommand extends OvCommand {
  static override paths = [["clean"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "remove git ov state by category",
    details: `
      \`--worktrees\` kills in-flight turns and removes agent worktrees (live agents become completed); \`--branches\` deletes \`ov/*\` branches merged into \`project.canonicalBranch\`; \`--sessions\` deletes finished agents' session refs; \`--mail\`, \`--specs\` delete those refs; \`--logs\` empties the machine-local logs and event logs; \`--all\` does everything and also drops the current-run pointer and the merge queue.

      Kept unless \`--force\`, each with the reason: worktrees with uncommitted changes, branches with unmerged commits (the count is printed), sessions of live agents.
    `,
    examples: [
      ["Remove worktrees and merged branches", "git ov clean --worktrees --branches"],
      ["Everything, keeping unmerged work", "git ov clean --all"],
      ["Everything, including unmerged branches", "git ov clean --all --force"],
    ],
  });

  all = Option.Boolean("--all", false, {
    description: "Every category, plus the current run and the merge queue",
  });
  worktrees = Option.Boolean("--worktrees", false, { description: "Agent worktrees (and in-flight turns)" });
  branches = Option.Boolean("--branches", false, {
    description: "ov/* branches (merged only, unless --force)",
  });
  sessions = Option.Boolean("--sessions", false, { description: "Session refs of finished agents" });
  mail = Option.Boolean("--mail", false, { description: "Every inbox ref" });
  specs = Option.Boolean("--specs", false, { description: "refs/ov/specs" });
  logs = Option.Boolean("--logs", false, { description: "Machine-local logs and event logs" });
  force = Option.Boolean("--force", false, {
    description: "Also remove dirty worktrees, unmerged branches, live sessions",
  });

  async run(): Promise<CommandOutput> {
    const { CLEAN_CATEGORIES, cleanState } = await import("../../agents/clean.js");
    const picked = CLEAN_CATEGORIES.filter((c) => this.all || this[c]);
    if (picked.length === 0) {
      throw new OvError("USAGE", "nothing to clean: name at least one category", {
        hint: "pass --worktrees, --branches, --sessions, --mail, --specs, --logs or --all",
      });
    }
    const r = await cleanState(await this.deps(), new Set(picked), { force: this.force, all: this.all });
    const lines = Object.entries(r.removed).map(([k, v]) => `removed ${v.length} ${k}`);
    for (const k of r.kept) lines.push(`kept ${k.what}: ${k.reason}`);
    return { data: { categories: picked, ...r }, text: lines.length ? lines.join("\n") : "nothing to clean" };
  }
}

export const commands = [CleanCommand];
