import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class GroupAddCommand extends OvCommand {
  static override paths = [["group", "add"]];
  static override usage = Command.Usage({
    description: "add tasks to a group (re-opens a completed group)",
    details:
      "The group is named by id or by name (an exact id wins; among groups sharing a name, the one active group).",
    examples: [["Add a task", "git ov group add login-rework fix-login-3"]],
  });

  group = Option.String({ required: true, name: "group" });
  tasks = Option.Rest({ required: 1, name: "task" });

  async run(): Promise<CommandOutput> {
    const { addMembers } = await import("../../../sessions/groups.js");
    const group = await addMembers(await this.deps(), this.group, this.tasks);
    return {
      data: { group },
      text: `group ${group.id} '${group.name}' (${group.status}): ${group.members.join(", ")}`,
    };
  }
}

export class GroupRemoveCommand extends OvCommand {
  static override paths = [["group", "remove"]];
  static override usage = Command.Usage({
    description: "remove tasks from a group (at least one must remain)",
    examples: [["Drop a task", "git ov group remove login-rework add-sso"]],
  });

  group = Option.String({ required: true, name: "group" });
  tasks = Option.Rest({ required: 1, name: "task" });

  async run(): Promise<CommandOutput> {
    const { removeMembers } = await import("../../../sessions/groups.js");
    const group = await removeMembers(await this.deps(), this.group, this.tasks);
    return {
      data: { group },
      text: `group ${group.id} '${group.name}' (${group.status}): ${group.members.join(", ")}`,
    };
  }
}
