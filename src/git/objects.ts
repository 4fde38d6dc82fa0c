import { existsSync, renameSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { OvError } from "../core/errors.js";
import { nodeCrypto } from "../sys/builtins.js";
import { systemClock } from "../sys/clock.js";
import { randomToken } from "../sys/random.js";
import { raceproofCreate } from "./raceproof.js";
import { type TreeEntry, serializeTree } from "./tree.js";

export { parseTree, serializeTree, type TreeEntry } from "./tree.js";

export type ObjectType = "blob" | "tree" | "commit";

export interface Signature {
  name: string;
  email: string;
  /** Milliseconds since the epoch. */
  when: number;
}

/**
 * Writes loose objects in-process into the *common* object directory: sha1 over the header and
 * body, zlib deflate, temp file (0444), then rename into place. An object that already exists is
 * freshened (mtime) so `git gc` treats it as recent.
 */
export class ObjectWriter {
  private readonly objectsDir: string;
  constructor(commonDir: string) {
    this.objectsDir = join(commonDir, "objects");
  }

  /** The object directory written to: `<git-common-dir>/objects`. */
  get dir(): string {
    return this.objectsDir;
  }

  write(type: ObjectType, body: Buffer): string {
    const header = Buffer.from(`${type} ${body.length}\0`, "utf8");
    const full = Buffer.concat([header, body]);
    const oid = nodeCrypto().createHash("sha1").update(full).digest("hex");
    const dir = join(this.objectsDir, oid.slice(0, 2));
    const path = join(dir, oid.slice(2));
    if (existsSync(path)) {
      freshen(path);
      return oid;
    }
    try {
      const tmp = join(dir, `tmp_obj_ov_${process.pid}_${randomToken(8)}`);
      const data = deflateSync(full, { level: 1 });
      // Created 0444 (chmod would be one more syscall per object); renamed into place atomically,
      // as git does without hard links: a concurrent writer of the same object writes the same bytes.
      raceproofCreate(dir, () => writeFileSync(tmp, data, { mode: 0o444 }));
      try {
        renameSync(tmp, path);
      } catch (e) {
        removeQuietly(tmp);
        throw e;
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
        throw new OvError("READ_ONLY", `cannot write git objects in ${this.objectsDir}: ${code}`, {
          hint: "git ov needs write access to the repository's .git directory",
          cause: e,
        });
      }
      throw e;
    }
    return oid;
  }

  blob(content: string | Buffer): string {
    return this.write("blob", typeof content === "string" ? Buffer.from(content, "utf8") : content);
  }

  /** Writes a tree; entries are sorted the way git requires (directories compare as `name/`). */
  tree(entries: readonly TreeEntry[]): string {
    return this.write("tree", serializeTree(entries));
  }

  commit(tree: string, parents: readonly string[], sig: Signature, message: string): string {
    const stamp = `${Math.floor(sig.when / 1000)} +0000`;
    const lines = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`)];
    lines.push(`author ${sig.name} <${sig.email}> ${stamp}`, `committer ${sig.name} <${sig.email}> ${stamp}`);
    const body = `${lines.join("\n")}\n\n${message.endsWith("\n") ? message : `${message}\n`}`;
    return this.write("commit", Buffer.from(body, "utf8"));
  }
}

function freshen(path: string): void {
  const now = systemClock.now() / 1000;
  try {
    utimesSync(path, now, now);
  } catch {
    /* read-only object store: the object exists, which is all a reader needs */
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone, or not ours to remove: git gc clears tmp_obj_* files */
  }
}

/** Reads the tree id from a raw commit body. */
export function commitTreeOid(body: Buffer): string {
  const m = /^tree ([0-9a-f]{40})/.exec(body.toString("latin1", 0, 64));
  if (!m?.[1]) throw new OvError("GIT_FAILED", "malformed commit object");
  return m[1];
}

export const ZERO_OID = "0000000000000000000000000000000000000000";
