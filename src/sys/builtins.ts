import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * Node built-ins that cost milliseconds to load at start-up (child_process pulls in net and the
 * stream machinery; crypto its bindings) are loaded on first use instead, so a command that spawns
 * nothing or hashes nothing — `git ov config get` — never pays for them. Types come from
 * `import type`, which costs nothing at run time.
 */
export const childProcess = once(() => load("node:child_process") as typeof import("node:child_process"));

/** node:crypto, loaded on first use; see `childProcess`. */
export const nodeCrypto = once(() => load("node:crypto") as typeof import("node:crypto"));
