import type { Capability } from "../capabilities.js";
import { canonicalTerminalType } from "../capabilities.js";
import { SHELL_VARS, renderCommands, roleCommands, terminalCommand } from "../protocol.js";

/** What a role text is built from: generated command lines, so prose never drifts from the CLI. */
export interface RoleContext {
  capability: Capability;
  /** Markdown list of this role's commands, written with $GIT_OV_* variables. */
  commands: string;
  /** The terminal mail command, or undefined for persistent roles. */
  finish: string | undefined;
  terminalType: string | undefined;
}

export type RoleText = (c: RoleContext) => string;

export function roleContext(capability: Capability): RoleContext {
  return {
    capability,
    commands: renderCommands(roleCommands(capability, SHELL_VARS)),
    finish: terminalCommand(capability, SHELL_VARS),
    terminalType: canonicalTerminalType(capability),
  };
}

/** Shared opening for every role: act at once, keep mail short. */
export const DRIVE = `Start working as soon as you have read your assignment. Nobody will confirm your plan, so do not
wait for approval, do not restate the task, and do not ask permission for steps your role already
allows. Keep mail short: a subject that says what happened and a body with the facts someone needs.`;

/** Shared closing for task-scoped roles: the terminal mail is the only way the system knows you are done. */
export function finishing(c: RoleContext): string {
  if (!c.finish) return "";
  return `## Finishing

Your work ends when you send your terminal mail (type \`${c.terminalType}\`) to your parent:

    ${c.finish}

Send it exactly once, after everything else is done. A turn that ends without it leaves you idle,
waiting for mail; the watchdog will eventually ask what happened.`;
}
