import type { Deps } from "../store/deps.js";
import type { DocProblem } from "../store/store.js";
import { readMessagesIn } from "./inbox.js";
import { INBOX_FILE, MAIL_PREFIX, UNREAD_DIR } from "./types.js";

/** Doctor check: every unread message of every inbox parses and validates; `inbox.json` is sane. */
export async function checkMailDocuments(deps: Deps): Promise<DocProblem[]> {
  const refs = await deps.git.refs.listFast(MAIL_PREFIX);
  const all = await Promise.all(
    refs.map(async ({ ref, oid }) => {
      const draft = await deps.store.openAt(oid);
      const { problems } = await readMessagesIn(deps, draft, UNREAD_DIR, { ref, commit: oid });
      const meta = await draft.readJson(INBOX_FILE);
      const seq = meta?.ok ? (meta.value as { seq?: unknown } | null)?.seq : undefined;
      if (meta && (!meta.ok || typeof seq !== "number" || !Number.isInteger(seq) || seq < 0)) {
        problems.push({
          ref,
          commit: oid,
          path: INBOX_FILE,
          problem: 'expected {"v": 1, "seq": <integer >= 0>}',
        });
      }
      return problems;
    }),
  );
  return all.flat();
}
