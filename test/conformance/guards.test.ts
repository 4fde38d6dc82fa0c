// Scenario 3: the guard git ov deploys (.claude/settings.local.json → PreToolUse → `git ov guard`)
// blocks what the role may not do, inside the real CLI: the model receives the block reason as the
// tool's error result, and the tool never runs.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { slingClaude, worktreeOf } from "../support/claude-agents.js";
import {
  type Conformance,
  TURN_TIMEOUT_MS,
  conformanceSkipReason,
  startConformance,
} from "../support/conformance.js";
import { type ToolResultSeen, toolResults } from "../support/model-scenario.js";

const skip = conformanceSkipReason() ?? false;

/** The tool results the model had received by its last call in conversation `conv`. */
function resultsSeen(h: Conformance, conv: number): ToolResultSeen[] {
  const calls = h.stub.messages().filter((r) => r.handledAs.startsWith(`step:${conv}:`));
  return toolResults(calls.at(-1)?.body);
}

describe("conformance: deployed guards block through the real CLI", {
  skip,
}, () => {
  let h: Conformance;
  before(async () => {
    h = await startConformance({ conversations: [] });
  });
  after(() => h?.cleanup());

  it("a read-only scout can neither Write nor git push; the model is told why", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    const notes = join(worktreeOf(h, "sc-one"), "notes.md");
    h.stub.use({
      conversations: [
        {
          match: "scout-try",
          steps: [
            { tool: "Write", input: { file_path: notes, content: "findings\n" } },
            { tool: "Bash", input: { command: "git push origin HEAD", description: "Publish" } },
            { end: true, text: "Blocked twice; reporting instead." },
          ],
        },
      ],
    });
    const { firstTurn } = await slingClaude(h, { name: "sc-one", task: "scout-try", capability: "scout" });
    h.keepCapture("cf-guard-scout", "sc-one");
    assert.equal(firstTurn.state, "working", `${firstTurn.note}\n${h.diagnostics("sc-one")}`);
    const [write, push] = resultsSeen(h, 0);
    assert.equal(write?.isError, true);
    assert.match(write?.text ?? "", /PreToolUse:Write hook error[\s\S]*git ov guard: blocked \(read-only\)/);
    assert.equal(existsSync(notes), false, "the Write never ran");
    assert.equal(push?.isError, true);
    assert.match(push?.text ?? "", /PreToolUse:Bash hook error[\s\S]*git ov guard: blocked \(/);
    assert.match(push?.text ?? "", /push/);
    const denied = h.events("sc-one").find((e) => e.kind === "result");
    assert.equal(denied?.isError, false, "blocked tools do not fail the turn");
  });

  it("a builder cannot write outside its worktree nor push", { timeout: TURN_TIMEOUT_MS }, async () => {
    const wt = worktreeOf(h, "b-guard");
    const outside = join(h.repo.dir, "outside.txt");
    h.stub.use({
      conversations: [
        {
          match: "builder-escape",
          steps: [
            { tool: "Write", input: { file_path: outside, content: "escaped\n" } },
            { tool: "Bash", input: { command: "git push --force origin HEAD:main", description: "Ship it" } },
            { tool: "Write", input: { file_path: join(wt, "inside.txt"), content: "fine\n" } },
            { end: true, text: "Done." },
          ],
        },
      ],
    });
    const { firstTurn } = await slingClaude(h, { name: "b-guard", task: "builder-escape" });
    h.keepCapture("cf-guard-builder", "b-guard");
    assert.equal(firstTurn.state, "working", `${firstTurn.note}\n${h.diagnostics("b-guard")}`);
    const [outsideWrite, push, inside] = resultsSeen(h, 0);
    assert.equal(outsideWrite?.isError, true);
    assert.match(outsideWrite?.text ?? "", /git ov guard: blocked \(path-boundary\)/);
    assert.equal(existsSync(outside), false, "nothing written outside the worktree");
    assert.equal(push?.isError, true);
    assert.match(push?.text ?? "", /git ov guard: blocked \(dangerous-git\)/);
    assert.equal(inside?.isError, false, "writing inside the worktree is allowed");
    assert.ok(existsSync(join(wt, "inside.txt")));
  });
});
