import { OvError } from "../core/errors.js";
import { taskId } from "../core/ids.js";
import type { Deps } from "../store/deps.js";

/** Task specs: one document, `refs/ov/specs`, holding `<taskId>.md` per task. */
export const SPECS_REF = "refs/ov/specs";

export function specPath(task: string): string {
  return `${taskId(task)}.md`;
}

export interface SpecWriteResult {
  task: string;
  ref: string;
  path: string;
  commit: string | undefined;
  changed: boolean;
}

/** Stores (or replaces) a task's spec; the writing agent goes into the `Ov-Agent` trailer. */
export async function writeSpec(
  deps: Deps,
  task: string,
  body: string,
  agent: string | undefined,
): Promise<SpecWriteResult> {
  const path = specPath(task);
  if (body.trim() === "") {
    throw new OvError("USAGE", `the spec for '${task}' is empty`, {
      hint: "pass the text with --body or on stdin",
    });
  }
  const text = body.endsWith("\n") ? body : `${body}\n`;
  const out = await deps.store.update(SPECS_REF, async (draft) => {
    const prev = await draft.readText(path);
    if (prev === text) return { write: false, value: false };
    await draft.write(path, text);
    return {
      write: {
        subject: `spec ${task}: ${prev === undefined ? "written" : "rewritten"}${agent ? ` by ${agent}` : ""}`,
        trailers: { "Ov-Op": "spec-write", "Ov-Task": task, "Ov-Agent": agent },
      },
      value: true,
      ...(agent ? { author: agent } : {}),
    };
  });
  return { task, ref: SPECS_REF, path, commit: out.commit, changed: out.value };
}

/** A task's spec text, or undefined when none was written. */
export async function readSpec(
  deps: Deps,
  task: string,
): Promise<{ text: string; commit: string } | undefined> {
  const path = specPath(task);
  const tip = await deps.git.refs.read(SPECS_REF);
  if (!tip) return undefined;
  const obj = await deps.git.readObject(`${tip}:${path}`);
  if (obj?.type !== "blob") return undefined;
  return { text: obj.body.toString("utf8"), commit: tip };
}

/** Who last wrote a task's spec (from the commit trailers), if recorded. */
export async function specAuthor(deps: Deps, task: string): Promise<string | undefined> {
  const res = await deps.git.run(
    ["log", "-1", "--format=%(trailers:key=Ov-Agent,valueonly)", SPECS_REF, "--", specPath(task)],
    { check: false },
  );
  const v = res.stdout.trim();
  return v === "" ? undefined : v;
}
