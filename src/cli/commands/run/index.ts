import { RunCompleteCommand } from "./complete.js";
import { RunCurrentCommand } from "./current.js";
import { RunListCommand } from "./list.js";
import { RunShowCommand } from "./show.js";

/** The `run` namespace. */
export const commands = [RunCurrentCommand, RunListCommand, RunShowCommand, RunCompleteCommand];
