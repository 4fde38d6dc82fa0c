/** Commit messages of refs/ov writes: a subject line, an optional body, then `Ov-*` trailers. */
export interface CommitNote {
  subject: string;
  body?: string;
  trailers?: Record<string, string | number | undefined>;
}

export function formatMessage(note: CommitNote): string {
  const subject = oneLine(note.subject);
  const trailerLines = Object.entries(note.trailers ?? {})
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== "")
    .map(([k, v]) => `${k}: ${oneLine(String(v))}`);
  const parts = [subject];
  if (note.body) parts.push(note.body.trimEnd());
  if (trailerLines.length > 0) parts.push(trailerLines.join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** Parses `Key: value` trailers from the last paragraph of a message. */
export function parseTrailers(message: string): Record<string, string> {
  const paras = message.trimEnd().split(/\n\n+/);
  const last = paras[paras.length - 1] ?? "";
  const out: Record<string, string> = {};
  for (const line of last.split("\n")) {
    const m = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ").trim();
}
