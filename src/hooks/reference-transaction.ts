import type { HookHandler } from "./handlers.js";

const ZERO = /^0+$/;
const MAIL = "refs/ov/mail/";

/** Agents whose inbox ref gained a new tip in a committed ref transaction (from the hook's stdin). */
export function mailRecipients(stdin: string): string[] {
  const out = new Set<string>();
  for (const line of stdin.split("\n")) {
    const [, next, ref] = line.trim().split(" ");
    if (!ref?.startsWith(MAIL) || !next || ZERO.test(next)) continue;
    const agent = ref.slice(MAIL.length);
    if (agent && !agent.includes("/")) out.add(agent);
  }
  return [...out];
}

/**
 * Mail refs moved by plain git (a fetch, a manual update-ref): wake the recipients. git ov's own
 * writes are filtered out by the shell shim (GIT_OV_INTERNAL) because they already dispatched.
 */
export const referenceTransaction: HookHandler = async (deps, input) => {
  if (input.args[0] !== "committed") return 0;
  const agents = mailRecipients(input.stdin);
  if (agents.length === 0) return 0;
  const { dispatchAgents } = await import("../turn/dispatch.js");
  await dispatchAgents(deps, agents, input.selfBin);
  return 0;
};
