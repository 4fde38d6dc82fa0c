import "../helpers/env.js";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createClaudeParser } from "../../src/runtimes/claude-stream.js";
import type { RuntimeEvent } from "../../src/runtimes/types.js";
import { ROOT } from "../helpers/repo.js";

const FIXTURES = join(ROOT, "test", "fixtures", "claude");
const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".ndjson"))
  .map((f) => f.replace(/\.ndjson$/, ""))
  .sort();

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.ndjson`), "utf8");
}

function parseAll(text: string, chunk = text.length || 1): RuntimeEvent[] {
  const p = createClaudeParser();
  const out: RuntimeEvent[] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
  out.push(...p.end());
  return out;
}

function only<K extends RuntimeEvent["kind"]>(
  events: RuntimeEvent[],
  kind: K,
): Extract<RuntimeEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<RuntimeEvent, { kind: K }> => e.kind === kind);
}

type Line = Record<string, unknown> & { type: string };
function lines(text: string): Line[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);
}

describe("claude stream parser", () => {
  it("has real captures to test against", () => {
    assert.ok(fixtureNames.length >= 10, `expected captured fixtures in ${FIXTURES}`);
  });

  for (const name of fixtureNames) {
    it(`maps every line of ${name} and is chunking-independent`, () => {
      const text = fixture(name);
      const events = parseAll(text);
      const raw = lines(text);
      assert.equal(only(events, "other").filter((e) => e.type === "unparsed").length, 0);

      const inits = raw.filter((l) => l.type === "system" && l.subtype === "init");
      assert.deepEqual(
        only(events, "init").map((e) => e.sessionId),
        inits.map((l) => l.session_id),
      );
      const toolUses = raw.flatMap((l) => (l.type === "assistant" ? blocks(l, "tool_use") : []));
      assert.deepEqual(
        only(events, "tool_use").map((e) => [e.id, e.name]),
        toolUses.map((b) => [b.id, b.name]),
      );
      const toolResults = raw.flatMap((l) => (l.type === "user" ? blocks(l, "tool_result") : []));
      assert.deepEqual(
        only(events, "tool_result").map((e) => [e.toolUseId, e.isError]),
        toolResults.map((b) => [b.tool_use_id, b.is_error === true]),
      );
      const results = raw.filter((l) => l.type === "result");
      assert.deepEqual(
        only(events, "result").map((e) => [
          e.subtype,
          e.isError,
          e.costUsd,
          e.usage?.inputTokens,
          e.sessionId,
        ]),
        results.map((l) => [
          l.subtype,
          l.is_error,
          turnCost(l),
          (l.usage as { input_tokens: number }).input_tokens,
          l.session_id,
        ]),
      );
      for (const size of [1, 7, 4096]) {
        if (size === 1 && text.length > 20_000) continue;
        assert.deepEqual(parseAll(text, size), events, `chunk size ${size}`);
      }
    });
  }

  it("reads session id, text, usage and cost of a plain answer (a-text)", () => {
    const ev = parseAll(fixture("a-text"));
    assert.deepEqual(
      ev.map((e) => e.kind),
      ["init", "text", "result"],
    );
    const [init, text, result] = ev as [
      Extract<RuntimeEvent, { kind: "init" }>,
      Extract<RuntimeEvent, { kind: "text" }>,
      Extract<RuntimeEvent, { kind: "result" }>,
    ];
    assert.match(init.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(text.text, "Hello from the stub.");
    assert.equal(result.isError, false);
    assert.equal(result.sessionId, init.sessionId);
    assert.equal(result.costUsd, 0.000632);
    assert.equal(result.sessionCostUsd, 0.000632);
    assert.deepEqual(result.usage, {
      inputTokens: 123,
      outputTokens: 7,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    assert.equal(result.text, "Hello from the stub.");
    assert.equal(result.terminalReason, "completed");
  });

  it("reports this turn's cost, not Claude's cumulative total, after --resume (c-resume)", () => {
    const r = only(parseAll(fixture("c-resume")), "result")[0]!;
    assert.equal(r.costUsd, 0.00026000000000000003);
    assert.equal(r.sessionCostUsd, 0.000892);
    assert.deepEqual([r.usage?.inputTokens, r.usage?.outputTokens], [50, 3]);
  });

  it("maps tool calls, results and a system line of a write-and-commit turn (b-write-commit)", () => {
    const ev = parseAll(fixture("b-write-commit"));
    const kinds = ev.map((e) => (e.kind === "other" ? `other:${e.type}` : e.kind));
    assert.deepEqual(kinds, [
      "init",
      "text",
      "tool_use",
      "tool_result",
      "tool_use",
      "other:system/vcs_state_changed",
      "tool_result",
      "text",
      "result",
    ]);
    const result = only(ev, "result")[0]!;
    assert.equal(result.numTurns, 3);
    assert.deepEqual(result.usage?.outputTokens, 60);
  });

  it("reports an API error as error text and an error result with subtype success (e-error-500-retries0)", () => {
    const ev = parseAll(fixture("e-error-500-retries0"));
    assert.equal(only(ev, "text")[0]?.apiError, true);
    const r = only(ev, "result")[0]!;
    assert.equal(r.subtype, "success");
    assert.equal(r.isError, true);
    assert.equal(r.terminalReason, "api_error");
  });

  it("reports max turns and an unknown resume id as error results (f-max-turns, c2-resume-unknown)", () => {
    const max = only(parseAll(fixture("f-max-turns")), "result")[0]!;
    assert.deepEqual([max.subtype, max.isError, max.terminalReason], ["error_max_turns", true, "max_turns"]);
    const unknown = parseAll(fixture("c2-resume-unknown"));
    assert.deepEqual(
      unknown.map((e) => e.kind),
      ["result"],
    );
    const r = only(unknown, "result")[0]!;
    assert.equal(r.subtype, "error_during_execution");
    assert.match(r.errors?.[0] ?? "", /No conversation found with session ID/);
  });

  it("shows a hook block as an error tool result (d-hook-block)", () => {
    const results = only(parseAll(fixture("d-hook-block")), "tool_result");
    assert.equal(results.length, 2);
    for (const r of results) {
      assert.equal(r.isError, true);
      assert.match(r.content, /^PreToolUse:(Write|Bash) hook error: /);
    }
  });

  it("skips blank lines, turns garbage into `unparsed` events and never throws", () => {
    const a = fixture("a-text").split("\n").filter(Boolean);
    const text = [
      "",
      "not json at all",
      a[0],
      "{broken",
      "[1,2]",
      '{"no":"type"}',
      "   ",
      a[1],
      a[2],
      "",
    ].join("\n");
    const ev = parseAll(text);
    assert.deepEqual(
      ev.map((e) => (e.kind === "other" ? `other:${e.type}` : e.kind)),
      ["other:unparsed", "init", "other:unparsed", "other:unparsed", "other:unparsed", "text", "result"],
    );
    assert.equal(only(ev, "result").length, 1);
  });

  it("processes a final line without newline at end() and drops a torn one", () => {
    const [init, text, result] = fixture("a-text").split("\n").filter(Boolean) as [string, string, string];
    const p = createClaudeParser();
    assert.deepEqual(
      p.push(`${init}\n${text}\n`).map((e) => e.kind),
      ["init", "text"],
    );
    assert.deepEqual(p.push(result), []);
    assert.deepEqual(
      p.end().map((e) => e.kind),
      ["result"],
    );
    const torn = createClaudeParser();
    torn.push(`${init}\n${result.slice(0, 40)}`);
    assert.deepEqual(
      torn.end().map((e) => (e.kind === "other" ? e.type : e.kind)),
      ["unparsed"],
    );
    assert.deepEqual(torn.end(), []);
  });

  it("maps unknown event types and odd shapes to `other` with the raw line", () => {
    const ev = parseAll(
      [
        '{"type":"control_response","response":{"subtype":"success"}}',
        '{"type":"system","subtype":"init"}',
        '{"type":"assistant","message":{"content":[{"type":"thinking","thinking":"hm"}]}}',
        '{"type":"user","message":{"role":"user","content":"replayed prompt"}}',
        '{"type":"result"}',
      ].join("\n"),
    );
    assert.deepEqual(
      ev.map((e) => (e.kind === "other" ? `other:${e.type}` : e.kind)),
      ["other:control_response", "other:system/init", "other:assistant", "other:user", "result"],
    );
    assert.deepEqual(ev.at(-1), { kind: "result", isError: true, subtype: "unknown" });
  });
});

/** The per-turn cost a result line should map to: the since-last-result sum, else the total. */
function turnCost(l: Line): unknown {
  const since = l.model_usage_since_last_result as Record<string, { costUSD: number }> | undefined;
  if (since === undefined) return l.total_cost_usd;
  return Object.values(since).reduce((a, u) => a + u.costUSD, 0);
}

function blocks(l: Line, type: string): Record<string, unknown>[] {
  const c = (l.message as { content?: unknown })?.content;
  return Array.isArray(c) ? (c as Record<string, unknown>[]).filter((b) => b.type === type) : [];
}
