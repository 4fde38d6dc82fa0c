import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class GroupCreateCommand extends OvCommand {
  static override paths = [["group", "create"]];
  static override usage = Command.Usage({
    description: "create a task group to track several tasks together",
    details:
      "Members are task ids. A member is done when every agent that worked on its task completed; when all members are done the group closes itself and mails `coordinator`.",
    examples: [
      ["Group three tasks", "git ov group create login-rework fix-login-1 fix-login-2 add-sso"],
      ["As JSON", "git ov group create release-1 task-a task-b --json"],
    ],
  });

  name = Option.String({ required: true });
  tasks = Option.Rest({ required: 1, name: "task" });

  async run(): Promise<CommandOutput> {
    const { createGroup } = await import("../../../sessions/groups.js");
    const group = await createGroup(await this.deps(), this.name, this.tasks);
    return {
      data: { group },
      text: `created group ${group.id} '${group.name}' with ${group.members.length} task(s): ${group.members.join(", ")}`,
    };
  }
}
