import { OvError } from "../core/errors.js";
import type { Runtime } from "./types.js";

// PLACEHOLDER on the agents branch so sling compiles before the runtimes branch lands. On merge,
// take the runtimes branch's registry.ts (same `getRuntime(name): Runtime` signature) and drop this.
export function getRuntime(name: string): Runtime {
  throw new OvError("RUNTIME", `unknown runtime '${name}'`, {
    hint: "no runtime adapters are built into this build yet",
    data: { runtime: name, known: [] },
  });
}
