import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";
import { bodyFrom, defaultSender, printWarnings } from "./shared.js";

export class MailReplyCommand extends OvCommand {
  static override paths = [["mail", "reply"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "reply to a message in its thread",
    details: `
      Goes to the original sender — or, when you sent the original, to its recipient. Subject \`Re: <subject>\` (never stacked), same thread and priority. The type is the original's for semantic types; a reply to a protocol message (worker_done, dispatch, …) is a \`status\` unless \`--type\` says otherwise. \`--from\` (alias \`--agent\`) defaults to \`$GIT_OV_AGENT\`, else \`operator\`.
    `,
    examples: [
      ["Answer a question", "git ov mail reply msg-0mf3k2a9cx1y2z3 --body 'REST, please'"],
      [
        "Reply as a specific agent",
        "git ov mail reply msg-0mf3k2a9cx1y2z3 --from lead-1 --body 'merged, thanks'",
      ],
    ],
  });

  id = Option.String({ required: true });
  body = Option.String("--body", { description: "Reply text (default: stdin)" });
  from = Option.String("--from,--agent", { description: "Sender (default: $GIT_OV_AGENT, else operator)" });
  type = Option.String("--type", { description: "Reply type (default: see above)" });

  async run(): Promise<CommandOutput> {
    const { replyTo } = await import("../../../mail/reply.js");
    const { mailType } = await import("../../../mail/schema.js");
    const type = this.type !== undefined ? mailType(this.type) : undefined;
    const body = await bodyFrom(this.context, this.body);
    const res = await replyTo(
      await this.deps(),
      this.id,
      body,
      this.from ?? defaultSender(this.context),
      type ? { type } : {},
    );
    printWarnings(this.context, this.json, res.warnings);
    return {
      data: {
        id: res.ids[0],
        to: res.to,
        threadId: res.threadId,
        subject: res.subject,
        warnings: res.warnings ?? [],
      },
      text: `sent ${res.ids[0]} to ${res.to} (thread ${res.threadId})`,
    };
  }
}
