// A loopback stand-in for the Anthropic Messages API, enough to drive the real Claude Code CLI
// offline: POST /v1/messages (SSE or JSON), /v1/messages/count_tokens, `{}` for anything else.
// Test code only; node:http and node:zlib, nothing else.
import { rmSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { type Scenario, type Step, type Usage, arr, isObj, pickStep } from "./model-scenario.js";

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: unknown;
  /** "step:<conv>:<i>[:stall|:stall-mid-stream]", "error:<status>", "side", "count_tokens" or "other". */
  handledAs: string;
  /** The client hung up before the stub finished answering (a stalled request whose caller died). */
  clientClosed: boolean;
}

export interface ModelStub {
  /** `http://127.0.0.1:<port>` (TCP listener). */
  url: string;
  port: number;
  /** Unix socket with the same API, when asked for (the network-namespace relay connects here). */
  socketPath: string | null;
  requests: RecordedRequest[];
  /** Requests to POST /v1/messages only. */
  messages(): RecordedRequest[];
  /** Replaces the scenario for the requests that follow. */
  use(scenario: Scenario): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const KEPT_HEADERS = /^(anthropic-|x-|user-agent$|content-type$)/;
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

let seq = 0;
const newId = (prefix: string): string => `${prefix}_stub${process.pid.toString(36)}x${(++seq).toString(36)}`;

interface Reply {
  blocks: Json[];
  stop: "end_turn" | "tool_use";
  usage: Required<Usage>;
}

function replyFor(step: Exclude<Step, { stall: unknown } | { error: number }>): Reply {
  const blocks: Json[] = [];
  if ("text" in step && step.text) blocks.push({ type: "text", text: step.text });
  const calls = "tools" in step ? step.tools : "tool" in step ? [{ name: step.tool, input: step.input }] : [];
  for (const c of calls) blocks.push({ type: "tool_use", id: newId("toolu"), name: c.name, input: c.input });
  if (blocks.length === 0) blocks.push({ type: "text", text: "Done." });
  return { blocks, stop: calls.length > 0 ? "tool_use" : "end_turn", usage: fullUsage(step.usage ?? {}) };
}

function fullUsage(u: Usage): Required<Usage> {
  return {
    input_tokens: u.input_tokens ?? 10,
    output_tokens: u.output_tokens ?? 5,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
  };
}

function messageStart(model: string, usage: Required<Usage>): Json {
  const message = { id: newId("msg"), type: "message", role: "assistant", model, content: [] };
  return {
    message: { ...message, stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  };
}

/** The reply as the SSE event sequence of the Messages API (text in 40-char deltas, tool input in two halves). */
function sse(res: http.ServerResponse, r: Reply, model: string, headers: Record<string, string>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "request-id": newId("req"), ...headers });
  const send = (event: string, data: Json): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  send("message_start", messageStart(model, r.usage));
  send("ping", {});
  r.blocks.forEach((b, index) => {
    if (b.type === "text") {
      send("content_block_start", { index, content_block: { type: "text", text: "" } });
      const t = String(b.text);
      for (let i = 0; i < t.length; i += 40)
        send("content_block_delta", { index, delta: { type: "text_delta", text: t.slice(i, i + 40) } });
    } else {
      send("content_block_start", { index, content_block: { ...b, input: {} } });
      const j = JSON.stringify(b.input);
      const cut = Math.ceil(j.length / 2);
      for (const part of [j.slice(0, cut), j.slice(cut)])
        send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part } });
    }
    send("content_block_stop", { index });
  });
  send("message_delta", {
    delta: { stop_reason: r.stop, stop_sequence: null },
    usage: { output_tokens: r.usage.output_tokens },
  });
  send("message_stop", {});
  res.end();
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...headers });
  res.end(JSON.stringify(body));
}

function parseBody(req: http.IncomingMessage, raw: Buffer): unknown {
  try {
    const buf = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
    return buf.length > 0 ? JSON.parse(buf.toString("utf8")) : null;
  } catch {
    return raw.toString("utf8");
  }
}

/** Answers one /v1/messages request per the scenario; returns what it did. */
function answerMessages(scenario: Scenario, b: Json, res: http.ServerResponse): string {
  const model = typeof b.model === "string" ? b.model : "claude-stub";
  const headers = scenario.responseHeaders ?? {};
  let reply: Reply;
  let label = "side";
  if (arr(b.tools).length === 0) {
    reply = replyFor({ text: scenario.sideText ?? "Stub title" });
  } else {
    const picked = pickStep(scenario, arr(b.messages));
    const step = picked.step;
    label = picked.label;
    if ("stall" in step) {
      if (step.stall === "mid-stream") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(
          `event: message_start\ndata: ${JSON.stringify({ type: "message_start", ...messageStart(model, fullUsage({})) })}\n\n`,
        );
      }
      return `${label}:${step.stall === true ? "stall" : "stall-mid-stream"}`;
    }
    if ("error" in step) {
      const type = step.errorType ?? ERROR_TYPES[step.error] ?? "api_error";
      const message = step.message ?? `stub ${type}`;
      json(res, step.error, { type: "error", error: { type, message } }, step.headers);
      return `error:${step.error}`;
    }
    reply = replyFor(step);
  }
  if (b.stream === true) sse(res, reply, model, headers);
  else {
    const body = { id: newId("msg"), type: "message", role: "assistant", model, content: reply.blocks };
    json(res, 200, { ...body, stop_reason: reply.stop, stop_sequence: null, usage: reply.usage }, headers);
  }
  return label;
}

/** Starts the stub on 127.0.0.1 (random port) and, when `socketPath` is given, on that unix socket too. */
export async function startModelStub(
  initial: Scenario,
  opts: { socketPath?: string } = {},
): Promise<ModelStub> {
  let scenario = initial;
  const requests: RecordedRequest[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void => {
    const [path = "/", query = ""] = (req.url ?? "/").split("?", 2);
    const body = parseBody(req, raw);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (KEPT_HEADERS.test(k) && v !== undefined) headers[k] = String(v);
    const rec: RecordedRequest = {
      method: req.method ?? "",
      path,
      query,
      headers,
      body,
      handledAs: "other",
      clientClosed: false,
    };
    requests.push(rec);
    res.on("close", () => {
      if (!res.writableFinished) rec.clientClosed = true;
    });
    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      rec.handledAs = "count_tokens";
      json(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    } else if (req.method === "POST" && path === "/v1/messages") {
      rec.handledAs = answerMessages(scenario, isObj(body) ? body : {}, res);
    } else json(res, 200, {});
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => onRequest(req, res, Buffer.concat(chunks)));
  };
  const tcp = http.createServer(handler);
  const unix = opts.socketPath ? http.createServer(handler) : null;
  await listen(tcp, (s, cb) => s.listen(0, "127.0.0.1", cb));
  if (unix && opts.socketPath) {
    const p = opts.socketPath;
    rmSync(p, { force: true });
    await listen(unix, (s, cb) => s.listen(p, cb));
  }
  const { port } = tcp.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    socketPath: opts.socketPath ?? null,
    requests,
    messages: () => requests.filter((r) => r.path === "/v1/messages"),
    use: (s) => {
      scenario = s;
    },
    close: async () => {
      await Promise.all([tcp, unix].map((s) => (s ? shut(s) : undefined)));
      if (opts.socketPath) rmSync(opts.socketPath, { force: true });
    },
  };
}

function listen(server: http.Server, go: (s: http.Server, cb: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    go(server, () => resolve());
  });
}

function shut(server: http.Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}
