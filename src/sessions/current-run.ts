import type { Deps } from "../store/deps.js";
import { readDoc } from "../store/documents.js";
import { shape, str } from "../store/validate.js";

/** `refs/ov/runs/current` → `current.json` `{v: 1, runId}`: the run new agents join. */
export const CURRENT_RUN_REF = "refs/ov/runs/current";
export const CURRENT_RUN_FILE = "current.json";

const currentValidator = shape<{ v: number; runId: string }>({ v: (v) => v as number, runId: str });

/** The current run id, or undefined when no run is current (or the pointer is unreadable). */
export async function readCurrentRunId(deps: Deps): Promise<string | undefined> {
  const doc = await readDoc(deps.store, CURRENT_RUN_REF, CURRENT_RUN_FILE, currentValidator);
  return doc.kind === "ok" ? doc.value.runId : undefined;
}
