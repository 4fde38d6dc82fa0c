import type { Deps } from "../store/deps.js";
import { parseTrailers } from "../store/message.js";
import { MAIL_PREFIX, type MailType } from "./types.js";

/** Every inbox tip (ref → commit): a turn's mail baseline. */
export async function mailTips(deps: Deps): Promise<Map<string, string>> {
  return new Map((await deps.git.refs.listFast(MAIL_PREFIX)).map((r) => [r.ref, r.oid]));
}

export interface SentMail {
  id: string;
  to: string;
  type: MailType;
  commit: string;
}

/**
 * Mail sent by `from` (of one of `types`, if given) in send commits reachable from the current
 * inbox tips but not from `baseline` — decided by git reachability from the commits' trailers, never
 * by clocks, and without reading message blobs. Newest first.
 */
export async function sentSince(
  deps: Deps,
  baseline: ReadonlyMap<string, string>,
  filter: { from: string; types?: readonly MailType[] },
): Promise<SentMail[]> {
  const tips = [...(await mailTips(deps)).values()];
  if (tips.length === 0) return [];
  const revs = [...tips, ...[...baseline.values()].map((oid) => `^${oid}`)];
  const res = await deps.git.run(["log", "--stdin", "--format=%H%n%(trailers:only,unfold)%x1e"], {
    input: `${revs.join("\n")}\n`,
  });
  const out: SentMail[] = [];
  for (const record of res.stdout.split("\x1e")) {
    const text = record.trim();
    if (text === "") continue;
    const nl = text.indexOf("\n");
    const commit = nl < 0 ? text : text.slice(0, nl);
    const t = parseTrailers(nl < 0 ? "" : text.slice(nl + 1));
    if (t["Ov-Op"] !== "send" || t["Ov-From"] !== filter.from || !t["Ov-Msg"] || !t["Ov-To"]) continue;
    const type = t["Ov-Type"] as MailType;
    if (filter.types && !filter.types.includes(type)) continue;
    out.push({ id: t["Ov-Msg"], to: t["Ov-To"], type, commit });
  }
  return out;
}
