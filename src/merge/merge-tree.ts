import { OvError } from "../core/errors.js";
import { firstLine } from "../git/exec.js";
import type { Git } from "../git/git.js";

export type Stage = 1 | 2 | 3;

export interface StageEntry {
  mode: string;
  oid: string;
}

/** One conflicted path: its index stages (1 base, 2 ours = target, 3 theirs = branch). */
export interface ConflictedPath {
  path: string;
  stages: Partial<Record<Stage, StageEntry>>;
}

export interface MergeMessage {
  paths: string[];
  type: string;
  message: string;
}

export interface MergeTreeResult {
  clean: boolean;
  /** The merged tree; for a conflicted merge, conflicted files hold conflict markers. */
  tree: string;
  conflicts: ConflictedPath[];
  messages: MergeMessage[];
}

/**
 * Parses `git merge-tree --write-tree -z` output: `<tree>\0`, then `<mode> <oid> <stage>\t<path>\0`
 * per conflicted stage, then an empty field and the messages as `<n>\0<path>…\0<type>\0<text>\0`.
 * See https://git-scm.com/docs/git-merge-tree#OUTPUT
 */
export function parseMergeTree(out: string, clean: boolean): MergeTreeResult {
  const fields = out.split("\0");
  const tree = fields[0] ?? "";
  if (!/^[0-9a-f]{40,64}$/.test(tree))
    throw new OvError("GIT_FAILED", `unexpected git merge-tree output: ${out.slice(0, 80)}`);
  const byPath = new Map<string, ConflictedPath>();
  let i = 1;
  for (; i < fields.length && fields[i] !== ""; i++) {
    const m = /^(\d{6}) ([0-9a-f]{40,64}) ([123])\t([\s\S]*)$/.exec(fields[i]!);
    if (!m) throw new OvError("GIT_FAILED", `unexpected git merge-tree conflict line: ${fields[i]}`);
    const path = m[4]!;
    const entry = byPath.get(path) ?? { path, stages: {} };
    entry.stages[Number(m[3]) as Stage] = { mode: m[1]!, oid: m[2]! };
    byPath.set(path, entry);
  }
  const messages: MergeMessage[] = [];
  for (i++; i < fields.length; ) {
    const n = Number(fields[i]);
    if (!Number.isInteger(n) || n <= 0) break;
    const paths = fields.slice(i + 1, i + 1 + n);
    messages.push({ paths, type: fields[i + 1 + n] ?? "", message: (fields[i + 2 + n] ?? "").trim() });
    i += n + 3;
  }
  return { clean, tree, conflicts: [...byPath.values()], messages };
}

/**
 * Merges `theirs` into `ours` without a checkout (git >= 2.38). Conflicts are a value, not an
 * error; `env` lets a dry run send the objects it writes to a throwaway directory.
 */
export async function mergeTree(
  git: Git,
  ours: string,
  theirs: string,
  env?: Record<string, string>,
): Promise<MergeTreeResult> {
  const res = await git.run(["merge-tree", "--write-tree", "-z", ours, theirs], {
    check: false,
    ...(env ? { env } : {}),
  });
  if (res.code === 0 || res.code === 1) return parseMergeTree(res.stdout, res.code === 0);
  const reason = firstLine(res.stderr) || `exit ${res.code}`;
  throw new OvError(
    "MERGE",
    `git merge-tree cannot merge ${theirs.slice(0, 12)} into ${ours.slice(0, 12)}: ${reason}`,
    {
      data: { ours, theirs, stderr: res.stderr },
      hint: /unrelated histories/.test(reason)
        ? "the branch shares no history with the target; merge it by hand"
        : "git >= 2.38 is required (git --version)",
    },
  );
}

/** Conflicted paths with a one-word kind from merge-tree's messages (content, modify/delete, …). */
export function conflictKinds(r: MergeTreeResult): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const m of r.messages) {
    const kind = /^CONFLICT \(([^)]+)\)/.exec(m.type)?.[1];
    if (!kind) continue;
    for (const p of m.paths) if (!kinds.has(p)) kinds.set(p, kind);
  }
  for (const c of r.conflicts) if (!kinds.has(c.path)) kinds.set(c.path, "contents");
  return kinds;
}
