import { isCapability } from "../capabilities.js";
import { decideGuard, needsLeadFacts } from "./decide.js";
import { nodePorts } from "./paths.js";
import { type GuardAgent, type GuardDecision, type ToolCall, block } from "./types.js";

type Env = Readonly<Record<string, string | undefined>>;

/** `hook`: silent allow; `answer-allow`: allow answered explicitly (Claude then skips its own prompt); `explain`: JSON. */
export type RenderMode = "hook" | "answer-allow" | "explain";

const ALLOW_ANSWER = {
  hookSpecificOutput: {
    hookEventName: "PreToolUse",
    permissionDecision: "allow",
    permissionDecisionReason: "git ov guard",
  },
};

/** What the guard prints and returns: the PreToolUse contract of Claude Code. */
export interface GuardOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Renders a decision for Claude Code's PreToolUse hook: allow = exit 0, silent; block = exit 2 with
 * the reason on stderr (Claude shows it to the model as the tool's error). See RenderMode for the rest.
 */
export function renderDecision(d: GuardDecision, mode: RenderMode = "hook"): GuardOutput {
  if (mode === "explain") {
    const body = d.allow ? { decision: "allow" } : { decision: "block", rule: d.rule, reason: d.reason };
    return { code: 0, stdout: `${JSON.stringify(body)}\n`, stderr: "" };
  }
  if (d.allow && mode === "answer-allow")
    return { code: 0, stdout: `${JSON.stringify(ALLOW_ANSWER)}\n`, stderr: "" };
  if (d.allow) return { code: 0, stdout: "", stderr: "" };
  return { code: 2, stdout: "", stderr: `git ov guard: blocked (${d.rule}): ${d.reason}\n` };
}

function identity(env: Env): GuardAgent | GuardDecision | undefined {
  const name = env.GIT_OV_AGENT;
  if (!name) return undefined;
  const cap = env.GIT_OV_CAPABILITY ?? "";
  if (!isCapability(cap))
    return block(
      "bad-input",
      `guard misconfigured: GIT_OV_CAPABILITY '${cap}' is not a role; re-sling the agent`,
    );
  const worktree = env.GIT_OV_WORKTREE;
  if (!worktree?.startsWith("/"))
    return block(
      "bad-input",
      "guard misconfigured: GIT_OV_WORKTREE is not set to an absolute path; re-sling the agent",
    );
  const task = env.GIT_OV_TASK ?? "";
  return { name, capability: cap, worktree, task, branch: env.GIT_OV_BRANCH || `ov/${name}/${task}` };
}

function parseCall(stdin: string, fallbackCwd: string): ToolCall | GuardDecision {
  let raw: unknown;
  try {
    raw = JSON.parse(stdin);
  } catch {
    return block(
      "bad-input",
      "guard input is not JSON (expected Claude Code's PreToolUse hook payload on stdin)",
    );
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return block("bad-input", "guard input is not a JSON object");
  const o = raw as Record<string, unknown>;
  if (typeof o.tool_name !== "string" || o.tool_name === "")
    return block("bad-input", "guard input has no tool_name");
  const input = o.tool_input ?? {};
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return block("bad-input", "guard input's tool_input is not an object");
  const cwd = typeof o.cwd === "string" && o.cwd.startsWith("/") ? o.cwd : fallbackCwd;
  return { tool: o.tool_name, input: input as Record<string, unknown>, cwd };
}

const isDecision = (x: unknown): x is GuardDecision => typeof x === "object" && x !== null && "allow" in x;

/**
 * `git ov guard [--explain | --answer-allow]`: reads one PreToolUse payload on stdin, identifies the agent from
 * GIT_OV_* variables, and decides. Not an agent (no GIT_OV_AGENT) → allow. Any error → block.
 */
export async function runGuard(args: readonly string[], env: Env, stdin: string): Promise<GuardOutput> {
  const mode: RenderMode = args.includes("--explain")
    ? "explain"
    : args.includes("--answer-allow")
      ? "answer-allow"
      : "hook";
  try {
    const agent = identity(env);
    if (agent === undefined) return renderDecision({ allow: true }, mode);
    if (isDecision(agent)) return renderDecision(agent, mode);
    const call = parseCall(stdin, agent.worktree);
    if (isDecision(call)) return renderDecision(call, mode);
    let facts: Awaited<ReturnType<typeof import("./lead-facts.js").leadGateFacts>> | undefined;
    if (needsLeadFacts(call, agent)) {
      const { leadGateFacts } = await import("./lead-facts.js");
      facts = await leadGateFacts(agent.worktree, agent.name).catch(() => undefined);
    }
    return renderDecision(decideGuard(call, agent, nodePorts(env), facts), mode);
  } catch (e) {
    return renderDecision(
      block("bad-input", `guard failed (${e instanceof Error ? e.message : String(e)}); blocking to be safe`),
      mode,
    );
  }
}

/** Reads stdin fully (empty when it is a terminal). */
export async function readAll(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
