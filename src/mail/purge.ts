import { OvError } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import type { TreeDraft } from "../store/draft.js";
import { idTime, inboxOwner } from "./inbox.js";
import { inboxRefs } from "./read.js";
import { READ_DIR, UNREAD_DIR } from "./types.js";

export interface PurgeOptions {
  /** Also remove unread mail (otherwise only read mail is ever purged). */
  all?: boolean;
  /** Only mail created more than this many days ago. */
  days?: number;
  /** Only mail to or from this agent. */
  agent?: string;
}

const DAY_MS = 86_400_000;

/**
 * Removes messages from inbox tips, one commit per inbox that changes. Conditions are ANDed; read
 * mail only unless `all` (unread mail is work not yet seen). History keeps the removed blobs until
 * history is compacted. Throws USAGE when no condition is given.
 */
export async function purgeMail(
  deps: Deps,
  opts: PurgeOptions,
): Promise<{ removed: number; inboxes: string[] }> {
  if (!opts.all && opts.days === undefined && opts.agent === undefined) {
    throw new OvError("USAGE", "mail purge needs --all, --days <n> or --agent <name>", {
      hint: "e.g. git ov mail purge --days 30 (read mail older than 30 days)",
    });
  }
  if (opts.days !== undefined && !(Number.isFinite(opts.days) && opts.days > 0)) {
    throw new OvError("USAGE", `--days must be a positive number, not ${opts.days}`, {
      hint: "e.g. --days 30",
    });
  }
  const cutoff = opts.days === undefined ? Number.POSITIVE_INFINITY : deps.clock.now() - opts.days * DAY_MS;
  let removed = 0;
  const inboxes: string[] = [];
  for (const { ref } of await inboxRefs(deps)) {
    const owner = inboxOwner(ref);
    const out = await deps.store.update(ref, async (draft) => {
      const n = await purgeDraft(draft, owner, opts, cutoff);
      if (n === 0) return { write: false, value: 0 };
      return {
        write: {
          subject: `mail purge ${owner}: ${n} message${n === 1 ? "" : "s"} removed`,
          trailers: { "Ov-Op": "purge", "Ov-To": owner, "Ov-Count": n },
        },
        value: n,
      };
    });
    if (out.value > 0) inboxes.push(owner);
    removed += out.value;
  }
  return { removed, inboxes };
}

async function purgeDraft(
  draft: TreeDraft,
  owner: string,
  opts: PurgeOptions,
  cutoff: number,
): Promise<number> {
  const ownerMatches = opts.agent === undefined || opts.agent === owner;
  let n = 0;
  const dirs = opts.all ? [UNREAD_DIR] : [];
  for (const m of await draft.list(READ_DIR)) {
    if (m.kind !== "dir") continue;
    const dir = `${READ_DIR}/${m.name}`;
    // A whole month before the cutoff goes without reading a blob.
    if (ownerMatches && monthEnd(m.name) < cutoff) {
      n += (await draft.list(dir)).length;
      await draft.remove(dir);
    } else dirs.push(dir);
  }
  for (const dir of dirs) {
    for (const e of await draft.list(dir)) {
      if (e.kind !== "file") continue;
      const path = `${dir}/${e.name}`;
      if (await purgeable(draft, path, e.name.slice(0, -5), ownerMatches, opts.agent, cutoff)) {
        await draft.remove(path);
        n++;
      }
    }
  }
  return n;
}

async function purgeable(
  draft: TreeDraft,
  path: string,
  id: string,
  ownerMatches: boolean,
  agent: string | undefined,
  cutoff: number,
): Promise<boolean> {
  let created = idTime(id);
  let from: string | undefined;
  if (created === undefined || !ownerMatches) {
    const doc = await draft.readJson(path);
    const v = doc?.ok ? (doc.value as { createdAt?: unknown; from?: unknown } | null) : null;
    const ms = typeof v?.createdAt === "string" ? Date.parse(v.createdAt) : Number.NaN;
    created ??= Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
    from = typeof v?.from === "string" ? v.from : undefined;
  }
  if (created >= cutoff) return false;
  return ownerMatches || from === agent;
}

/** First ms after the `yyyy-mm` month (unparseable names sort as very old). */
function monthEnd(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return Number.NEGATIVE_INFINITY;
  return Date.UTC(Number(m[1]), Number(m[2]), 1);
}
