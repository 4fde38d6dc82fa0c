import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class GuardCommand extends OvCommand {
  static override paths = [["guard"]];
  static override usage = Command.Usage({
    category: "Plumbing",
    description: "decide whether an agent may make one tool call (Claude Code PreToolUse hook)",
    details: `
      Reads Claude Code's PreToolUse hook payload (JSON with \`tool_name\`, \`tool_input\`, \`cwd\`) on stdin. The agent is identified by \`GIT_OV_AGENT\`, \`GIT_OV_CAPABILITY\`, \`GIT_OV_WORKTREE\`, \`GIT_OV_TASK\` and \`GIT_OV_BRANCH\`, which sling's agent environment sets. Without \`GIT_OV_AGENT\` (a human's own session) every call is allowed.

      Allowed: exit 0, no output. Blocked: exit 2 and one line on stderr, \`git ov guard: blocked (<rule>): <reason>\`, which Claude Code hands to the model. Unreadable input or a misconfigured environment blocks (fails closed). \`--explain\` prints the decision as JSON on stdout and exits 0. \`--answer-allow\` answers allowed calls with \`{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow",…}}\` on stdout, so Claude's \`default\` permission mode needs no prompt (the guard is then the whole policy).

      Rules: read-only roles (scout, reviewer, lead, coordinator, orchestrator, monitor) cannot edit files or run mutating shell commands; builders and mergers write only inside their worktree; nobody pushes, rebases, resets --hard, forces, leaves their branch, or deletes recursively outside the worktree; Claude's own delegation and interactive tools are refused; a lead's worker_done passes the close gate (a merge_ready for every worker_done received). \`git ov\` commands are always allowed.
    `,
    examples: [
      [
        "What a builder's Write outside its worktree gets",
        `echo '{"tool_name":"Write","tool_input":{"file_path":"/etc/x"},"cwd":"/tmp"}' | GIT_OV_AGENT=b1 GIT_OV_CAPABILITY=builder GIT_OV_WORKTREE=/tmp/wt git ov guard --explain`,
      ],
    ],
  });

  explain = Option.Boolean("--explain", false, { description: "Print the decision as JSON and exit 0" });
  answerAllow = Option.Boolean("--answer-allow", false, {
    description: "Answer allowed calls with permissionDecision allow (for Claude's default permission mode)",
  });

  async run(): Promise<CommandOutput> {
    const { runGuard, readAll } = await import("../../agents/guard/main.js");
    const out = await runGuard(
      [...(this.explain ? ["--explain"] : []), ...(this.answerAllow ? ["--answer-allow"] : [])],
      this.context.env,
      await readAll(this.context.stdin),
    );
    this.context.stdout.write(out.stdout);
    this.context.stderr.write(out.stderr);
    return { exitCode: out.code };
  }
}

export const commands = [GuardCommand];
