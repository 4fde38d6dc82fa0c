import type { MailDispatcher } from "../mail/dispatch.js";

/**
 * What landing mail sets in motion, wired in the composition root (mail cannot import the
 * orchestration layer): recipients get a turn started or a pending mark. Modules load lazily, so
 * commands that send no mail pay nothing.
 */
export function mailDispatcher(selfBin: string): MailDispatcher {
  return async (deps, mail) => {
    const { dispatchAgents } = await import("../turn/dispatch.js");
    await dispatchAgents(deps, mail.recipients, selfBin);
  };
}
