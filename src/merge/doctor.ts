import type { DocumentKind } from "../setup/contracts.js";
import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { listQueue } from "./queue.js";
import { LOCK_PREFIX } from "./types.js";
import { readMergeLock } from "./lock.js";
import { decodeRefComponent } from "../core/ids.js";

/** Doctor checks for the merge queue document and the merge locks. */
export const MERGE_DOCUMENT_KINDS: DocumentKind[] = [
  {
    name: "merge queue",
    prefix: "refs/ov/merge/queue",
    check: async (deps: Deps) => (await listQueue(deps)).problems,
  },
  {
    name: "merge locks",
    prefix: LOCK_PREFIX,
    check: async (deps: Deps) => {
      const problems: DocProblem[] = [];
      for (const { ref } of await deps.git.refs.list(LOCK_PREFIX)) {
        const lock = await readMergeLock(deps, decodeRefComponent(ref.slice(LOCK_PREFIX.length)));
        if (lock && !lock.info)
          problems.push({ ref, commit: lock.commit, path: "lock.json", problem: "unreadable lock" });
      }
      return problems;
    },
  },
];
