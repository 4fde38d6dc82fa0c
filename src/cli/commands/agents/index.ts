import { AgentsDiscoverCommand } from "./discover.js";
import { AgentsEditCommand, AgentsResetCommand, AgentsShowCommand } from "./roles.js";

/** The `agents` namespace: one entry per command class. */
export const commands = [AgentsDiscoverCommand, AgentsShowCommand, AgentsEditCommand, AgentsResetCommand];
