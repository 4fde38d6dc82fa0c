/**
 * Tier 2, the pure part. Each conflict hunk of a diff3 merge is refined line by line: both sides
 * are aligned to the base (LCS), and a hunk is resolved only when no base region was changed by
 * both sides differently — every region changed by one side only takes that side (so two agents
 * editing adjacent lines both keep their edit), the same change on both sides is kept once, and
 * lines both sides inserted at the same place are all kept (target's first, then the branch's), so
 * two agents adding at the same line both survive. Anything else stays a conflict and escalates.
 */

export type HunkRule = "identical" | "one-side-unchanged" | "union";

interface Hunk {
  ours: string[];
  base: string[];
  theirs: string[];
}

type Segment = { kind: "text"; lines: string[] } | { kind: "conflict"; hunk: Hunk };

export interface HunkResolution {
  /** The resolved file, when every hunk was resolved. */
  text: string | undefined;
  hunks: number;
  rules: HunkRule[];
  unresolved: number;
}

/** Splits text into lines that keep their terminators. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.split(/(?<=\n)/);
}

function isMarker(line: string, ch: string, size: number): boolean {
  if (!line.startsWith(ch.repeat(size))) return false;
  const next = line[size];
  return next === undefined || next === " " || next === "\n" || next === "\r";
}

/** True when some line of `text` could be mistaken for a marker of this size. */
export function hasMarkerLike(text: string, size: number): boolean {
  return splitLines(text).some((l) => ["<", "|", "=", ">"].some((c) => isMarker(l, c, size)));
}

/** Parses `git merge-file -p --diff3 --marker-size=<size>` output; undefined if it is not well formed. */
export function parseDiff3(text: string, size: number): Segment[] | undefined {
  const segs: Segment[] = [];
  let state: "text" | "ours" | "base" | "theirs" = "text";
  let cur: Hunk = { ours: [], base: [], theirs: [] };
  let plain: string[] = [];
  for (const line of splitLines(text)) {
    if (state === "text" && isMarker(line, "<", size)) {
      if (plain.length) segs.push({ kind: "text", lines: plain });
      plain = [];
      cur = { ours: [], base: [], theirs: [] };
      state = "ours";
    } else if (state === "ours" && isMarker(line, "|", size)) state = "base";
    else if (state === "base" && isMarker(line, "=", size)) state = "theirs";
    else if (state === "theirs" && isMarker(line, ">", size)) {
      segs.push({ kind: "conflict", hunk: cur });
      state = "text";
    } else if (state === "text") plain.push(line);
    else cur[state].push(line);
  }
  if (state !== "text") return undefined;
  if (plain.length) segs.push({ kind: "text", lines: plain });
  return segs;
}

type Side = "ours" | "base" | "theirs";

/** A side's change to the base: base lines [start, end) become `lines` (start === end: an insertion). */
interface Edit {
  side: "ours" | "theirs";
  start: number;
  end: number;
  lines: string[];
}

/** Largest hunk (base lines × side lines) aligned; beyond it the hunk escalates rather than cost time. */
const MAX_CELLS = 4_000_000;

/** The edits that turn `base` into `side`, from a longest-common-subsequence alignment. */
function editsOf(base: string[], side: string[], who: Edit["side"]): Edit[] | undefined {
  const n = base.length;
  const m = side.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return undefined;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        base[i] === side[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && base[i] === side[j]) {
      i++;
      j++;
      continue;
    }
    const e: Edit = { side: who, start: i, end: i, lines: [] };
    while ((i < n || j < m) && !(i < n && j < m && base[i] === side[j])) {
      if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) i++;
      else e.lines.push(side[j++]!);
    }
    e.end = i;
    edits.push(e);
  }
  return edits;
}

