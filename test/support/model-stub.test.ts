// The model stub on its own (no CLI): SSE shape, step choice, side requests, errors, stalls.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { conversationText, lastPromptText, stepIndex, toolResults } from "./model-scenario.js";
import { startModelStub } from "./model-stub.js";

const tools = [{ name: "Write", input_schema: { type: "object" } }];
const prompt = { role: "user", content: [{ type: "text", text: "do it" }] };

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  return fetch(url, signal ? { ...init, signal } : init);
}

function sseEvents(text: string): { names: string[]; data: Record<string, unknown>[] } {
  const lines = text.split("\n");
  return {
    names: lines.filter((l) => l.startsWith("event: ")).map((l) => l.slice(7)),
    data: lines
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>),
  };
}

describe("model stub", () => {
  it("streams a tool call, then the next step once the tool result comes back", async () => {
    const stub = await startModelStub({
      conversations: [
        {
          steps: [
            {
              tool: "Write",
              input: { file_path: "/x", content: "y" },
              usage: { input_tokens: 42, output_tokens: 9 },
            },
            { text: "finished" },
          ],
        },
      ],
    });
    try {
      const res = await post(`${stub.url}/v1/messages?beta=true`, {
        model: "m",
        stream: true,
        tools,
        messages: [prompt],
      });
      const { names, data } = sseEvents(await res.text());
      assert.deepEqual(names, [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ]);
      const input = data
        .filter((d) => d.type === "content_block_delta")
        .map((d) => String((d.delta as { partial_json?: unknown }).partial_json))
        .join("");
      assert.deepEqual(JSON.parse(input), { file_path: "/x", content: "y" });
      const start = data[0] as { message: { usage: { input_tokens: number } } };
      assert.equal(start.message.usage.input_tokens, 42);
      const delta = data.find((d) => d.type === "message_delta") as { delta: { stop_reason: string } };
      assert.equal(delta.delta.stop_reason, "tool_use");

      const history = [
        prompt,
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Write", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
      ];
      const next = (await (
        await post(`${stub.url}/v1/messages`, { model: "m", tools, messages: history })
      ).json()) as Record<string, unknown>;
      assert.equal(next.stop_reason, "end_turn");
      assert.deepEqual(next.content, [{ type: "text", text: "finished" }]);
      assert.deepEqual(
        stub.messages().map((r) => r.handledAs),
        ["step:0:0", "step:0:1"],
      );
    } finally {
      await stub.close();
    }
  });

  it("answers side requests, count_tokens, unknown paths, errors and stalls; listens on a unix socket too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ovs-"));
    const socketPath = join(dir, "s.sock");
    const stub = await startModelStub(
      {
        conversations: [{ match: "boom", steps: [{ error: 529 }] }, { steps: [{ stall: true }] }],
        sideText: "A title",
      },
      { socketPath },
    );
    try {
      const side = (await (
        await post(`${stub.url}/v1/messages`, { model: "m", messages: [prompt] })
      ).json()) as {
        content: unknown;
      };
      assert.deepEqual(side.content, [{ type: "text", text: "A title" }]);
      const counted = await (await post(`${stub.url}/v1/messages/count_tokens`, { messages: [] })).json();
      assert.deepEqual(counted, { input_tokens: 4 });
      assert.deepEqual(await (await fetch(`${stub.url}/api/hello`)).json(), {});
      const err = await post(`${stub.url}/v1/messages`, {
        stream: true,
        tools,
        messages: [{ role: "user", content: "boom" }],
      });
      assert.equal(err.status, 529);
      assert.equal(((await err.json()) as { error: { type: string } }).error.type, "overloaded_error");
      await assert.rejects(
        post(
          `${stub.url}/v1/messages`,
          { stream: true, tools, messages: [prompt] },
          AbortSignal.timeout(300),
        ),
      );
      assert.equal(await unixGet(socketPath), "{}");
      assert.deepEqual(
        stub.requests.map((r) => r.handledAs),
        ["side", "count_tokens", "other", "error:529", "step:1:0:stall", "other"],
      );
      await waitUntil(() => stub.requests[4]?.clientClosed === true);
    } finally {
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads prompts, step indexes, tool results and conversation text from a request", () => {
    const messages = [
      {
        role: "user",
        content: [
          { type: "text", text: "<reminder>" },
          { type: "text", text: "first" },
        ],
      },
      { role: "system", content: "env" },
      { role: "assistant", content: [{ type: "tool_use", id: "a", name: "Bash", input: {} }] },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "a", content: "blocked", is_error: true }],
      },
    ];
    assert.equal(lastPromptText(messages), "<reminder>\nfirst");
    assert.equal(stepIndex(messages), 1);
    assert.equal(stepIndex([...messages, { role: "user", content: "again" }]), 0);
    assert.deepEqual(toolResults({ messages }), [{ toolUseId: "a", isError: true, text: "blocked" }]);
    assert.match(conversationText({ messages }), /first[\s\S]*blocked/);
  });
});

function unixGet(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: "/anything" }, (res) => {
        let s = "";
        res.on("data", (c: Buffer) => {
          s += c.toString();
        });
        res.on("end", () => resolve(s));
      })
      .on("error", reject);
  });
}

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok());
}
