import { CAPABILITIES, type Capability } from "../sessions/session.js";
import type { MailType } from "../mail/types.js";

export { CAPABILITIES, type Capability };

/**
 * What each role is and may do — the one table every part of git ov consults (sling, overlay,
 * guards, turn engine, watchdog). Enforcement lives in the guard; this module only states the rules.
 */
interface RoleSpec {
  /** Task-scoped roles run spawn-per-turn on one task; persistent roles run until stopped. */
  lifetime: "task" | "persistent";
  /** Read-only roles may not change files (the guard blocks Write/Edit and mutating shell). */
  readOnly: boolean;
  /**
   * Mail types that end the agent's work; the first is the canonical one overlays name. `result` is
   * the reference's fallback for non-merger roles, accepted but never suggested.
   */
  terminal: readonly MailType[];
  /** Roles this role may sling (empty: it may not spawn). */
  spawns: readonly Capability[];
  /** Read-only coordination roles may still commit tracker/expertise files (the reference's carve-out). */
  mayCommit: boolean;
  /** One line for `git ov agents show` and help text. */
  summary: string;
}

const ROLES: Record<Capability, RoleSpec> = {
  coordinator: {
    lifetime: "persistent",
    readOnly: true,
    terminal: [],
    spawns: ["lead", "scout", "builder"],
    mayCommit: true,
    summary: "top-level planner: splits objectives into tasks, dispatches leads, merges on merge_ready",
  },
  orchestrator: {
    lifetime: "persistent",
    readOnly: true,
    terminal: [],
    spawns: ["coordinator"],
    mayCommit: true,
    summary: "coordinator of coordinators across repositories; never touches code",
  },
  monitor: {
    lifetime: "persistent",
    readOnly: true,
    terminal: [],
    spawns: [],
    mayCommit: true,
    summary: "patrols agent health, nudges stalled agents, escalates to the coordinator",
  },
  lead: {
    lifetime: "task",
    readOnly: true,
    terminal: ["worker_done", "result"],
    spawns: ["scout", "builder", "reviewer", "merger"],
    mayCommit: false,
    summary: "owns one task: scouts, specs, builders, reviews, then merge_ready; never writes code",
  },
  scout: {
    lifetime: "task",
    readOnly: true,
    terminal: ["worker_done", "result"],
    spawns: [],
    mayCommit: false,
    summary: "read-only explorer: maps the code and writes a spec",
  },
  builder: {
    lifetime: "task",
    readOnly: false,
    terminal: ["worker_done", "result"],
    spawns: [],
    mayCommit: true,
    summary: "implements a spec inside its file scope and commits to its own branch",
  },
  reviewer: {
    lifetime: "task",
    readOnly: true,
    terminal: ["worker_done", "result"],
    spawns: [],
    mayCommit: false,
    summary: "read-only verifier: runs the checks and reports PASS or FAIL",
  },
  merger: {
    lifetime: "task",
    readOnly: false,
    terminal: ["merged", "merge_failed"],
    spawns: [],
    mayCommit: true,
    summary: "integrates finished branches, resolving conflicts; reports merged or merge_failed",
  },
};

/** Roles a human or the coordinator may sling without `--parent`. */
export const ROOT_SPAWNABLE: readonly Capability[] = ["lead", "scout", "builder"];

export function isCapability(s: string): s is Capability {
  return (CAPABILITIES as readonly string[]).includes(s);
}

export function roleSpec(cap: Capability): Readonly<RoleSpec> {
  return ROLES[cap];
}

export function isTaskScoped(cap: Capability): boolean {
  return ROLES[cap].lifetime === "task";
}

export function isPersistent(cap: Capability): boolean {
  return ROLES[cap].lifetime === "persistent";
}

export function isReadOnly(cap: Capability): boolean {
  return ROLES[cap].readOnly;
}

export function canSpawn(cap: Capability): boolean {
  return ROLES[cap].spawns.length > 0;
}

/** Terminal mail types of a role (empty for persistent roles, which never finish by mail). */
export function terminalMailTypes(cap: Capability): readonly MailType[] {
  return ROLES[cap].terminal;
}

/** The type an overlay tells the agent to send when done (`worker_done`, or `merged` for a merger). */
export function canonicalTerminalType(cap: Capability): MailType | undefined {
  return ROLES[cap].terminal[0];
}

/** True when `type` sent by an agent of `cap` ends its work (turn engine uses this). */
export function isTerminalMail(cap: Capability, type: string): boolean {
  return (ROLES[cap].terminal as readonly string[]).includes(type);
}
