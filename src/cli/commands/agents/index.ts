import { AgentsDiscoverCommand } from "./discover.js";

/** The `agents` namespace: one entry per command class. */
export const commands = [AgentsDiscoverCommand];
