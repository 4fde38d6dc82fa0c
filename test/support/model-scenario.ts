// Scenario types for the loopback model stub, and the pure functions that read a Messages API
// request: which prompt it answers, how far into that prompt's tool loop it is, what came back.

/** Token counts the stub reports for one reply (defaults: 10 in, 5 out, no cache). */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** One model reply. The key that decides its kind: text, tool, tools, end, stall or error. */
export type Step =
  | { text: string; usage?: Usage }
  | { tool: string; input: Record<string, unknown>; text?: string; usage?: Usage }
  | { tools: ToolCall[]; text?: string; usage?: Usage }
  | { end: true; text?: string; usage?: Usage }
  /** true: never send headers; "mid-stream": 200 and message_start, then silence. */
  | { stall: true | "mid-stream" }
  | { error: number; errorType?: string; message?: string; headers?: Record<string, string> };

export interface Conversation {
  /** Chosen when the latest prompt text contains this (absent: matches every prompt). */
  match?: string;
  steps: Step[];
  /** Past the last step: a plain end_turn ("end", default) or the last step again (a model that never ends). */
  after?: "end" | "repeat-last";
}

export interface Scenario {
  /** Tried in order; the first whose `match` occurs in the latest prompt answers. */
  conversations: Conversation[];
  /** Answer to requests without `tools` (title generation, summaries, …). */
  sideText?: string;
  /** Extra headers on every successful reply. */
  responseHeaders?: Record<string, string>;
}

type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function hasToolResult(m: Json): boolean {
  return arr(m.content).some((b) => isObj(b) && b.type === "tool_result");
}

/** Text of the most recent user message that is a prompt (not only tool results). */
export function lastPromptText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObj(m) || m.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    if (hasToolResult(m)) continue;
    return arr(m.content)
      .map((b) => (isObj(b) && typeof b.text === "string" ? b.text : ""))
      .join("\n");
  }
  return "";
}

/** User messages carrying tool results after the latest prompt: 0 on a fresh or resumed prompt. */
export function stepIndex(messages: unknown[]): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObj(m) || m.role !== "user") continue;
    if (!hasToolResult(m)) break;
    n++;
  }
  return n;
}

export interface ToolResultSeen {
  toolUseId: string;
  isError: boolean;
  text: string;
}

/** Every tool_result block of a request body, content flattened to text. */
export function toolResults(body: unknown): ToolResultSeen[] {
  const out: ToolResultSeen[] = [];
  for (const m of arr(isObj(body) ? body.messages : undefined)) {
    if (!isObj(m)) continue;
    for (const b of arr(m.content)) {
      if (!isObj(b) || b.type !== "tool_result") continue;
      const c = b.content;
      const text =
        typeof c === "string"
          ? c
          : arr(c)
              .map((x) => (isObj(x) && typeof x.text === "string" ? x.text : ""))
              .join("\n");
      out.push({ toolUseId: String(b.tool_use_id), isError: b.is_error === true, text });
    }
  }
  return out;
}

/** All text of a request's messages (prompts, answers, tool results), for "was X in the context" checks. */
export function conversationText(body: unknown): string {
  const parts: string[] = [];
  for (const m of arr(isObj(body) ? body.messages : undefined)) {
    if (!isObj(m)) continue;
    if (typeof m.content === "string") parts.push(m.content);
    for (const b of arr(m.content)) {
      if (!isObj(b)) continue;
      if (typeof b.text === "string") parts.push(b.text);
      if (typeof b.content === "string") parts.push(b.content);
    }
  }
  return parts.join("\n");
}

/** The step answering `messages`, and a label naming it (`step:<conversation>:<index>`). */
export function pickStep(scenario: Scenario, messages: unknown[]): { step: Step; label: string } {
  const prompt = lastPromptText(messages);
  const ci = scenario.conversations.findIndex((c) => c.match === undefined || prompt.includes(c.match));
  const conv = scenario.conversations[ci];
  const idx = stepIndex(messages);
  let step: Step = conv?.steps[idx] ?? { end: true };
  if (conv && idx >= conv.steps.length && conv.after === "repeat-last") step = conv.steps.at(-1) ?? step;
  return { step, label: ci < 0 ? `unmatched:${idx}` : `step:${ci}:${idx}` };
}
