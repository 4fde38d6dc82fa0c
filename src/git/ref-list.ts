import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Lists the refs under `prefix` (e.g. `refs/ov/sessions/`) in-process, for the files backend:
 * loose ref files win over `packed-refs` entries, as in git. No process is spawned, so a poller
 * (the watchdog) can list every tick for free. Loose files are read before `packed-refs`, so a
 * concurrent `git pack-refs` (which writes packed-refs before deleting the loose file) never hides
 * a ref. Symbolic and unreadable refs are skipped, like `for-each-ref` does with broken refs.
 */
export function listFilesBackend(commonDir: string, prefix: string): { ref: string; oid: string }[] {
  const found = new Map<string, string>();
  walk(commonDir, prefix.replace(/\/+$/, ""), found);
  const packed = readPackedPrefix(commonDir, prefix);
  for (const [ref, oid] of packed) if (!found.has(ref)) found.set(ref, oid);
  return [...found]
    .filter(([ref]) => ref.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ref, oid]) => ({ ref, oid }));
}

function walk(commonDir: string, rel: string, found: Map<string, string>): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(join(commonDir, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const ref = `${rel}/${e.name}`;
    if (e.isDirectory()) walk(commonDir, ref, found);
    else if (e.isFile() && !e.name.endsWith(".lock")) {
      try {
        const text = readFileSync(join(commonDir, ref), "utf8").trim();
        if (OID.test(text)) found.set(ref, text);
      } catch {
        /* packed meanwhile: packed-refs (read next) has it */
      }
    }
  }
}

function readPackedPrefix(commonDir: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(join(commonDir, "packed-refs"), "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.startsWith("^")) continue;
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const ref = line.slice(sp + 1);
    if (ref.startsWith(prefix)) out.set(ref, line.slice(0, sp));
  }
  return out;
}
