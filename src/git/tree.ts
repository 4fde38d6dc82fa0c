import { OvError } from "../core/errors.js";

/** One entry of a git tree object. */
export interface TreeEntry {
  mode: "100644" | "100755" | "40000" | "120000" | "160000";
  name: string;
  oid: string;
}

const DIR_MODE = "40000";
const SLASH = 0x2f;

/** Parses a tree object body into entries. */
export function parseTree(body: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const nul = body.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > body.length) throw new OvError("GIT_FAILED", "malformed tree object");
    const mode = body.toString("latin1", i, sp);
    const name = body.toString("utf8", sp + 1, nul);
    const oid = body.toString("hex", nul + 1, nul + 21);
    out.push({ mode: (mode === "040000" ? DIR_MODE : mode) as TreeEntry["mode"], name, oid });
    i = nul + 21;
  }
  return out;
}

/** A tree body: entries sorted by name as bytes, a directory compared as `name/`. */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const keyed = entries.map((e) => ({ e, key: sortKey(e.name, e.mode) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return Buffer.concat(keyed.map(({ e }) => entryBytes(e)));
}

function sortKey(name: string, mode: string): Buffer {
  return Buffer.from(mode === DIR_MODE ? `${name}/` : name, "utf8");
}

function entryBytes(e: TreeEntry): Buffer {
  const head = Buffer.from(`${e.mode} ${e.name}\0`, "utf8");
  const out = Buffer.allocUnsafe(head.length + 20);
  head.copy(out);
  out.write(e.oid, head.length, "hex");
  return out;
}

/**
 * A stored tree body with a lazily built index of entry offsets: `find` is a binary search that
 * decodes only the names it compares, and `apply` splices changes in by copying the untouched byte
 * ranges, so editing one entry of a 50k-entry tree never parses the other 49,999.
 */
export class RawTree {
  private starts: number[] | undefined;
  constructor(readonly body: Buffer) {}

  /** Number of entries. */
  get size(): number {
    return this.index().length;
  }

  entries(): TreeEntry[] {
    return parseTree(this.body);
  }

  /** The entry called `name` (file or directory), if any. */
  find(name: string): TreeEntry | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.entryAt(i);
  }

  /** A new body: each change adds/replaces the entry of that name, or (null) removes it. */
  apply(changes: ReadonlyMap<string, TreeEntry | null>): Buffer {
    const starts = this.index();
    const removed = new Set<number>();
    const added: { at: number; key: Buffer; bytes: Buffer }[] = [];
    for (const [name, entry] of changes) {
      const old = this.indexOf(name);
      if (old >= 0) removed.add(old);
      if (entry) {
        const key = sortKey(entry.name, entry.mode);
        added.push({ at: this.lowerBound(key), key, bytes: entryBytes(entry) });
      }
    }
    added.sort((a, b) => a.at - b.at || Buffer.compare(a.key, b.key));
    const pieces: Buffer[] = [];
    let next = 0;
    const copyUpTo = (end: number) => {
      for (let i = next; i < end; i++) {
        if (removed.has(i)) continue;
        let j = i;
        while (j + 1 < end && !removed.has(j + 1)) j++;
        pieces.push(this.body.subarray(starts[i], this.endOf(j)));
        i = j;
      }
      next = Math.max(next, end);
    };
    for (const a of added) {
      copyUpTo(a.at);
      pieces.push(a.bytes);
    }
    copyUpTo(starts.length);
    return Buffer.concat(pieces);
  }

  private index(): number[] {
    if (this.starts) return this.starts;
    const starts: number[] = [];
    for (let i = 0; i < this.body.length; ) {
      starts.push(i);
      const nul = this.body.indexOf(0, i);
      if (nul < 0 || nul + 21 > this.body.length) throw new OvError("GIT_FAILED", "malformed tree object");
      i = nul + 21;
    }
    this.starts = starts;
    return starts;
  }

  private endOf(i: number): number {
    return this.body.indexOf(0, this.index()[i]) + 21;
  }

  private entryAt(i: number): TreeEntry {
    const start = this.index()[i] ?? 0;
    const sp = this.body.indexOf(0x20, start);
    const nul = this.body.indexOf(0, sp);
    const mode = this.body.toString("latin1", start, sp);
    return {
      mode: (mode === "040000" ? DIR_MODE : mode) as TreeEntry["mode"],
      name: this.body.toString("utf8", sp + 1, nul),
      oid: this.body.toString("hex", nul + 1, nul + 21),
    };
  }

  /** Index of the entry named `name` as a file or as a directory, or -1. */
  private indexOf(name: string): number {
    if (name === "" || name.includes("/")) return -1;
    for (const mode of ["100644", DIR_MODE]) {
      const key = sortKey(name, mode);
      const i = this.lowerBound(key);
      if (i < this.index().length && this.compareAt(i, key) === 0) return i;
    }
    return -1;
  }

  /** The first index whose sort key is >= `key`. */
  private lowerBound(key: Buffer): number {
    let lo = 0;
    let hi = this.index().length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Compares entry i's sort key (its name, plus '/' for a directory) with `key`, bytewise. */
  private compareAt(i: number, key: Buffer): number {
    const start = this.index()[i] ?? 0;
    const sp = this.body.indexOf(0x20, start);
    const nul = this.body.indexOf(0, sp);
    // "40000" (or the zero-padded "040000" of some old trees)
    const isDir = this.body[start] === 0x34 || (this.body[start] === 0x30 && this.body[start + 1] === 0x34);
    const nameLen = nul - sp - 1;
    const common = Math.min(nameLen, key.length);
    const c = this.body.compare(key, 0, common, sp + 1, sp + 1 + common);
    if (c !== 0) return c;
    const ownLen = nameLen + (isDir ? 1 : 0);
    if (nameLen < key.length && isDir) {
      const d = SLASH - (key[nameLen] ?? 0);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return ownLen === key.length ? 0 : ownLen < key.length ? -1 : 1;
  }
}
