import type { MailDispatcher } from "../mail/dispatch.js";

/**
 * What landing mail sets in motion, wired in the composition root (mail cannot import the
 * orchestration layer): a `merge_ready` joins the merge queue, and recipients get a turn started or
 * a pending mark. Modules load lazily, so commands that send no mail pay nothing.
 */
export function mailDispatcher(selfBin: string): MailDispatcher {
  return async (deps, mail) => {
    const { dispatchAgents } = await import("../turn/dispatch.js");
    await dispatchAgents(deps, mail.recipients, selfBin);
    if (mail.type === "merge_ready" && mail.ids[0] && mail.recipients[0]) {
      const { readMessage } = await import("../mail/read.js");
      const { enqueueFromMail } = await import("../merge/enqueue-mail.js");
      const found = await readMessage(deps, mail.ids[0], { agent: mail.recipients[0] });
      await enqueueFromMail(deps, found.message);
    }
  };
}
