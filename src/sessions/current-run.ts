import type { Deps } from "../store/deps.js";
import { readDoc } from "../store/documents.js";
import { type Validator, nullable, shape, str } from "../store/validate.js";

/**
 * `refs/ov/runs/current` → `current.json` `{v: 1, runId}`: the run new agents join. Completing
 * that run writes `runId: null` (a commit, not a delete), so `git log` of the ref is the run history.
 */
export const CURRENT_RUN_REF = "refs/ov/runs/current";
export const CURRENT_RUN_FILE = "current.json";

export interface CurrentRun {
  v: 1;
  runId: string | null;
}

export const currentRunValidator: Validator<CurrentRun> = shape<CurrentRun>({
  v: () => 1,
  runId: nullable(str),
});

/** The current run id, or undefined when no run is current (or the pointer is unreadable). */
export async function readCurrentRunId(deps: Deps): Promise<string | undefined> {
  const doc = await readDoc(deps.store, CURRENT_RUN_REF, CURRENT_RUN_FILE, currentRunValidator);
  return doc.kind === "ok" && doc.value.runId !== null ? doc.value.runId : undefined;
}
