import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { RawObject } from "./catfile.js";

const OID_RE = /^[0-9a-f]{40}$/;

/**
 * Reads a loose object in-process (read the file, inflate, check the header), or returns
 * undefined when it is not loose (packed, missing, unreadable or malformed) so the caller falls
 * back to `git cat-file`, which also reports real corruption. Loose objects are immutable and
 * appear atomically (written to a temp file, then linked), so a reader never sees half of one.
 */
export function readLoose(objectsDir: string, oid: string): RawObject | undefined {
  if (!OID_RE.test(oid)) return undefined;
  let full: Buffer;
  try {
    full = inflateSync(readFileSync(join(objectsDir, oid.slice(0, 2), oid.slice(2))));
  } catch {
    return undefined;
  }
  const nul = full.indexOf(0);
  if (nul < 0 || nul > 32) return undefined;
  const header = full.toString("latin1", 0, nul);
  const sp = header.indexOf(" ");
  const type = header.slice(0, sp);
  const size = Number(header.slice(sp + 1));
  if (sp < 0 || !Number.isInteger(size) || full.length - nul - 1 !== size) return undefined;
  return { oid, type, body: full.subarray(nul + 1) };
}

/** True for a full hexadecimal object id (as opposed to a `<rev>:<path>` spec). */
export function isOid(spec: string): boolean {
  return OID_RE.test(spec);
}
