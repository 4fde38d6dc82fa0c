import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "../git/git.js";
import { type HunkRule, hasMarkerLike, resolveHunks } from "./hunks.js";
import type { ConflictedPath } from "./merge-tree.js";
import type { AutoResolution } from "./types.js";

/** Marker size for our own diff3 run: long enough that real content never looks like a marker. */
const MARKER_SIZE = 32;

export type BlobReader = (oid: string) => Promise<Buffer | undefined>;

export interface FileAutoResult {
  file: string;
  /** The resolved content and mode, when every hunk was resolved losslessly. */
  resolved: { content: Buffer; mode: string } | undefined;
  resolution: AutoResolution | undefined;
  reason: string | undefined;
}

function ruleOf(rules: HunkRule[]): AutoResolution["rule"] {
  const set = new Set(rules);
  return set.size === 1 ? rules[0]! : "mixed";
}

/** Why tier 2 cannot look at this path at all (not a two-sided text conflict), or undefined. */
function unsupported(c: ConflictedPath, kind: string): string | undefined {
  const ours = c.stages[2];
  const theirs = c.stages[3];
  if (!ours || !theirs) return `${kind} conflict (one side deleted or renamed the file)`;
  if (ours.mode !== theirs.mode || (c.stages[1] && c.stages[1].mode !== ours.mode))
    return "file mode changed";
  if (ours.mode !== "100644" && ours.mode !== "100755") return `not a regular file (mode ${ours.mode})`;
  return undefined;
}

const isBinary = (b: Buffer) => b.subarray(0, 8000).includes(0);

/**
 * Tier 2 for one conflicted path: re-runs the three-way merge with `git merge-file --diff3` and
 * resolves the hunks with the lossless rules of hunks.ts; anything else stays unresolved.
 */
export async function autoResolveFile(
  git: Git,
  c: ConflictedPath,
  kind: string,
  opts: { union: boolean; readBlob: BlobReader },
): Promise<FileAutoResult> {
  const none = (reason: string): FileAutoResult => ({
    file: c.path,
    resolved: undefined,
    resolution: undefined,
    reason,
  });
  const why = unsupported(c, kind);
  if (why) return none(why);
  const [base, ours, theirs] = await Promise.all([
    c.stages[1] ? opts.readBlob(c.stages[1].oid) : Promise.resolve(Buffer.alloc(0)),
    opts.readBlob(c.stages[2]!.oid),
    opts.readBlob(c.stages[3]!.oid),
  ]);
  if (!base || !ours || !theirs) return none("blob missing");
  if ([base, ours, theirs].some(isBinary)) return none("binary file");
  const texts = [base, ours, theirs].map((b) => b.toString("utf8"));
  if (texts.some((t) => hasMarkerLike(t, MARKER_SIZE))) return none("content looks like conflict markers");
  const dir = mkdtempSync(join(tmpdir(), "ov-merge-file-"));
  try {
    const [bp, op, tp] = ["base", "ours", "theirs"].map((n) => join(dir, n)) as [string, string, string];
    writeFileSync(bp, base);
    writeFileSync(op, ours);
    writeFileSync(tp, theirs);
    const res = await git.run(
      [
        "merge-file",
        "-p",
        "--diff3",
        `--marker-size=${MARKER_SIZE}`,
        "-L",
        "ours",
        "-L",
        "base",
        "-L",
        "theirs",
        op,
        bp,
        tp,
      ],
      { check: false, cwd: dir },
    );
    if (res.code < 0 || res.code > 127) return none(`git merge-file failed (exit ${res.code})`);
    const ends = (t: string) => t === "" || t.endsWith("\n");
    const r = resolveHunks(res.stdout, MARKER_SIZE, {
      union: opts.union,
      endsWithNewline: { base: ends(texts[0]!), ours: ends(texts[1]!), theirs: ends(texts[2]!) },
    });
    if (r.text === undefined) {
      return none(
        `${r.unresolved} of ${r.hunks} hunk(s) changed by both sides${opts.union ? "" : " (union disabled)"}`,
      );
    }
    return {
      file: c.path,
      resolved: { content: Buffer.from(r.text, "utf8"), mode: c.stages[2]!.mode },
      resolution: { file: c.path, rule: r.rules.length ? ruleOf(r.rules) : "clean-rerun", hunks: r.hunks },
      reason: undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
