import { isRecord } from "../core/json.js";
import type { RuntimeEvent, StreamParser } from "./types.js";

/** A line longer than this without a newline is dropped (a runaway runtime must not exhaust memory). */
const MAX_LINE = 32 * 1024 * 1024;
/** How much of an unparseable line is kept in its `other` event, for runner.log. */
const SNIPPET = 500;

/**
 * Parser for Claude Code's `--output-format stream-json --verbose` (and the scripted agent, which
 * speaks the same). Feed it decoded text (set the stream's encoding to utf8 so characters are never
 * split). Never throws: non-JSON lines become `other` events of type `unparsed`, unknown shapes
 * `other` events of their own type (`system/<subtype>` for system lines).
 */
export function createClaudeParser(): StreamParser {
  let pending = "";
  let dropping = false;
  const take = (line: string, out: RuntimeEvent[]): void => {
    if (line.trim() !== "") out.push(...parseLine(line));
  };
  return {
    push(chunk: string): RuntimeEvent[] {
      const out: RuntimeEvent[] = [];
      const text = pending + chunk;
      pending = "";
      let start = 0;
      let nl = text.indexOf("\n");
      while (nl !== -1) {
        if (dropping) dropping = false;
        else take(text.slice(start, nl), out);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      const rest = text.slice(start);
      if (dropping) return out;
      if (rest.length > MAX_LINE) {
        out.push({
          kind: "other",
          type: "unparsed",
          raw: `${rest.slice(0, SNIPPET)}… (line over ${MAX_LINE} bytes dropped)`,
        });
        dropping = true;
      } else pending = rest;
      return out;
    },
    end(): RuntimeEvent[] {
      const out: RuntimeEvent[] = [];
      if (!dropping) take(pending, out);
      pending = "";
      dropping = false;
      return out;
    },
  };
}

/** Events of one stream-json line (a line may carry several content blocks). */
export function parseLine(line: string): RuntimeEvent[] {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return [{ kind: "other", type: "unparsed", raw: line.slice(0, SNIPPET) }];
  }
  if (!isRecord(v) || typeof v.type !== "string")
    return [{ kind: "other", type: "unparsed", raw: line.slice(0, SNIPPET) }];
  try {
    return mapEvent(v, v.type);
  } catch {
    return [{ kind: "other", type: v.type, raw: v }];
  }
}

function mapEvent(v: Record<string, unknown>, type: string): RuntimeEvent[] {
  switch (type) {
    case "system":
      return [mapSystem(v)];
    case "assistant":
      return orOther(mapAssistant(v), v, type);
    case "user":
      return orOther(mapUser(v), v, type);
    case "result":
      return [mapResult(v)];
    default:
      return [{ kind: "other", type, raw: v }];
  }
}

function orOther(events: RuntimeEvent[], v: Record<string, unknown>, type: string): RuntimeEvent[] {
  return events.length > 0 ? events : [{ kind: "other", type, raw: v }];
}

function mapSystem(v: Record<string, unknown>): RuntimeEvent {
  const subtype = typeof v.subtype === "string" ? v.subtype : "";
  if (subtype === "init" && typeof v.session_id === "string" && v.session_id !== "") {
    const ev: RuntimeEvent & { kind: "init" } = { kind: "init", sessionId: v.session_id };
    if (typeof v.model === "string") ev.model = v.model;
    if (Array.isArray(v.tools)) ev.tools = v.tools.filter((t): t is string => typeof t === "string");
    if (typeof v.permissionMode === "string") ev.permissionMode = v.permissionMode;
    return ev;
  }
  return { kind: "other", type: subtype ? `system/${subtype}` : "system", raw: v };
}

function contentBlocks(v: Record<string, unknown>): Record<string, unknown>[] {
  const msg = v.message;
  if (!isRecord(msg) || !Array.isArray(msg.content)) return [];
  return msg.content.filter(isRecord);
}

function mapAssistant(v: Record<string, unknown>): RuntimeEvent[] {
  const apiError = v.is_api_error_message === true;
  const out: RuntimeEvent[] = [];
  for (const b of contentBlocks(v)) {
    if (b.type === "text" && typeof b.text === "string") {
      out.push(apiError ? { kind: "text", text: b.text, apiError: true } : { kind: "text", text: b.text });
    } else if (b.type === "tool_use" && typeof b.id === "string" && typeof b.name === "string") {
      out.push({ kind: "tool_use", id: b.id, name: b.name, input: b.input ?? null });
    }
    // thinking and other block types carry nothing the runner uses
  }
  return out;
}

function mapUser(v: Record<string, unknown>): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  for (const b of contentBlocks(v)) {
    if (b.type !== "tool_result" || typeof b.tool_use_id !== "string") continue;
    out.push({
      kind: "tool_result",
      toolUseId: b.tool_use_id,
      isError: b.is_error === true,
      content: resultText(b.content),
    });
  }
  return out;
}

/** A tool result's content is a string or a list of blocks; keep the text. */
function resultText(c: unknown): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  return c
    .map((b) => (isRecord(b) && typeof b.text === "string" ? b.text : ""))
    .filter((t) => t !== "")
    .join("\n");
}

function mapResult(v: Record<string, unknown>): RuntimeEvent {
  const subtype = typeof v.subtype === "string" ? v.subtype : "unknown";
  const ev: RuntimeEvent & { kind: "result" } = {
    kind: "result",
    // Claude reports API failures as subtype "success" with is_error true: is_error decides.
    isError: typeof v.is_error === "boolean" ? v.is_error : subtype !== "success",
    subtype,
  };
  if (typeof v.session_id === "string" && v.session_id !== "") ev.sessionId = v.session_id;
  if (isNum(v.duration_ms)) ev.durationMs = v.duration_ms;
  if (isNum(v.num_turns)) ev.numTurns = v.num_turns;
  const turnCost = sinceLastResult(v.model_usage_since_last_result);
  if (turnCost !== undefined) ev.costUsd = turnCost;
  else if (isNum(v.total_cost_usd)) ev.costUsd = v.total_cost_usd;
  if (isNum(v.total_cost_usd)) ev.sessionCostUsd = v.total_cost_usd;
  const usage = mapUsage(v.usage);
  if (usage) ev.usage = usage;
  if (typeof v.result === "string") ev.text = v.result;
  if (typeof v.terminal_reason === "string") ev.terminalReason = v.terminal_reason;
  if (Array.isArray(v.errors))
    ev.errors = v.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
  return ev;
}

/** Claude's total_cost_usd accumulates across `--resume`; the per-turn cost is this map's sum. */
function sinceLastResult(m: unknown): number | undefined {
  if (!isRecord(m)) return undefined;
  let sum = 0;
  for (const u of Object.values(m)) if (isRecord(u) && isNum(u.costUSD)) sum += u.costUSD;
  return sum;
}

function mapUsage(u: unknown): (RuntimeEvent & { kind: "result" })["usage"] | undefined {
  if (!isRecord(u) || !isNum(u.input_tokens) || !isNum(u.output_tokens)) return undefined;
  const out: NonNullable<(RuntimeEvent & { kind: "result" })["usage"]> = {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
  };
  if (isNum(u.cache_read_input_tokens)) out.cacheReadTokens = u.cache_read_input_tokens;
  if (isNum(u.cache_creation_input_tokens)) out.cacheCreationTokens = u.cache_creation_input_tokens;
  return out;
}

function isNum(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}
