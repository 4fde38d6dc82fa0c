import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RawObject } from "../git/catfile.js";
import { readLooseObject, readLoosePath } from "../git/direct.js";
import { parseTree } from "../git/objects.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import type { DocProblem } from "../store/store.js";
import type { Validator } from "../store/validate.js";
import { byText } from "./format.js";

/**
 * Cheap bulk reads for read-only views (`status`): refs and loose objects are read in-process
 * (src/git/direct.ts); only what is packed goes through the one pipelined `cat-file --batch`, and
 * reftable repositories list refs with one `for-each-ref`. Nothing here spawns a process per agent.
 */
export interface ListedRef {
  ref: string;
  oid: string;
}

/**
 * Every ref under any of `patterns` (prefixes ending in `/`, or exact ref names). On the files
 * backend with sha1 objects nothing is spawned (`listFast`, `read`); otherwise one `for-each-ref`.
 */
export async function listRefs(deps: Deps, patterns: readonly string[]): Promise<ListedRef[]> {
  if (!deps.repo.reftable && deps.repo.objectFormat === "sha1") {
    const out: ListedRef[] = [];
    for (const p of patterns) {
      if (p.endsWith("/")) out.push(...(await deps.git.refs.listFast(p)));
      else {
        const oid = await deps.git.refs.read(p);
        if (oid) out.push({ ref: p, oid });
      }
    }
    return out.sort((a, b) => byText(a.ref, b.ref));
  }
  const res = await deps.git.run(["for-each-ref", "--format=%(objectname) %(refname)", ...patterns]);
  const out: ListedRef[] = [];
  for (const line of res.stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) out.push({ oid: line.slice(0, sp), ref: line.slice(sp + 1) });
  }
  return out;
}

/**
 * `<commit>:<path>` (the commit itself for an empty path): from loose objects in-process when it can,
 * else through the shared `cat-file --batch` (started only if something is packed).
 */
export async function readAt(deps: Deps, commit: string, path: string): Promise<RawObject | undefined> {
  if (deps.repo.objectFormat === "sha1") {
    const dir = deps.repo.commonDir;
    const hit = path === "" ? readLooseObject(dir, commit) : readLoosePath(dir, commit, path);
    if (hit !== undefined) return hit ?? undefined;
  }
  return deps.git.readObject(path === "" ? commit : `${commit}:${path}`);
}

/** Reads and validates `path` from each listed document; bad ones become problems. */
export async function readListed<T>(
  deps: Deps,
  refs: readonly ListedRef[],
  path: string,
  validator: Validator<T>,
): Promise<{ docs: { ref: string; commit: string; value: T }[]; problems: DocProblem[] }> {
  const bodies = await Promise.all(refs.map((r) => readAt(deps, r.oid, path)));
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
  const trees = await Promise.all(refs.map((r) => readAt(deps, r.oid, dir)));
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
  const objs = await Promise.all(oids.map((o) => readAt(deps, o, "")));
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
  return out.sort((a, b) => byText(a.path, b.path));
}
