import type { DocProblem } from "../store/store.js";
import { describeProblem } from "../store/store.js";

/** Pure text helpers for the sessions, runs and groups commands. */

/** A compact duration: `45s`, `3m 20s`, `2h 5m`, `3d 4h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Time since an ISO timestamp, e.g. `3m 20s ago`; `?` when unparsable. */
export function ago(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "?" : `${duration(nowMs - t)} ago`;
}

/** Milliseconds between two ISO times (or until `nowMs` when `end` is null); null when unparsable. */
export function elapsed(start: string, end: string | null, nowMs: number): number | null {
  const a = Date.parse(start);
  const b = end === null ? nowMs : Date.parse(end);
  return Number.isNaN(a) || Number.isNaN(b) ? null : Math.max(0, b - a);
}

/** Left-aligned columns separated by two spaces; trailing blanks trimmed. */
export function table(rows: readonly (readonly string[])[], indent = ""): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((r) => `${indent}${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd())
    .join("\n");
}

/** One stderr line per unreadable document: which ref, which commit, what is wrong. */
export function problemLines(problems: readonly DocProblem[]): string {
  return problems.map((p) => `git ov: warning: skipped ${describeProblem(p)}\n`).join("");
}

/**
 * Code-unit order for sorting ids and ISO times. `localeCompare` would load ICU collation data on
 * first use (~20 ms of a cold `status`), and ids and ISO times sort correctly without it.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
