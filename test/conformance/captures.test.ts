// Scenario 5 (fast, no CLI): the parser over the raw streams the real CLI printed in the conformance
// scenarios (test/fixtures/claude/cf-*.ndjson, re-captured with OV_CONFORMANCE_CAPTURE=1). Checks the
// shapes git ov relies on, and fails on an event shape it has not seen, so a new pinned version that
// emits one gets reviewed (docs/conformance.md, "Re-capturing").
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createClaudeParser } from "../../src/runtimes/claude-stream.js";
import type { RuntimeEvent } from "../../src/runtimes/types.js";
import { ROOT } from "../helpers/repo.js";
import { CLAUDE_VERSION, claudeBinary } from "../support/claude-env.js";

const DIR = join(ROOT, "test", "fixtures", "claude");

/** Every `type[/subtype]` the pinned CLI printed in these scenarios, mapped to a typed event. */
const TYPED_SHAPES = new Set([
  "system/init",
  "assistant",
  "user",
  "result/success",
  "result/error_max_turns",
]);
/**
 * Shapes git ov takes as `other` (progress: they re-arm the stall timer, nothing more). The task
 * pair wraps a Bash call that runs for a while (a `git commit` with hooks on a loaded machine).
 */
const OTHER_SHAPES = new Set(["system/task_started", "system/task_notification"]);

function raw(name: string): Record<string, unknown>[] {
  return readFileSync(join(DIR, `${name}.ndjson`), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function parse(name: string): RuntimeEvent[] {
  const p = createClaudeParser();
  return [...p.push(readFileSync(join(DIR, `${name}.ndjson`), "utf8")), ...p.end()];
}

function of<K extends RuntimeEvent["kind"]>(
  evs: RuntimeEvent[],
  kind: K,
): Extract<RuntimeEvent, { kind: K }>[] {
  return evs.filter((e): e is Extract<RuntimeEvent, { kind: K }> => e.kind === kind);
}

const captures = readdirSync(DIR)
  .filter((f) => f.startsWith("cf-") && f.endsWith(".ndjson"))
  .map((f) => f.slice(0, -".ndjson".length))
  .sort();

describe("claude stream captures from the conformance scenarios", () => {
  it("were captured with the pinned CLI version, which is the one installed", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(pkg.devDependencies["@anthropic-ai/claude-code"], CLAUDE_VERSION);
    const bin = claudeBinary();
    if (bin)
      assert.match(execFileSync(bin, ["--version"], { encoding: "utf8" }), new RegExp(`^${CLAUDE_VERSION} `));
  });

  it("has a capture for every scenario", () => {
    for (const name of ["cf-builder", "cf-idle-first", "cf-idle-resumed", "cf-api-error", "cf-max-turns"])
      assert.ok(captures.includes(name), `missing ${name}.ndjson`);
    for (const name of ["cf-stall-killed", "cf-guard-scout", "cf-guard-builder"])
      assert.ok(captures.includes(name), `missing ${name}.ndjson`);
  });

  for (const name of captures) {
    it(`${name}: only known event shapes, each mapped, all carrying one session id`, () => {
      const lines = raw(name);
      const shapes = lines.map((l) => (l.subtype ? `${l.type}/${l.subtype}` : String(l.type)));
      for (const shape of shapes)
        assert.ok(
          TYPED_SHAPES.has(shape) || OTHER_SHAPES.has(shape),
          `new event shape ${shape}: check the parser, then add it here`,
        );
      const others = of(parse(name), "other").map((e) => e.type);
      assert.deepEqual(
        others,
        shapes.filter((s) => OTHER_SHAPES.has(s)),
        "typed shapes map to typed events",
      );
      assert.equal(new Set(lines.map((l) => l.session_id)).size, 1);
    });
  }

  it("cf-builder: tool calls and results in order, usage summed from the stub, cost of the turn", () => {
    const evs = parse("cf-builder");
    assert.deepEqual(
      of(evs, "tool_use").map((e) => e.name),
      ["Write", "Bash", "Bash"],
    );
    assert.deepEqual(
      of(evs, "tool_result").map((e) => e.isError),
      [false, false, false],
    );
    const [r] = of(evs, "result");
    assert.equal(r?.isError, false);
    assert.equal(r?.terminalReason, "completed");
    assert.deepEqual(r?.usage, {
      inputTokens: 5100,
      outputTokens: 140,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    assert.equal(r?.numTurns, 4);
    assert.ok(r?.costUsd && r.costUsd > 0);
    assert.equal(r?.costUsd, r?.sessionCostUsd, "a first turn's cost is the conversation's");
  });

  it("cf-idle-first → cf-idle-resumed: one conversation; the turn's cost is the since-last-result part", () => {
    const [a] = of(parse("cf-idle-first"), "result");
    const [b] = of(parse("cf-idle-resumed"), "result");
    assert.ok(a && b);
    assert.equal(a.sessionId, b.sessionId);
    assert.deepEqual([a.usage?.inputTokens, b.usage?.inputTokens], [300, 500]);
    assert.ok(Math.abs((b.sessionCostUsd ?? 0) - ((a.sessionCostUsd ?? 0) + (b.costUsd ?? 0))) < 1e-9);
  });

  it("cf-api-error: a synthetic error text, then an error result whose subtype is still success", () => {
    const evs = parse("cf-api-error");
    assert.equal(of(evs, "text")[0]?.apiError, true);
    const [r] = of(evs, "result");
    assert.deepEqual([r?.subtype, r?.isError, r?.terminalReason], ["success", true, "api_error"]);
  });

  it("cf-max-turns: error_max_turns with the CLI's reason", () => {
    const [r] = of(parse("cf-max-turns"), "result");
    assert.deepEqual([r?.subtype, r?.isError, r?.terminalReason], ["error_max_turns", true, "max_turns"]);
    assert.match(r?.errors?.join(" ") ?? "", /maximum number of turns \(2\)/);
  });

  it("cf-stall-killed: the init event and nothing else (killed by git ov's watchdog)", () => {
    assert.deepEqual(
      parse("cf-stall-killed").map((e) => e.kind),
      ["init"],
    );
  });

  it("cf-guard-*: a guard block reaches the parser as an error tool result with the guard's reason", () => {
    const scout = of(parse("cf-guard-scout"), "tool_result");
    assert.deepEqual(
      scout.map((e) => e.isError),
      [true, true],
    );
    assert.match(scout[0]?.content ?? "", /git ov guard: blocked \(read-only\)/);
    const builder = of(parse("cf-guard-builder"), "tool_result");
    assert.deepEqual(
      builder.map((e) => e.isError),
      [true, true, false],
    );
    assert.match(builder[0]?.content ?? "", /blocked \(path-boundary\)/);
    assert.match(builder[1]?.content ?? "", /blocked \(dangerous-git\)/);
  });
});
