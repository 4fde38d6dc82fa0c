// Run completion through the runs API: a run whose agents have all ended is marked completed once
// (a compare-and-set on refs/ov/runs/<id>, which also clears refs/ov/runs/current if it names it).
import { completeRun, getRun } from "../sessions/runs.js";
import type { Deps } from "../store/deps.js";

/** True when the run is no longer active (or does not exist, so there is nothing to record). */
export async function isRunCompleted(deps: Deps, runId: string): Promise<boolean> {
  const run = await getRun(deps, runId);
  return run === undefined || run.status !== "active";
}

/** Records that `runId` completed. */
export async function markRunCompleted(deps: Deps, runId: string): Promise<void> {
  await completeRun(deps, runId, "completed");
}
