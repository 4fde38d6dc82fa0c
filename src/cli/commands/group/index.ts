import { GroupAddCommand, GroupRemoveCommand } from "./members.js";
import { GroupCreateCommand } from "./create.js";
import { GroupListCommand, GroupStatusCommand } from "./status.js";

/** The `group` namespace. */
export const commands = [
  GroupCreateCommand,
  GroupAddCommand,
  GroupRemoveCommand,
  GroupStatusCommand,
  GroupListCommand,
];
