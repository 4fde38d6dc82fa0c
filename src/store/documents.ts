import type { DocStore } from "./store.js";
import type { DocProblem } from "./store.js";
import { type Validator, check } from "./validate.js";
import { isOvError } from "../core/errors.js";
import { tryParseJson } from "../core/json.js";

/** The current format version of every document git ov writes. */
export const FORMAT_VERSION = 1;

export type DocRead<T> =
  | { kind: "ok"; value: T; commit: string }
  | { kind: "missing" }
  | { kind: "invalid"; problem: DocProblem };

/** Parses and validates one JSON document body; checks the `"v"` format version. */
export function parseDoc<T>(
  text: string | undefined,
  validator: Validator<T>,
  where: { ref: string; commit: string | undefined; path: string },
): { ok: true; value: T } | { ok: false; problem: DocProblem } | undefined {
  if (text === undefined) return undefined;
  const parsed = tryParseJson(text);
  if (!parsed.ok) return { ok: false, problem: { ...where, problem: `not JSON (${parsed.error})` } };
  const raw = parsed.value as { v?: unknown } | null;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, problem: { ...where, problem: "not a JSON object" } };
  }
  if (raw.v !== FORMAT_VERSION) {
    return {
      ok: false,
      problem: {
        ...where,
        problem: `unsupported format version ${JSON.stringify(raw.v)} (expected ${FORMAT_VERSION})`,
      },
    };
  }
  const res = check(validator, raw);
  return res.ok ? { ok: true, value: res.value } : { ok: false, problem: { ...where, problem: res.problem } };
}

/** Reads one JSON file of the document at `ref`. */
export async function readDoc<T>(
  store: DocStore,
  ref: string,
  path: string,
  validator: Validator<T>,
): Promise<DocRead<T>> {
  const tip = await store.git.refs.read(ref);
  if (!tip) return { kind: "missing" };
  const res = await readAndParse(store, validator, { ref, commit: tip, path });
  if (!res) return { kind: "missing" };
  return res.ok ? { kind: "ok", value: res.value, commit: tip } : { kind: "invalid", problem: res.problem };
}

/**
 * Reads `path` from every document under `prefix` with one `for-each-ref` and pipelined batch
 * reads. Bad documents are returned as problems; they never hide the good ones.
 */
export async function listDocs<T>(
  store: DocStore,
  prefix: string,
  path: string,
  validator: Validator<T>,
): Promise<{ docs: { ref: string; commit: string; value: T }[]; problems: DocProblem[] }> {
  const refs = await store.git.refs.list(prefix);
  const parsed = await Promise.all(
    refs.map((r) => readAndParse(store, validator, { ref: r.ref, commit: r.oid, path })),
  );
  const docs: { ref: string; commit: string; value: T }[] = [];
  const problems: DocProblem[] = [];
  refs.forEach((r, i) => {
    const res = parsed[i];
    if (!res) problems.push({ ref: r.ref, commit: r.oid, path, problem: "file is missing" });
    else if (res.ok) docs.push({ ref: r.ref, commit: r.oid, value: res.value });
    else problems.push(res.problem);
  });
  return { docs, problems };
}

/** Reads `path` at the commit and parses it; a ref that names no commit is a problem, not a crash. */
async function readAndParse<T>(
  store: DocStore,
  validator: Validator<T>,
  where: { ref: string; commit: string; path: string },
): Promise<{ ok: true; value: T } | { ok: false; problem: DocProblem } | undefined> {
  try {
    const obj = await store.git.readAtPath(where.commit, where.path);
    return parseDoc(obj?.body.toString("utf8"), validator, where);
  } catch (e) {
    if (isOvError(e) && e.code === "INVALID_DOCUMENT")
      return { ok: false, problem: { ...where, problem: e.message } };
    throw e;
  }
}
