// Scenario 1: a claude builder slung under a claude lead does its task in its first turn, end to end
// through git ov: writes a file, commits it, reports worker_done with `git ov mail send` from its Bash
// tool; the turn settles `completed`, and the mail wakes the lead, whose resumed turn receives it.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inbox, slingClaude, worktreeOf } from "../support/claude-agents.js";
import {
  type Conformance,
  TURN_TIMEOUT_MS,
  conformanceSkipReason,
  eventually,
  startConformance,
} from "../support/conformance.js";
import { conversationText, toolResults } from "../support/model-scenario.js";

const skip = conformanceSkipReason() ?? false;

describe("conformance: a claude builder completes its task", { skip }, () => {
  let h: Conformance;
  before(async () => {
    h = await startConformance({ conversations: [] });
  });
  after(() => h?.cleanup());

  it("writes, commits, sends worker_done through git ov; completed; the lead gets the mail", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    const wt = worktreeOf(h, "b-one");
    const payload = {
      taskId: "build-hello",
      branch: "ov/b-one/build-hello",
      exitCode: 0,
      filesModified: ["hello.txt"],
    };
    const report = `git ov mail send --to lead-1 --type worker_done --subject 'done: build-hello' --body 'hello.txt added' --payload '${JSON.stringify(payload)}'`;
    h.stub.use({
      conversations: [
        // 0: the lead, woken by the builder's worker_done (the mail is its prompt).
        { match: "done: build-hello", steps: [{ end: true, text: "Noted; b-one is done." }] },
        // 1: the lead's first turn.
        { match: "lead-hello", steps: [{ end: true, text: "Waiting for my builder." }] },
        // 2: the builder's first turn (sling's prompt names the task).
        {
          match: "build-hello",
          steps: [
            {
              text: "Writing the file.",
              tool: "Write",
              input: { file_path: join(wt, "hello.txt"), content: "hello from claude\n" },
              usage: { input_tokens: 1000, output_tokens: 50 },
            },
            {
              tool: "Bash",
              input: { command: "git add -A && git commit -q -m 'Add hello.txt'", description: "Commit" },
              usage: { input_tokens: 1200, output_tokens: 30 },
            },
            {
              tool: "Bash",
              input: { command: report, description: "Report" },
              usage: { input_tokens: 1400, output_tokens: 40 },
            },
            {
              end: true,
              text: "Done: hello.txt committed and reported.",
              usage: { input_tokens: 1500, output_tokens: 20 },
            },
          ],
        },
      ],
    });

    const lead = await slingClaude(h, { name: "lead-1", task: "lead-hello", capability: "lead" });
    assert.equal(lead.firstTurn.state, "working", h.diagnostics("lead-1"));
    const { session, firstTurn } = await slingClaude(h, {
      name: "b-one",
      task: "build-hello",
      parent: "lead-1",
    });
    h.keepCapture("cf-builder", "b-one");
    assert.equal(firstTurn.state, "completed", `${firstTurn.note}\n${h.diagnostics("b-one")}`);
    assert.equal(session.worktree, wt);

    const calls = h.stub.messages().filter((r) => r.handledAs.startsWith("step:2:"));
    assert.deepEqual(
      calls.map((r) => r.handledAs),
      ["step:2:0", "step:2:1", "step:2:2", "step:2:3"],
    );
    const seen = toolResults(calls.at(-1)?.body);
    assert.equal(seen.length, 3);
    assert.deepEqual(
      seen.filter((r) => r.isError),
      [],
      "the guard let every call through",
    );

    const s = await h.session("b-one");
    assert.equal(s.state, "completed");
    assert.equal(s.turns, 1);
    const events = h.events("b-one");
    const init = events.find((e) => e.kind === "init");
    assert.ok(s.runtimeSessionId);
    assert.equal(s.runtimeSessionId, init?.sessionId, "the session document has the Claude session id");
    const result = events.find((e) => e.kind === "result") as { usage: unknown; costUsd: number } | undefined;
    assert.deepEqual(
      result?.usage,
      { inputTokens: 5100, outputTokens: 140, cacheReadTokens: 0, cacheCreationTokens: 0 },
      "usage is the sum of the stub's numbers",
    );
    assert.ok((result?.costUsd ?? 0) > 0);

    assert.equal(h.repo.git("show", `${s.branch}:hello.txt`), "hello from claude");
    assert.equal(h.repo.git("log", "-1", "--format=%s", s.branch), "Add hello.txt");
    assert.equal(
      h.repo.git("diff-tree", "--no-commit-id", "--name-only", "-r", s.branch),
      "hello.txt",
      "overlay and guard settings stay out of the commit",
    );
    assert.match(h.repo.git("log", "-1", "--format=%(trailers:key=Ov-Agent,valueonly)", s.branch), /b-one/);

    const mail = inbox(h, "lead-1").map((m) => m.message);
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.from, "b-one");
    assert.equal(mail[0]?.type, "worker_done");
    assert.deepEqual(mail[0]?.payload, payload);

    // The send dispatched the lead (a detached `git ov turn lead-1`): its resumed turn got the mail.
    await eventually(
      async () => (await h.session("lead-1")).turns >= 2,
      "the lead took a second turn",
      120_000,
    );
    const woke = h.stub.messages().filter((r) => r.handledAs === "step:0:0");
    assert.equal(woke.length, 1, h.diagnostics("lead-1"));
    const context = conversationText(woke[0]?.body);
    assert.match(context, /lead-hello/, "the lead's turn resumed its own conversation");
    assert.match(context, /b-one[\s\S]*done: build-hello[\s\S]*hello\.txt added/);
    await eventually(
      () => inbox(h, "lead-1").every((m) => m.folder === "read"),
      "the lead's turn acknowledged the mail it was given",
    );
    assert.equal((await h.session("lead-1")).state, "working");
  });
});
