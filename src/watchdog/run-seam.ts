// SEAM(sessions): run completion. The sessions engineer's runs API (`refs/ov/runs/<id>` with a
// status, and `completeRun`) is not on this branch yet. Until it lands, "recorded once" is a
// machine-local marker file; when it lands, replace both functions with the runs API (read the
// run's status; CAS it to completed) and drop the marker.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";

/** `<ov>/watchdog/run-complete`: the id of the last run whose completion the watchdog recorded. */
export function runMarkerPath(deps: Deps): string {
  return join(ovDir(deps.repo), "watchdog", "run-complete");
}

/** True when the completion of `runId` was already recorded. */
export async function isRunCompleted(deps: Deps, runId: string): Promise<boolean> {
  try {
    return readFileSync(runMarkerPath(deps), "utf8").trim() === runId;
  } catch {
    return false;
  }
}

/** Records that `runId` completed. */
export async function markRunCompleted(deps: Deps, runId: string): Promise<void> {
  const path = runMarkerPath(deps);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${runId}\n`);
}
