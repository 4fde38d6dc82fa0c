import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { RawObject } from "./catfile.js";
import { commitTreeOid, parseTree } from "./objects.js";

/**
 * Read-only fast path for bulk snapshot reads (`git ov status`) in sha1 repositories: loose objects
 * read in-process. A git spawn costs a fifth of Node's own start on a loaded 2-core machine, so a
 * cold read-only command that reads every agent should not need `cat-file` while the objects are
 * loose (as refs/ov documents are between `git ov gc` runs). Anything not loose comes back
 * undefined and the caller falls back to the `cat-file --batch` co-process.
 */

const OID = /^[0-9a-f]{40}$/;

/** Scratch space for compressed objects: documents are small, and readFileSync would fstat and allocate per object. */
const scratch = Buffer.allocUnsafe(64 * 1024);

/** One loose object (`objects/xx/yyyy…`, zlib of `<type> <size>\0<body>`), or undefined when not loose. */
export function readLooseObject(commonDir: string, oid: string): RawObject | undefined {
  if (!OID.test(oid)) return undefined;
  const path = join(commonDir, "objects", oid.slice(0, 2), oid.slice(2));
  let raw: Buffer;
  try {
    const fd = openSync(path, "r");
    let n: number;
    try {
      n = readSync(fd, scratch, 0, scratch.length, 0);
    } finally {
      closeSync(fd);
    }
    raw = inflateSync(n < scratch.length ? scratch.subarray(0, n) : readFileSync(path));
  } catch {
    return undefined;
  }
  const nul = raw.indexOf(0);
  const header = raw.toString("latin1", 0, nul);
  const sp = header.indexOf(" ");
  const body = raw.subarray(nul + 1);
  if (nul < 0 || sp < 0 || Number(header.slice(sp + 1)) !== body.length) return undefined;
  return { oid, type: header.slice(0, sp), body };
}

/**
 * `<commit>:<path>` resolved through loose objects only (commit → tree → … → entry), as
 * `cat-file --batch` would: the object; `null` when the path is definitely absent; undefined when
 * an object on the way is not loose (packed, or in an alternate), so the caller must ask git.
 */
export function readLoosePath(commonDir: string, commit: string, path: string): RawObject | null | undefined {
  const c = readLooseObject(commonDir, commit);
  if (c?.type !== "commit") return undefined;
  let oid = commitTreeOid(c.body);
  for (const part of path.split("/").filter((p) => p !== "")) {
    const tree = readLooseObject(commonDir, oid);
    if (tree === undefined) return undefined;
    if (tree.type !== "tree") return null;
    const entry = parseTree(tree.body).find((e) => e.name === part);
    if (!entry) return null;
    oid = entry.oid;
  }
  return readLooseObject(commonDir, oid);
}
