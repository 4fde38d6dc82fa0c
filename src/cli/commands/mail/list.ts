import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";
import { intFlag } from "./shared.js";

export class MailListCommand extends OvCommand {
  static override paths = [["mail", "list"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "list mail across inboxes, newest first, without marking it read",
    details: `
      Filters combine. Note: here \`--agent\` is an alias of \`--to\` (the recipient), while \`mail send\` and \`mail reply\` use \`--agent\` for the sender — the reference CLI's convention, kept for compatibility. \`*\` marks unread mail. \`--json\` prints one message per line (NDJSON) with a \`read\` field.
    `,
    examples: [
      ["Recent mail everywhere", "git ov mail list"],
      ["What builder-1 has not read yet", "git ov mail list --to builder-1 --unread"],
      ["Completion reports sent by builder-1", "git ov mail list --from builder-1 --type worker_done"],
      ["Everything, as NDJSON", "git ov mail list --limit 100000 --json"],
    ],
  });

  from = Option.String("--from", { description: "Only mail from this sender" });
  to = Option.String("--to,--agent", {
    description: "Only mail to this recipient (--agent is an alias here)",
  });
  unread = Option.Boolean("--unread", false, { description: "Only unread mail" });
  type = Option.String("--type", { description: "Only this message type" });
  limit = Option.String("--limit", { description: "At most this many (default 100)" });

  async run(): Promise<CommandOutput> {
    const { mailType, recipientName } = await import("../../../mail/schema.js");
    const { listMail } = await import("../../../mail/list.js");
    const { formatMessageList } = await import("../../../mail/format.js");
    const { describeProblem } = await import("../../../store/store.js");
    const res = await listMail(await this.deps(), {
      ...(this.from !== undefined ? { from: this.from } : {}),
      ...(this.to !== undefined ? { to: recipientName(this.to) } : {}),
      ...(this.type !== undefined ? { type: mailType(this.type) } : {}),
      unread: this.unread,
      limit: intFlag("--limit", this.limit, 1) ?? 100,
    });
    for (const p of res.problems)
      this.context.stderr.write(`git ov: warning: skipped ${describeProblem(p)}\n`);
    const text = res.messages.length === 0 ? "no mail" : formatMessageList(res.messages, false);
    return { lines: res.messages, text };
  }
}
