import { isReadOnly } from "../capabilities.js";
import { checkCommandLine, strip } from "./bash.js";
import { isProtected } from "./file-rules.js";
import { type GuardPorts, isWithin, resolveReal } from "./paths.js";
import { isLeadFinish } from "./ov-rules.js";
import { parseShell } from "./shell.js";
import {
  ALLOW,
  type GuardAgent,
  type GuardDecision,
  type LeadGateFacts,
  type ToolCall,
  block,
} from "./types.js";

/** Claude Code's own delegation tools: agents delegate with `git ov sling` and talk with `git ov mail`. */
const TEAM_TOOLS = new Set([
  "Task",
  "Agent",
  "TeamCreate",
  "TeamDelete",
  "SendMessage",
  "TaskCreate",
  "TaskUpdate",
  "TaskList",
  "TaskGet",
  "TaskOutput",
  "TaskStop",
]);
/** Tools that wait for a human, who is not there in a headless turn. */
const INTERACTIVE_TOOLS = new Set(["AskUserQuestion", "EnterPlanMode", "ExitPlanMode", "EnterWorktree"]);
const WRITE_TOOLS: Record<string, string> = {
  Write: "file_path",
  Edit: "file_path",
  MultiEdit: "file_path",
  NotebookEdit: "notebook_path",
};

function canonicalRoot(agent: GuardAgent, ports: GuardPorts): string {
  return ports.realpath(agent.worktree) ?? agent.worktree;
}

function checkWriteTool(call: ToolCall, agent: GuardAgent, ports: GuardPorts, field: string): GuardDecision {
  if (isReadOnly(agent.capability))
    return block("read-only", `${agent.capability} agents cannot modify files: ${call.tool} is not allowed`);
  const path = call.input[field];
  if (typeof path !== "string" || path === "")
    return block("bad-input", `${call.tool} call without a ${field}; refusing what cannot be checked`);
  const root = canonicalRoot(agent, ports);
  const real = resolveReal(path, call.cwd, ports);
  if (isProtected(real, root))
    return block("protected-file", `${path} is managed by git ov (overlay and guard files); leave it alone`);
  if (!isWithin(real, root))
    return block(
      "path-boundary",
      `path boundary: ${real} is outside your worktree ${root}; write only inside it`,
    );
  return ALLOW;
}

/** True when deciding `call` needs the lead's mail counts (only a lead's finishing commands do). */
export function needsLeadFacts(call: ToolCall, agent: GuardAgent): boolean {
  if (agent.capability !== "lead" || call.tool !== "Bash" || typeof call.input.command !== "string")
    return false;
  return parseShell(call.input.command).some((c) => {
    // The same program words checkCommandLine judges, so `then git ov mail send …` is gated with facts.
    const t = strip(c.words).map((w) => w.text);
    const ovAt = t[0] === "git" && t[1] === "ov" ? 2 : t[0] === "git-ov" || t[0] === "ov" ? 1 : -1;
    if (ovAt > 0) return isLeadFinish("ov", t.slice(ovAt), agent.task);
    return (t[0] === "sd" || t[0] === "bd") && isLeadFinish("tracker", t.slice(1), agent.task);
  });
}

/**
 * The guard matrix (spec §3.4, tightened): decides whether an agent may make one tool call. Pure
 * apart from path canonicalisation through `ports`; `facts` are needed only for a lead's finish.
 */
export function decideGuard(
  call: ToolCall,
  agent: GuardAgent,
  ports: GuardPorts,
  facts?: LeadGateFacts,
): GuardDecision {
  if (TEAM_TOOLS.has(call.tool))
    return block(
      "team-tool",
      `${call.tool} is not available to git ov agents: delegate with git ov sling and talk with git ov mail`,
    );
  if (INTERACTIVE_TOOLS.has(call.tool))
    return block(
      "interactive-tool",
      `${call.tool} needs a human, and none is watching: ask with git ov mail send --type question`,
    );
  const field = WRITE_TOOLS[call.tool];
  if (field) return checkWriteTool(call, agent, ports, field);
  if (call.tool !== "Bash") return ALLOW;
  const command = call.input.command;
  if (typeof command !== "string")
    return block("bad-input", "Bash call without a command string; refusing what cannot be checked");
  const root = canonicalRoot(agent, ports);
  return checkCommandLine(command, {
    agent,
    ports,
    root,
    readOnly: isReadOnly(agent.capability),
    cwd: resolveReal(call.cwd || root, root, ports),
    facts,
  });
}
