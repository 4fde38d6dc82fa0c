import { OvError } from "../core/errors.js";
import { nearest } from "../core/text.js";
import { readCurrentRunId } from "../sessions/current-run.js";
import { ACTIVE_STATES, CAPABILITIES, type Capability, listSessions } from "../sessions/session.js";
import type { Deps } from "../store/deps.js";

/** Every group address: `@all` and one per capability (singular and plural are both accepted). */
export const GROUP_ADDRESSES = ["@all", ...CAPABILITIES.map((c) => `@${c}s`)];

export function isGroupAddress(to: string): boolean {
  return to.startsWith("@");
}

/** `@Builders` → "builder"; `@all` → "all"; undefined for an unknown group. */
export function groupCapability(address: string): Capability | "all" | undefined {
  const name = address.slice(1).toLowerCase();
  if (name === "all") return "all";
  for (const c of CAPABILITIES) if (name === c || name === `${c}s`) return c;
  return undefined;
}

/**
 * Resolves a group address to agent names: active sessions (booting, working, stalled) of the
 * current run — plus run-less sessions such as a coordinator — minus the sender. Without a current
 * run, every active session. Throws MAIL for an unknown group or zero recipients.
 */
export async function resolveGroup(deps: Deps, address: string, sender: string): Promise<string[]> {
  const capability = groupCapability(address);
  if (capability === undefined) {
    const near = nearest(address.toLowerCase(), GROUP_ADDRESSES, 3);
    throw new OvError("MAIL", `unknown group address '${address}'`, {
      data: { address, valid: GROUP_ADDRESSES },
      hint: `${near ? `did you mean '${near}'? ` : ""}valid groups: ${GROUP_ADDRESSES.join(", ")}`,
    });
  }
  const [{ sessions }, runId] = await Promise.all([listSessions(deps), readCurrentRunId(deps)]);
  const names = sessions
    .filter((s) => ACTIVE_STATES.includes(s.state))
    .filter((s) => runId === undefined || s.runId === runId || s.runId === null)
    .filter((s) => capability === "all" || s.capability === capability)
    .map((s) => s.name)
    .filter((n) => n !== sender);
  if (names.length === 0) {
    throw new OvError("MAIL", `group address '${address}' resolved to zero recipients`, {
      data: { address, runId: runId ?? null },
      hint: `no active ${capability === "all" ? "agent" : capability} besides the sender${runId ? ` in run ${runId}` : ""}; git ov status lists agents`,
    });
  }
  return names;
}
