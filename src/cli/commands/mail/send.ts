import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";
import { bodyFrom, defaultSender, printWarnings } from "./shared.js";

export class MailSendCommand extends OvCommand {
  static override paths = [["mail", "send"]];
  static override usage = Command.Usage({
    category: "Mail",
    description: "send a typed message to an agent or a group",
    details: `
      Delivers to \`refs/ov/mail/<to>\` as one commit. \`--to\` is an agent name, \`operator\`, or a group address (\`@all\`, \`@builders\`, \`@leads\`, … case-insensitive): active agents of the current run except the sender, delivered atomically (all inboxes or none).

      \`--from\` (alias \`--agent\`) defaults to \`$GIT_OV_AGENT\` inside an agent's worktree, else \`operator\`. The body comes from \`--body\` or stdin. Protocol types (worker_done, merge_ready, merged, merge_failed, escalation, health_check, assign, worker_died, decision_gate) need a \`--payload\` JSON object of their shape (docs/data-model.md); \`dispatch\` and the semantic types (status, question, result, error) take any object or none.

      A recipient that is completed or zombie is refused (revive it with \`git ov sling --recover\` or mail its parent).
    `,
    examples: [
      [
        "Ask the lead a question",
        "git ov mail send --to lead-1 --subject 'API shape?' --body 'REST or RPC?' --type question",
      ],
      [
        "Report completion to the parent",
        `git ov mail send --to lead-1 --type worker_done --subject done --body 'tests pass' --payload '{"taskId":"t-1","branch":"ov/builder-1/t-1","exitCode":0,"filesModified":["src/a.ts"]}'`,
      ],
      [
        "Broadcast to every active builder",
        "git ov mail send --to @builders --subject 'rebase on main' --body 'main moved' --priority high",
      ],
      ["Body from a file", "git ov mail send --to operator --subject report < report.md"],
    ],
  });

  to = Option.String("--to", {
    required: true,
    description: "Recipient agent, operator, or group (@all, @builders, …)",
  });
  subject = Option.String("--subject", { required: true, description: "Subject line" });
  body = Option.String("--body", { description: "Message text (default: stdin)" });
  from = Option.String("--from,--agent", { description: "Sender (default: $GIT_OV_AGENT, else operator)" });
  type = Option.String("--type", { description: "Message type (default: status)" });
  priority = Option.String("--priority", { description: "low, normal (default), high or urgent" });
  payload = Option.String("--payload", { description: "JSON object for protocol types" });

  async run(): Promise<CommandOutput> {
    const { sendMail } = await import("../../../mail/send.js");
    const { mailType, priority, parsePayloadJson } = await import("../../../mail/schema.js");
    const input = {
      from: this.from ?? defaultSender(this.context),
      to: this.to,
      subject: this.subject,
      body: "",
      ...(this.type !== undefined ? { type: mailType(this.type) } : {}),
      ...(this.priority !== undefined ? { priority: priority(this.priority) } : {}),
      ...(this.payload !== undefined ? { payload: parsePayloadJson(this.payload) } : {}),
    };
    input.body = await bodyFrom(this.context, this.body);
    const res = await sendMail(await this.deps(), input);
    printWarnings(this.context, this.json, res.warnings);
    const single = res.recipients.length === 1 && !this.to.startsWith("@");
    const text = single
      ? `sent ${res.ids[0]} to ${res.recipients[0]}`
      : `sent to ${res.recipients.length} recipient(s) of ${this.to.toLowerCase()}: ${res.recipients.join(", ")}`;
    return {
      data: {
        ...(single ? { id: res.ids[0] } : {}),
        messageIds: res.ids,
        recipients: res.recipients,
        recipientCount: res.recipients.length,
        warnings: res.warnings ?? [],
        ...(res.dispatchError ? { dispatchError: res.dispatchError } : {}),
      },
      text,
    };
  }
}
