import type { BaseContext } from "clipanion";

/** What every command is handed: streams, environment and the directory it runs in. */
export interface OvContext extends BaseContext {
  cwd: string;
  /** Path of the git-ov executable this process runs from (for hook shims and detached turns). */
  selfBin: string;
}
