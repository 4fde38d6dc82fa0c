import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseTree } from "../git/objects.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";
import type { Validator } from "../store/validate.js";

/**
 * Cheap bulk reads for read-only views (`status`, `agents discover`): one `for-each-ref` over
 * several prefixes, then every blob and tree through the one pipelined `cat-file --batch`.
 * Nothing here spawns a process per agent.
 */
export interface ListedRef {
  ref: string;
  oid: string;
}

/** Every ref under any of `patterns` (prefixes such as `refs/ov/sessions/`, or exact refs), in one spawn. */
export async function listRefs(deps: Deps, patterns: readonly string[]): Promise<ListedRef[]> {
  const res = await deps.git.run(["for-each-ref", "--format=%(objectname) %(refname)", ...patterns]);
  const out: ListedRef[] = [];
  for (const line of res.stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) out.push({ oid: line.slice(0, sp), ref: line.slice(sp + 1) });
  }
  return out;
}

/** Reads and validates `path` from each listed document; bad ones become problems. */
export async function readListed<T>(
  deps: Deps,
  refs: readonly ListedRef[],
  path: string,
  validator: Validator<T>,
): Promise<{ docs: { ref: string; commit: string; value: T }[]; problems: DocProblem[] }> {
  const bodies = await Promise.all(refs.map((r) => deps.git.readObject(`${r.oid}:${path}`)));
  const docs: { ref: string; commit: string; value: T }[] = [];
  const problems: DocProblem[] = [];
  refs.forEach((r, i) => {
    const where = { ref: r.ref, commit: r.oid, path };
    const res = parseDoc(bodies[i]?.body.toString("utf8"), validator, where);
    if (!res) problems.push({ ...where, problem: "file is missing" });
    else if (res.ok) docs.push({ ref: r.ref, commit: r.oid, value: res.value });
    else problems.push(res.problem);
  });
  return { docs, problems };
}

/** Number of files directly under `dir` in each document (e.g. `unread/` of an inbox); 0 when absent. */
export async function countEntries(deps: Deps, refs: readonly ListedRef[], dir: string): Promise<number[]> {
  const trees = await Promise.all(refs.map((r) => deps.git.readObject(`${r.oid}:${dir}`)));
  return trees.map((t) => {
    if (t?.type !== "tree") return 0;
    try {
      return parseTree(t.body).filter((e) => e.mode !== "40000").length;
    } catch {
      return 0;
    }
  });
}

/** Committer time (ISO) of each commit, read through the batch reader. */
export async function commitTimes(deps: Deps, oids: readonly string[]): Promise<(string | null)[]> {
  const objs = await Promise.all(oids.map((o) => deps.git.readObject(o)));
  return objs.map((o) => {
    const m = o?.type === "commit" ? /\ncommitter .* (\d+) [+-]\d{4}\n/.exec(o.body.toString("utf8")) : null;
    return m?.[1] ? new Date(Number(m[1]) * 1000).toISOString() : null;
  });
}

export interface LinkedWorktree {
  path: string;
  branch: string | null;
}

/**
 * The repository's linked worktrees, read from `<common-dir>/worktrees/<id>/{gitdir,HEAD}`
 * (gitrepository-layout(5)) instead of spawning `git worktree list`.
 */
export function linkedWorktrees(commonDir: string): LinkedWorktree[] {
  const root = join(commonDir, "worktrees");
  let ids: string[];
  try {
    ids = readdirSync(root);
  } catch {
    return [];
  }
  const out: LinkedWorktree[] = [];
  for (const id of ids) {
    try {
      const gitdir = readFileSync(join(root, id, "gitdir"), "utf8").trim();
      const head = readFileSync(join(root, id, "HEAD"), "utf8").trim();
      const branch = head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : null;
      out.push({ path: dirname(gitdir), branch });
    } catch {
      /* a half-created or pruned worktree entry: git worktree prune cleans it */
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
