import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../core/json.js";
import { ovDir } from "../git/repo.js";
import { randomToken } from "../sys/random.js";
import type { Deps } from "../store/deps.js";

/** Machine-local: `<git-common-dir>/ov/mail-check-state.json` = `{agent: epochMs of last check}`. */
export function debounceFile(deps: Deps): string {
  return join(ovDir(deps.repo), "mail-check-state.json");
}

function readState(path: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return isRecord(v) ? v : {};
  } catch {
    return {}; // missing or corrupt: as if never checked
  }
}

/** True when `agent` was checked less than `windowMs` ago (a window of 0 never debounces). */
export function withinDebounce(deps: Deps, agent: string, windowMs: number): boolean {
  if (windowMs <= 0) return false;
  const last = readState(debounceFile(deps))[agent];
  return typeof last === "number" && deps.clock.now() - last < windowMs;
}

/** Records a check of `agent` now (temp file + rename, so readers never see a torn file). */
export function recordCheck(deps: Deps, agent: string): void {
  const path = debounceFile(deps);
  const state = readState(path);
  state[agent] = deps.clock.now();
  mkdirSync(ovDir(deps.repo), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomToken(6)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, path);
}
