import { mkdirSync } from "node:fs";

/** How often a vanished directory is recreated before giving up. */
const RETRIES = 16;

/**
 * Runs `create` (which makes a file inside `dir`) after making `dir`, and again if a concurrent git
 * removed `dir` in between: `git pack-refs` and `git prune` delete directories they leave empty, so a
 * fresh `mkdir` is no guarantee. This is git's own raceproof_create_file() rule.
 */
export function raceproofCreate<T>(dir: string, create: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir, { recursive: true });
      return create();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= RETRIES) throw e;
    }
  }
}
