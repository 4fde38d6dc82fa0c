import { type Dirent, closeSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { RawObject } from "./catfile.js";
import { commitTreeOid, parseTree } from "./objects.js";

/**
 * Read-only fast paths for bulk snapshot reads (`git ov status`), for sha1 repositories on the
 * files ref backend. A git spawn costs a fifth of Node's own start on a loaded 2-core machine, so a
 * cold read-only command that lists every agent should not need `for-each-ref` or `cat-file` when
 * the refs and objects are loose (as refs/ov documents are between `git ov gc` runs). Anything not
 * found here comes back undefined and the caller falls back to the git process.
 */

const OID = /^[0-9a-f]{40}$/;

/**
 * Refs under `patterns` (prefixes ending in `/`, or exact names) read from the files backend:
 * loose refs first, then `packed-refs` for names not found loose. A concurrent `git pack-refs`
 * writes packed-refs before pruning loose files, so this order never misses a ref it moves.
 */
export function listFilesBackendRefs(
  commonDir: string,
  patterns: readonly string[],
): { ref: string; oid: string }[] {
  const found = new Map<string, string>();
  for (const pattern of patterns) {
    if (pattern.endsWith("/")) walkLoose(commonDir, pattern.slice(0, -1), found);
    else readLoose(commonDir, pattern, found);
  }
  let packed = "";
  try {
    packed = readFileSync(join(commonDir, "packed-refs"), "utf8");
  } catch {
    /* no packed refs */
  }
  for (const line of packed.split("\n")) {
    if (line.startsWith("#") || line.startsWith("^")) continue;
    const sp = line.indexOf(" ");
    const ref = line.slice(sp + 1);
    const matches = patterns.some((p) => (p.endsWith("/") ? ref.startsWith(p) : ref === p));
    if (sp === 40 && matches && !found.has(ref)) found.set(ref, line.slice(0, sp));
  }
  return [...found]
    .map(([ref, oid]) => ({ ref, oid }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

function walkLoose(commonDir: string, dir: string, found: Map<string, string>): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(commonDir, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) walkLoose(commonDir, `${dir}/${e.name}`, found);
    else if (!e.name.endsWith(".lock")) readLoose(commonDir, `${dir}/${e.name}`, found);
  }
}

function readLoose(commonDir: string, ref: string, found: Map<string, string>): void {
  try {
    const text = readFileSync(join(commonDir, ref), "utf8").trim();
    if (OID.test(text)) found.set(ref, text);
  } catch {
    /* deleted meanwhile, or only packed */
  }
}

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
