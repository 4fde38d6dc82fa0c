import { OvError } from "../core/errors.js";
import { ACTIVE_STATES, type Session } from "../sessions/session.js";
import { type Capability, ROOT_SPAWNABLE, roleSpec } from "./capabilities.js";

/** Spawn limits from configuration (`agents.*`); 0 means unlimited where the key says so. */
export interface SpawnLimits {
  maxConcurrent: number;
  maxDepth: number;
  /** Active children per parent; 0 = unlimited. `--max-agents` overrides it. */
  maxAgentsPerLead: number;
  /** Sessions per run; 0 = unlimited. */
  maxSessionsPerRun: number;
}

export interface SpawnRequest {
  capability: Capability;
  /** The parent's session, or null when a human (or the top level) slings. */
  parent: Session | null;
  /** `--depth`, if given. */
  depth: number | undefined;
  forceHierarchy: boolean;
  runId: string | null;
}

function isActive(s: Session): boolean {
  return ACTIVE_STATES.includes(s.state);
}

/**
 * The depth the new agent gets: one below its parent, 0 at the top. An explicit `--depth` must
 * agree (a mismatch is a caller bug the reference silently accepted). Throws HIERARCHY.
 */
export function resolveDepth(req: SpawnRequest, limits: SpawnLimits): number {
  const expected = req.parent ? req.parent.depth + 1 : 0;
  const depth = req.depth ?? expected;
  if (req.parent && depth !== expected && !req.forceHierarchy) {
    throw new OvError(
      "HIERARCHY",
      `--depth ${depth} does not match parent '${req.parent.name}' at depth ${req.parent.depth}`,
      { hint: `omit --depth (it becomes ${expected}), or pass --depth ${expected}` },
    );
  }
  if (depth > limits.maxDepth) {
    throw new OvError(
      "HIERARCHY",
      `depth limit exceeded: depth ${depth} > agents.maxDepth ${limits.maxDepth}`,
      {
        data: { depth, maxDepth: limits.maxDepth },
        hint: "do the work at this level, escalate to your parent, or raise it: git ov config set agents.maxDepth <n>",
      },
    );
  }
  return depth;
}

/** Who may sling whom (§3.3): without a parent only lead/scout/builder; a parent must be able to spawn the role. */
export function checkHierarchy(req: SpawnRequest): void {
  if (req.forceHierarchy) return;
  const cap = req.capability;
  if (!req.parent) {
    if (ROOT_SPAWNABLE.includes(cap)) return;
    throw new OvError(
      "HIERARCHY",
      `a ${cap} needs a parent: only ${ROOT_SPAWNABLE.join(", ")} start at the top`,
      {
        data: { capability: cap },
        hint: `pass --parent <lead>, or --force-hierarchy if you really mean it`,
      },
    );
  }
  const allowed = roleSpec(req.parent.capability).spawns;
  if (allowed.includes(cap)) return;
  throw new OvError(
    "HIERARCHY",
    allowed.length === 0
      ? `a ${req.parent.capability} ('${req.parent.name}') may not spawn agents`
      : `a ${req.parent.capability} may spawn ${allowed.join(", ")}, not a ${cap}`,
    {
      data: { parent: req.parent.name, capability: cap },
      hint: "ask your parent, or pass --force-hierarchy",
    },
  );
}

/** Concurrency, per-run and per-parent ceilings against the current sessions. Throws AGENT. */
export function checkLimits(
  req: SpawnRequest,
  limits: SpawnLimits,
  sessions: readonly Session[],
  maxAgentsOverride: number | undefined,
): void {
  const active = sessions.filter(isActive);
  if (active.length >= limits.maxConcurrent) {
    throw new OvError(
      "AGENT",
      `concurrency limit reached: ${active.length} active agents (agents.maxConcurrent ${limits.maxConcurrent})`,
      { hint: "wait for agents to finish, git ov stop one, or git ov config set agents.maxConcurrent <n>" },
    );
  }
  if (limits.maxSessionsPerRun > 0 && req.runId) {
    const inRun = sessions.filter((s) => s.runId === req.runId).length;
    if (inRun >= limits.maxSessionsPerRun) {
      throw new OvError(
        "AGENT",
        `run limit reached: run ${req.runId} already has ${inRun} agents (agents.maxSessionsPerRun ${limits.maxSessionsPerRun})`,
        { hint: "complete the run first, or git ov config set agents.maxSessionsPerRun <n>" },
      );
    }
  }
  const perParent = maxAgentsOverride ?? limits.maxAgentsPerLead;
  if (req.parent && perParent > 0) {
    const parentName = req.parent.name;
    const children = active.filter((s) => s.parent === parentName).length;
    if (children >= perParent) {
      throw new OvError(
        "AGENT",
        `per-lead limit reached: '${parentName}' already has ${children} active agents (limit ${perParent})`,
        { hint: "wait for a child to finish, or raise --max-agents / agents.maxAgentsPerLead" },
      );
    }
  }
}

/** A task is locked by an active agent on it, unless that agent is the parent delegating its own task. */
export function checkTaskLock(task: string, parent: Session | null, sessions: readonly Session[]): void {
  const holder = sessions.find((s) => s.task === task && isActive(s) && s.name !== parent?.name);
  if (!holder) return;
  throw new OvError(
    "AGENT",
    `task '${task}' is already being worked on by '${holder.name}' (${holder.state})`,
    {
      data: { task, holder: holder.name },
      hint: `wait for it, git ov stop ${holder.name}, or sling a different task`,
    },
  );
}
