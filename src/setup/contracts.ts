// Shapes that domain and orchestration modules implement for the entry points above them (hooks,
// doctor). They live down here so implementing one never needs an upward import.
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";

/** What a hook handler receives: the hook's arguments, its stdin, and the environment. */
export interface HookInput {
  args: string[];
  stdin: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The git-ov executable, for hooks that start detached git ov processes. */
  selfBin: string;
}

/** A git hook's logic: returns the hook's exit code. */
export type HookHandler = (deps: Deps, input: HookInput) => Promise<number>;

/** A document family doctor validates: every ref under `prefix`. */
export interface DocumentKind {
  name: string;
  prefix: string;
  check(deps: Deps): Promise<DocProblem[]>;
}

export type CheckStatus = "ok" | "warn" | "fail";

/** One doctor finding. */
export interface CheckResult {
  category: string;
  name: string;
  status: CheckStatus;
  message: string;
  /** What `--fix` would do, or the command the user can run. */
  fix?: string;
  fixed?: boolean;
}
