export type { HookHandler, HookInput } from "../setup/contracts.js";
import type { HookHandler } from "../setup/contracts.js";

/**
 * Hook name → handler, loaded lazily. Domain issues plug their handlers in here; a hook with no
 * handler yet exits 0 so it never blocks the user's git command.
 */
export const HOOK_HANDLERS: Record<string, () => Promise<HookHandler>> = {
  "commit-msg": async () => (await import("./commit-msg.js")).commitMsg,
  "post-merge": async () => (await import("../merge/post-merge.js")).postMerge,
  "pre-push": async () => async (_deps, input) => (input.env.GIT_OV_AGENT ? 1 : 0),
  "reference-transaction": async () => (await import("./reference-transaction.js")).referenceTransaction,
};

export const KNOWN_HOOKS = ["commit-msg", "post-commit", "post-merge", "pre-push", "reference-transaction"];
