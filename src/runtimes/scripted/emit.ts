import { randomUUID } from "node:crypto";
import { isoTime, systemClock } from "../../sys/clock.js";
import { randomToken } from "../../sys/random.js";

/** The tools the scripted agent reports in its init line (the ones its steps appear as). */
const TOOLS = ["Bash", "Edit", "Read", "Write"];

export interface ResultFields {
  isError: boolean;
  subtype: "success" | "error_during_execution";
  text: string;
  terminalReason: string;
  errors?: string[];
}

/**
 * Writes Claude Code stream-json lines (the shapes of the captured fixtures in
 * test/fixtures/claude/), so a turn runner cannot tell the scripted agent from Claude.
 */
export class ClaudeEmitter {
  private assistantMessages = 0;
  /** The last ordinary text said, reported as the turn's `result`. */
  lastText = "";
  private readonly startedAt = systemClock.now();
  readonly denials: { tool_name: string; tool_use_id: string; tool_input: unknown }[] = [];

  constructor(
    private readonly write: (line: string) => void,
    readonly sessionId: string,
    private readonly model: string,
    private readonly usage: { inputTokens: number; outputTokens: number },
    private readonly costUsd: number,
    /** Cost of the conversation's earlier turns (Claude's total_cost_usd accumulates across resumes). */
    private readonly priorCostUsd = 0,
  ) {}

  /** What `total_cost_usd` will say once this turn's result is out. */
  totalCost(isError: boolean): number {
    return this.priorCostUsd + (isError ? 0 : this.costUsd);
  }

  init(cwd: string): void {
    this.line({
      type: "system",
      subtype: "init",
      cwd,
      session_id: this.sessionId,
      tools: TOOLS,
      mcp_servers: [],
      model: this.model,
      permissionMode: "bypassPermissions",
      apiKeySource: "none",
      claude_code_version: "scripted",
      output_style: "default",
      uuid: randomUUID(),
    });
  }

  text(text: string, apiError = false): void {
    if (!apiError) this.lastText = text;
    const extra = apiError ? { error: "server_error", is_api_error_message: true } : {};
    this.assistant([{ type: "text", text }], extra);
  }

  /** Emits a tool_use block; returns its id. */
  toolUse(name: string, input: unknown): string {
    const id = `toolu_scripted_${randomToken(12)}`;
    this.assistant([{ type: "tool_use", id, name, input }], {});
    return id;
  }

  toolResult(toolUseId: string, content: string, isError: boolean): void {
    this.line({
      type: "user",
      message: {
        role: "user",
        content: [{ tool_use_id: toolUseId, type: "tool_result", content, is_error: isError }],
      },
      parent_tool_use_id: null,
      session_id: this.sessionId,
      uuid: randomUUID(),
      timestamp: isoTime(systemClock.now()),
      tool_use_result: isError ? `Error: ${content}` : { stdout: content, stderr: "", interrupted: false },
    });
  }

  result(r: ResultFields): void {
    // Failed model calls cost nothing, as with Claude's API-error results.
    const usage = r.isError ? { inputTokens: 0, outputTokens: 0 } : this.usage;
    const cost = r.isError ? 0 : this.costUsd;
    const since = r.isError
      ? {}
      : {
          [this.model]: {
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            cacheReadInputTokens: 0,
            cacheCreationInputTokens: 0,
            costUSD: cost,
          },
        };
    this.line({
      type: "result",
      subtype: r.subtype,
      is_error: r.isError,
      duration_ms: systemClock.now() - this.startedAt,
      duration_api_ms: 0,
      num_turns: Math.max(1, this.assistantMessages),
      result: r.text,
      stop_reason: r.isError ? null : "end_turn",
      session_id: this.sessionId,
      total_cost_usd: this.totalCost(r.isError),
      usage: {
        input_tokens: usage.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: usage.outputTokens,
      },
      modelUsage: {},
      model_usage_since_last_result: since,
      permission_denials: this.denials,
      terminal_reason: r.terminalReason,
      ...(r.errors ? { errors: r.errors } : {}),
      uuid: randomUUID(),
    });
  }

  /** A raw line that is not JSON (for garbage-output tests). */
  raw(text: string): void {
    this.write(`${text}\n`);
  }

  private assistant(content: unknown[], extra: Record<string, unknown>): void {
    this.assistantMessages++;
    this.line({
      type: "assistant",
      message: {
        id: `msg_scripted_${randomToken(12)}`,
        type: "message",
        role: "assistant",
        model: this.model,
        content,
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
      },
      parent_tool_use_id: null,
      session_id: this.sessionId,
      uuid: randomUUID(),
      timestamp: isoTime(systemClock.now()),
      ...extra,
    });
  }

  private line(v: unknown): void {
    this.write(`${JSON.stringify(v)}\n`);
  }
}

/** Claude's answer to `--resume` with an id it does not know: an error result and no init line. */
export function unknownSessionResult(sessionId: string): string {
  return `${JSON.stringify({
    type: "result",
    subtype: "error_during_execution",
    duration_ms: 0,
    duration_api_ms: 0,
    is_error: true,
    num_turns: 0,
    stop_reason: null,
    session_id: sessionId,
    total_cost_usd: 0,
    usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    modelUsage: {},
    permission_denials: [],
    uuid: randomUUID(),
    errors: [`No conversation found with session ID: ${sessionId}`],
  })}\n`;
}