/** Two edits touch the same base region: overlapping ranges, the same insertion point, or an insertion inside a range. */
function overlaps(a: Edit, b: Edit): boolean {
  const aIns = a.start === a.end;
  const bIns = b.start === b.end;
  if (aIns && bIns) return a.start === b.start;
  if (aIns) return b.start < a.start && a.start < b.end;
  if (bIns) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Groups of mutually overlapping edits, in base order. */
function groups(edits: Edit[]): Edit[][] {
  const out: Edit[][] = [];
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const hit = out.filter((g) => g.some((x) => overlaps(x, e)));
    const merged = [...hit.flat(), e];
    for (const g of hit) out.splice(out.indexOf(g), 1);
    out.push(merged);
  }
  return out
    .map((g) => g.sort((a, b) => a.start - b.start || a.end - b.end || (a.side === "ours" ? -1 : 1)))
    .sort((a, b) => a[0]!.start - b[0]!.start || a[0]!.end - b[0]!.end);
}

type GroupKind = "one-side" | "identical" | "union";

function resolveGroup(
  g: Edit[],
  union: boolean,
): { lines: string[]; kind: GroupKind; last: Side } | undefined {
  const [a, b] = g;
  if (!a) return undefined;
  if (!b) return { lines: a.lines, kind: "one-side", last: a.side };
  if (g.length !== 2 || a.side === b.side) return undefined;
  const sameLines = a.lines.length === b.lines.length && a.lines.every((l, i) => l === b.lines[i]);
  if (a.start === b.start && a.end === b.end && sameLines)
    return { lines: a.lines, kind: "identical", last: a.side };
  const bothInsert = a.start === a.end && b.start === b.end;
  if (!union || !bothInsert) return undefined;
  const [ours, theirs] = a.side === "ours" ? [a, b] : [b, a];
  return {
    lines: [...ours.lines, ...theirs.lines],
    kind: "union",
    last: theirs.lines.length ? "theirs" : "ours",
  };
}

function resolveHunk(h: Hunk, union: boolean): { lines: string[]; rule: HunkRule; last: Side } | undefined {
  const ours = editsOf(h.base, h.ours, "ours");
  const theirs = editsOf(h.base, h.theirs, "theirs");
  if (!ours || !theirs) return undefined;
  const lines: string[] = [];
  const kinds = new Set<GroupKind>();
  let last: Side = "base";
  let cursor = 0;
  for (const g of groups([...ours, ...theirs])) {
    const r = resolveGroup(g, union);
    if (!r) return undefined;
    const start = Math.min(...g.map((e) => e.start));
    const end = Math.max(...g.map((e) => e.end));
    if (start > cursor) last = "base";
    lines.push(...h.base.slice(cursor, start), ...r.lines);
    if (r.lines.length) last = r.last;
    cursor = Math.max(cursor, end);
    kinds.add(r.kind);
  }
  if (cursor < h.base.length) last = "base";
  lines.push(...h.base.slice(cursor));
  const rule: HunkRule = kinds.has("union")
    ? "union"
    : kinds.has("one-side")
      ? "one-side-unchanged"
      : "identical";
  return { lines, rule, last };
}

/**
 * Resolves every conflict hunk losslessly or reports how many could not be. `endsWithNewline`
 * tells, per input, whether the original file ended with a newline: git adds one before a marker,
 * so a hunk at the end of the file gets the chosen side's own ending back.
 */
export function resolveHunks(
  merged: string,
  size: number,
  opts: { union: boolean; endsWithNewline: Record<Side, boolean> },
): HunkResolution {
  const segs = parseDiff3(merged, size);
  if (!segs) return { text: undefined, hunks: 0, rules: [], unresolved: 1 };
  const out: string[] = [];
  const rules: HunkRule[] = [];
  let unresolved = 0;
  segs.forEach((seg, i) => {
    if (seg.kind === "text") {
      out.push(...seg.lines);
      return;
    }
    const r = resolveHunk(seg.hunk, opts.union);
    if (!r) {
      unresolved++;
      return;
    }
    rules.push(r.rule);
    const lines = [...r.lines];
    const atEnd = i === segs.length - 1;
    const lastLine = lines[lines.length - 1];
    if (atEnd && lastLine?.endsWith("\n") && !opts.endsWithNewline[r.last]) {
      lines[lines.length - 1] = lastLine.slice(0, -1);
    }
    out.push(...lines);
  });
  const hunks = rules.length + unresolved;
  return { text: unresolved === 0 ? out.join("") : undefined, hunks, rules, unresolved };
}
