import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class MailReadCommand extends OvCommand {
  static override paths = [["mail", "read"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "show one message and mark it read",
    details:
      "Finds the message in any inbox (or only in `--agent`'s inbox) and acks it there. Reading an already-read message changes nothing.",
    examples: [
      ["Read one message", "git ov mail read msg-0mf3k2a9cx1y2z3"],
      ["Only look in builder-1's inbox", "git ov mail read msg-0mf3k2a9cx1y2z3 --agent builder-1"],
    ],
  });

  id = Option.String({ required: true });
  agent = Option.String("--agent", { description: "The inbox (recipient) to look in" });

  async run(): Promise<CommandOutput> {
    const { markRead } = await import("../../../mail/read.js");
    const { formatMessage } = await import("../../../mail/format.js");
    const res = await markRead(
      await this.deps(),
      this.id,
      this.agent !== undefined ? { agent: this.agent } : {},
    );
    return {
      data: { message: res.message, agent: res.agent, alreadyRead: res.alreadyRead },
      text: formatMessage(res.message),
    };
  }
}
