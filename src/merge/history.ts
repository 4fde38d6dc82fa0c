import { canonicalJson } from "../core/json.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { TreeDraft } from "../store/draft.js";
import {
  type FileHistory,
  HISTORY_DIR,
  QUEUE_REF,
  type ResolveTier,
  RESOLVE_TIERS,
  historyValidator,
} from "./types.js";

const RECENT = 20;

/** `history/<path with % and / escaped>.json`: one flat, readable file per source path. */
export function historyPath(file: string): string {
  return `${HISTORY_DIR}/${file.replace(/%/g, "%25").replace(/\//g, "%2F")}.json`;
}

/** The resolution history of each file that has one (bad documents are ignored: history is advisory). */
export async function readHistory(draft: TreeDraft, files: readonly string[]): Promise<FileHistory[]> {
  const texts = await Promise.all(files.map((f) => draft.readText(historyPath(f))));
  const out: FileHistory[] = [];
  texts.forEach((t, i) => {
    const res = parseDoc(t, historyValidator, {
      ref: QUEUE_REF,
      commit: undefined,
      path: historyPath(files[i]!),
    });
    if (res?.ok) out.push(res.value);
  });
  return out;
}

/** History of `files` as stored now. */
export async function loadHistory(deps: Deps, files: readonly string[]): Promise<FileHistory[]> {
  if (files.length === 0) return [];
  const { draft } = await deps.store.open(QUEUE_REF);
  return readHistory(draft, files);
}

/**
 * Tiers to skip, as in the reference: over the conflicting files, a tier with at least two
 * failures and no success is not tried again (its history stays visible in the queue document).
 */
export function tiersToSkip(histories: readonly FileHistory[]): Set<ResolveTier> {
  const skip = new Set<ResolveTier>();
  for (const tier of RESOLVE_TIERS) {
    let ok = 0;
    let failed = 0;
    for (const h of histories) {
      ok += h.tiers[tier]?.ok ?? 0;
      failed += h.tiers[tier]?.failed ?? 0;
    }
    if (failed >= 2 && ok === 0) skip.add(tier);
  }
  return skip;
}

/** One line per past success on these files, for a resolver's context. */
export function pastResolutions(histories: readonly FileHistory[]): string[] {
  const lines = new Set<string>();
  for (const h of histories)
    for (const r of h.recent)
      if (r.outcome === "ok")
        lines.add(`${h.path}: resolved at tier ${r.tier} (branch ${r.branch}, ${r.at})`);
  return [...lines];
}

/** Adds one outcome per (file, tier tried) to the history, inside the queue update that records the outcome. */
export async function recordHistory(
  draft: TreeDraft,
  files: readonly string[],
  outcomes: readonly { tier: ResolveTier; outcome: "ok" | "failed" }[],
  at: string,
  branch: string,
): Promise<void> {
  if (outcomes.length === 0) return;
  const current = new Map((await readHistory(draft, files)).map((h) => [h.path, h]));
  for (const file of files) {
    const h: FileHistory = current.get(file) ?? { v: 1, path: file, tiers: {}, recent: [] };
    const tiers = { ...h.tiers };
    let recent = [...h.recent];
    for (const o of outcomes) {
      const c = tiers[o.tier] ?? { ok: 0, failed: 0 };
      tiers[o.tier] = o.outcome === "ok" ? { ...c, ok: c.ok + 1 } : { ...c, failed: c.failed + 1 };
      recent = [...recent, { at, branch, tier: o.tier, outcome: o.outcome }].slice(-RECENT);
    }
    await draft.write(historyPath(file), canonicalJson({ ...h, tiers, recent }));
  }
}
