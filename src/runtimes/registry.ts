import { OvError } from "../core/errors.js";
import { nearest } from "../core/text.js";
import { createClaudeRuntime } from "./claude.js";
import { createScriptedRuntime } from "./scripted.js";
import type { Runtime } from "./types.js";

/** Names of the built-in runtimes (values of `runtime.default` and `sling --runtime`). */
export const RUNTIMES = ["claude", "scripted"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

const FACTORIES: Record<RuntimeName, () => Runtime> = {
  claude: () => createClaudeRuntime(),
  scripted: () => createScriptedRuntime(),
};

export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIMES as readonly string[]).includes(name);
}

/** The adapter for `name`; throws OvError("RUNTIME") listing the known runtimes. */
export function getRuntime(name: string): Runtime {
  if (isRuntimeName(name)) return FACTORIES[name]();
  const near = nearest(name, RUNTIMES, 2);
  throw new OvError("RUNTIME", `unknown runtime '${name}'${near ? ` (did you mean '${near}'?)` : ""}`, {
    hint: `use one of: ${RUNTIMES.join(", ")}`,
    data: { runtime: name, known: [...RUNTIMES] },
  });
}
