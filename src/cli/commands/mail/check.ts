import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";
import { defaultSender, intFlag } from "./shared.js";

export class MailCheckCommand extends OvCommand {
  static override paths = [["mail", "check"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "show an agent's unread mail and mark it read",
    details: `
      Lists the unread mail of \`--agent\` (default: \`$GIT_OV_AGENT\`, else \`operator\`) oldest first and marks exactly those messages read (one ack commit); mail arriving meanwhile stays unread.

      \`--inject\` prints the batch format agents receive as one turn: escaped one-line headers, bodies fenced by a per-batch marker. \`--debounce <ms>\` exits silently when this agent was checked (with --debounce) less than <ms> ago; the time is kept in \`<git-common-dir>/ov/mail-check-state.json\`.
    `,
    examples: [
      ["Read your mail", "git ov mail check"],
      ["An agent's mail, as its turn text", "git ov mail check --agent builder-1 --inject"],
      ["From a hook, at most every 5 s", "git ov mail check --inject --debounce 5000"],
    ],
  });

  agent = Option.String("--agent", { description: "Whose inbox (default: $GIT_OV_AGENT, else operator)" });
  inject = Option.Boolean("--inject", false, { description: "Print the agent batch format" });
  debounce = Option.String("--debounce", { description: "Skip if checked less than <ms> ago" });

  async run(): Promise<CommandOutput> {
    const { recipientName } = await import("../../../mail/schema.js");
    const agent = recipientName(this.agent ?? defaultSender(this.context));
    const windowMs = intFlag("--debounce", this.debounce, 0);
    const deps = await this.deps();
    const debounce = await import("../../../mail/debounce.js");
    if (windowMs !== undefined && debounce.withinDebounce(deps, agent, windowMs)) {
      return { data: { agent, debounced: true, count: 0, messages: [] }, text: "" };
    }
    const { checkMail } = await import("../../../mail/inbox.js");
    const { describeProblem } = await import("../../../store/store.js");
    const inbox = await checkMail(deps, agent);
    if (windowMs !== undefined) debounce.recordCheck(deps, agent);
    for (const p of inbox.problems)
      this.context.stderr.write(`git ov: warning: skipped ${describeProblem(p)}\n`);
    const problems = inbox.problems.map(describeProblem);
    const fmt = await import("../../../mail/format.js");
    if (this.inject) {
      const text = fmt.formatMailBatch(inbox.messages);
      return { data: { agent, count: inbox.messages.length, text, problems }, text };
    }
    const text =
      inbox.messages.length === 0
        ? `no new mail for ${agent}`
        : `${inbox.messages.length} new message(s) for ${agent}:\n\n${fmt.formatMessageList(inbox.messages, true)}`;
    return { data: { agent, count: inbox.messages.length, messages: inbox.messages, problems }, text };
  }
}
