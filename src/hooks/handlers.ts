import type { Deps } from "../store/deps.js";

/** What a hook handler receives: the hook's arguments, its stdin, and the environment. */
export interface HookInput {
  args: string[];
  stdin: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The git-ov executable, for hooks that start detached git ov processes. */
  selfBin: string;
}

export type HookHandler = (deps: Deps, input: HookInput) => Promise<number>;

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
