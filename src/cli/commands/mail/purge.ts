import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";
import { intFlag } from "./shared.js";

export class MailPurgeCommand extends OvCommand {
  static override paths = [["mail", "purge"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "delete old mail from inboxes",
    details: `
      Conditions combine (AND); at least one is required. Only read mail is removed unless \`--all\` is given — unread mail is work an agent has not seen. \`--days <n>\`: created more than n days ago. \`--agent <name>\`: sent to or by that agent. Each changed inbox gets one purge commit; the removed messages stay in the inbox's history (\`git log -p refs/ov/mail/<agent>\`) until history is compacted.
    `,
    examples: [
      ["Read mail older than 30 days", "git ov mail purge --days 30"],
      ["Everything to or from builder-1, unread included", "git ov mail purge --all --agent builder-1"],
      ["Empty every inbox", "git ov mail purge --all"],
    ],
  });

  all = Option.Boolean("--all", false, { description: "Include unread mail (alone: every message)" });
  days = Option.String("--days", { description: "Only mail older than this many days" });
  agent = Option.String("--agent", { description: "Only mail to or from this agent" });

  async run(): Promise<CommandOutput> {
    const { purgeMail } = await import("../../../mail/purge.js");
    const days = intFlag("--days", this.days, 1);
    const res = await purgeMail(await this.deps(), {
      all: this.all,
      ...(days !== undefined ? { days } : {}),
      ...(this.agent !== undefined ? { agent: this.agent } : {}),
    });
    return {
      data: { removed: res.removed, inboxes: res.inboxes },
      text: `removed ${res.removed} message(s)${res.inboxes.length ? ` from ${res.inboxes.join(", ")}` : ""}`,
    };
  }
}
