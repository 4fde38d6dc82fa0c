import type { Git } from "../git/git.js";
import type { TreeEntry } from "../git/objects.js";

export type TreeChange = { mode: string; oid: string } | null;

/**
 * Returns a copy of tree `root` with each path set to a blob (or removed with null), writing only
 * the subtrees on the changed paths. Empty directories disappear, as in git.
 */
export async function editTree(
  git: Git,
  root: string | undefined,
  changes: Map<string, TreeChange>,
): Promise<string> {
  return (await edit(git, root, changes)).oid;
}

async function edit(
  git: Git,
  root: string | undefined,
  changes: Map<string, TreeChange>,
): Promise<{ oid: string; empty: boolean }> {
  const entries = new Map<string, TreeEntry>();
  if (root) for (const e of await git.readTree(root)) entries.set(e.name, e);
  const nested = new Map<string, Map<string, TreeChange>>();
  for (const [path, change] of changes) {
    const slash = path.indexOf("/");
    if (slash < 0) {
      if (change === null) entries.delete(path);
      else entries.set(path, { name: path, mode: change.mode as TreeEntry["mode"], oid: change.oid });
      continue;
    }
    const dir = path.slice(0, slash);
    const sub = nested.get(dir) ?? new Map<string, TreeChange>();
    sub.set(path.slice(slash + 1), change);
    nested.set(dir, sub);
  }
  for (const [dir, sub] of nested) {
    const cur = entries.get(dir);
    const res = await edit(git, cur?.mode === "40000" ? cur.oid : undefined, sub);
    if (res.empty) entries.delete(dir);
    else entries.set(dir, { name: dir, mode: "40000", oid: res.oid });
  }
  return { oid: git.objects.tree([...entries.values()]), empty: entries.size === 0 };
}
