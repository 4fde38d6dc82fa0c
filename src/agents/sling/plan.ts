import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ResolvedConfig, loadConfig } from "../../config/config.js";
import { isConfigKey } from "../../config/keys.js";
import { OvError } from "../../core/errors.js";
import { agentName, taskId } from "../../core/ids.js";
import { readCurrentRunId } from "../../sessions/current-run.js";
import { type Session, isTerminal, listSessions } from "../../sessions/session.js";
import type { Runtime, TurnRequest } from "../../runtimes/types.js";
import type { Deps } from "../../store/deps.js";
import { CAPABILITIES, type Capability, isCapability } from "../capabilities.js";
import { type SpawnLimits, checkHierarchy, checkLimits, checkTaskLock, resolveDepth } from "../hierarchy.js";
import { readSpec } from "../spec.js";
import { agentBranch, canonicalRootSync, worktreeRoot } from "../worktree.js";
import { chooseName, findPredecessor, resolveBase } from "./checks.js";

/** What the user asked for (flags of `git ov sling`). */
export interface SlingInput {
  task: string;
  capability: string;
  name?: string | undefined;
  specPath?: string | undefined;
  files?: string | undefined;
  parent?: string | undefined;
  depth?: number | undefined;
  maxAgents?: number | undefined;
  dispatchMaxAgents?: number | undefined;
  runtime?: string | undefined;
  baseBranch?: string | undefined;
  recover: boolean;
  forceHierarchy: boolean;
  /** Directory relative paths (such as --spec) resolve against. */
  cwd: string;
}

/** Everything validation decided; applying it is mechanical. */
export interface SlingPlan {
  name: string;
  capability: Capability;
  task: string;
  parent: Session | null;
  parentName: string | null;
  depth: number;
  runId: string | null;
  branch: string;
  baseBranch: string;
  baseCommit: string;
  worktree: string;
  root: string;
  files: string[];
  spec: { text: string; source: string } | undefined;
  dispatchMaxAgents: number | undefined;
  runtime: Runtime;
  /** A terminal session with this name exists and is replaced. */
  replacesTerminal: boolean;
  /** The earlier agent on this task when `--recover` re-dispatches it. */
  recovers: string | undefined;
  config: ResolvedConfig;
}

/** Adapts resolved configuration to the shape runtimes read. */
export function runtimeConfig(config: ResolvedConfig): TurnRequest["config"] {
  return { get: (key) => (isConfigKey(key) ? config.get(key) : undefined) };
}

function readSpecFile(cwd: string, path: string): { text: string; source: string } {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) {
    throw new OvError("NOT_FOUND", `spec file not found: ${abs}`, {
      hint: "check the path, or store the spec with git ov spec write <task> and omit --spec",
    });
  }
  return { text: readFileSync(abs, "utf8"), source: abs };
}

function limitsFrom(config: ResolvedConfig): SpawnLimits {
  return {
    maxConcurrent: config.num("agents.maxConcurrent"),
    maxDepth: config.num("agents.maxDepth"),
    maxAgentsPerLead: config.num("agents.maxAgentsPerLead"),
    maxSessionsPerRun: config.num("agents.maxSessionsPerRun"),
  };
}

/**
 * Validates a sling request without writing anything: capability, hierarchy, depth, limits, name,
 * task lock, recovery, base branch, runtime availability, worktree path. Throws OvError on refusal.
 */
export async function planSling(
  deps: Deps,
  input: SlingInput,
  resolveRuntime: (name: string) => Promise<Runtime>,
): Promise<SlingPlan> {
  const task = taskId(input.task.trim());
  if (!isCapability(input.capability)) {
    throw new OvError("USAGE", `unknown capability '${input.capability}'`, {
      hint: `use one of ${CAPABILITIES.join(", ")}`,
    });
  }
  const capability = input.capability;
  const explicitName = input.name?.trim() ? agentName(input.name.trim()) : undefined;
  const parentName = input.parent?.trim() ? agentName(input.parent.trim(), "parent name") : null;
  const fileSpec = input.specPath ? readSpecFile(input.cwd, input.specPath) : undefined;
  const files = (input.files ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");

  const [config, { sessions }, currentRun, root] = await Promise.all([
    loadConfig(deps),
    listSessions(deps),
    readCurrentRunId(deps),
    worktreeRoot(deps),
  ]);
  const parent = parentName ? (sessions.find((s) => s.name === parentName) ?? null) : null;
  if (parentName && !input.forceHierarchy) {
    if (!parent)
      throw new OvError("NOT_FOUND", `parent '${parentName}' has no session`, {
        hint: "git ov status lists the agents; pass an existing --parent (or --force-hierarchy)",
      });
    if (isTerminal(parent.state))
      throw new OvError("HIERARCHY", `parent '${parentName}' has ended (${parent.state})`, {
        hint: "sling under a live agent, or without --parent",
      });
  }
  // No run yet: apply creates one (ensureCurrentRun) as its first write, so a refusal writes nothing.
  const runId = parent?.runId ?? currentRun ?? null;
  const req = { capability, parent, depth: input.depth, forceHierarchy: input.forceHierarchy, runId };
  const limits = limitsFrom(config);
  checkHierarchy(req);
  const depth = resolveDepth(req, limits);
  checkLimits(req, limits, sessions, input.maxAgents);
  checkTaskLock(task, parent, sessions);

  const predecessor = findPredecessor(task, capability, parentName, sessions);
  if (predecessor && !input.recover) {
    throw new OvError(
      "AGENT",
      `task '${task}' was already handled by ${capability} '${predecessor.name}' (${predecessor.state})`,
      {
        data: { task, previous: predecessor.name },
        hint: `pass --recover to dispatch it again (the new agent starts from ${predecessor.branch})`,
      },
    );
  }
  const name = await chooseName(deps, { explicit: explicitName, capability, task, sessions, root });
  const base = await resolveBase(deps, config, input.baseBranch, input.recover ? predecessor : undefined);

  const runtimeName = input.runtime?.trim() || config.str("runtime.default");
  const runtime = await resolveRuntime(runtimeName);
  await runtime.ensureAvailable(runtimeConfig(config), { ...deps.env });

  const spec = fileSpec ?? (await storedSpec(deps, task));
  return {
    name,
    capability,
    task,
    parent,
    parentName,
    depth,
    runId,
    branch: agentBranch(name, task),
    baseBranch: base.name,
    baseCommit: base.commit,
    worktree: join(root, name),
    root: canonicalRootSync(deps),
    files,
    spec,
    dispatchMaxAgents: capability === "lead" ? input.dispatchMaxAgents : undefined,
    runtime,
    replacesTerminal: sessions.some((s) => s.name === name),
    recovers: input.recover ? predecessor?.name : undefined,
    config,
  };
}

async function storedSpec(deps: Deps, task: string): Promise<{ text: string; source: string } | undefined> {
  const s = await readSpec(deps, task);
  return s ? { text: s.text, source: `refs/ov/specs:${task}.md` } : undefined;
}
