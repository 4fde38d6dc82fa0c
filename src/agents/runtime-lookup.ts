import type { Runtime } from "../runtimes/types.js";

/** The runtime adapter named `name` from the runtime registry (throws RUNTIME for unknown names). */
export async function lookupRuntime(name: string): Promise<Runtime> {
  const { getRuntime } = await import("../runtimes/registry.js");
  return getRuntime(name);
}
