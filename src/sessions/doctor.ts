import type { Deps } from "../store/deps.js";
import { readDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";
import { CURRENT_RUN_FILE, CURRENT_RUN_REF, currentRunValidator } from "./current-run.js";
import { listGroups } from "./groups.js";
import { RUN_FILE, listRuns, runRef, runValidator } from "./runs.js";
import { listSessions } from "./session.js";

/** Problems in `refs/ov/sessions/*` (corrupt JSON, bad fields, a name that disagrees with its ref). */
export async function sessionProblems(deps: Deps): Promise<DocProblem[]> {
  return (await listSessions(deps)).problems;
}

/** Problems in `refs/ov/runs/*`, including a current pointer that is unreadable or names no run. */
export async function runProblems(deps: Deps): Promise<DocProblem[]> {
  const { problems } = await listRuns(deps);
  const pointer = await readDoc(deps.store, CURRENT_RUN_REF, CURRENT_RUN_FILE, currentRunValidator);
  if (pointer.kind === "invalid") problems.push(pointer.problem);
  if (pointer.kind === "ok" && pointer.value.runId !== null) {
    const run = await readDoc(deps.store, runRef(pointer.value.runId), RUN_FILE, runValidator);
    if (run.kind === "missing") {
      problems.push({
        ref: CURRENT_RUN_REF,
        commit: pointer.commit,
        path: CURRENT_RUN_FILE,
        problem: `names run '${pointer.value.runId}', which does not exist`,
      });
    }
  }
  return problems;
}

/** Problems in `refs/ov/groups/*`. */
export async function groupProblems(deps: Deps): Promise<DocProblem[]> {
  return (await listGroups(deps)).problems;
}
