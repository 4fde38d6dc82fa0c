// Scenario 1: a claude builder slung under a claude lead does its task end to end through git ov:
// writes a file, commits it, reports worker_done with `git ov mail send` from its Bash tool; the turn
// settles `completed`, and the mail wakes the lead, whose own turn receives it.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Session } from "../../src/sessions/session.js";
import { inbox, runTurn, slingClaude } from "../support/claude-agents.js";
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

  it("writes, commits, sends worker_done through git ov; the turn settles completed", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    await slingClaude(h, { name: "lead-1", capability: "lead", task: "t-lead" });
    const agent = await slingClaude(h, { name: "b-one", task: "t-one", parent: "lead-1" });
    const payload = { taskId: "t-one", branch: agent.branch, exitCode: 0, filesModified: ["hello.txt"] };
    const report = `git ov mail send --to lead-1 --type worker_done --subject 'done: t-one' --body 'hello.txt added' --payload '${JSON.stringify(payload)}'`;
    h.stub.use({
      conversations: [
        {
          match: "BUILD-HELLO",
          steps: [
            {
              text: "Writing the file.",
              tool: "Write",
              input: { file_path: join(agent.worktree, "hello.txt"), content: "hello from claude\n" },
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
        // The lead, woken by the builder's worker_done (its mail is the lead's prompt).
        { match: "done: t-one", steps: [{ end: true, text: "Noted; b-one is done." }] },
      ],
    });

    const [t] = await runTurn(h, "b-one", "BUILD-HELLO: add hello.txt, commit it, report worker_done.");
    h.keepCapture("cf-builder", "b-one");
    assert.equal(t?.finalState, "completed", h.diagnostics("b-one"));
    assert.equal(t?.cleanResult, true);
    assert.equal(t?.terminalMail, true);
    assert.deepEqual(
      t?.usage,
      { inputTokens: 5100, outputTokens: 140 },
      "usage is the sum of the stub's numbers",
    );
    assert.ok((t?.costUsd ?? 0) > 0);

    const calls = h.stub.messages().filter((r) => r.handledAs.startsWith("step:0:"));
    assert.deepEqual(
      calls.map((r) => r.handledAs),
      ["step:0:0", "step:0:1", "step:0:2", "step:0:3"],
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
    const init = h.events("b-one").find((e) => e.kind === "init");
    assert.ok(s.runtimeSessionId);
    assert.equal(s.runtimeSessionId, init?.sessionId, "the session document has the Claude session id");

    assert.equal(h.repo.git("show", `${agent.branch}:hello.txt`), "hello from claude");
    assert.equal(h.repo.git("log", "-1", "--format=%s", agent.branch), "Add hello.txt");
    assert.equal(
      h.repo.git("diff-tree", "--no-commit-id", "--name-only", "-r", agent.branch),
      "hello.txt",
      "guard settings stay out of the commit",
    );
    assert.match(
      h.repo.git("log", "-1", "--format=%(trailers:key=Ov-Agent,valueonly)", agent.branch),
      /b-one/,
    );

    const mail = inbox(h, "lead-1").map((m) => m.message);
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.from, "b-one");
    assert.equal(mail[0]?.type, "worker_done");
    assert.deepEqual(mail[0]?.payload, payload);

    // The send dispatched the lead (a detached `git ov turn lead-1`): its turn got the worker_done.
    const lead = await waitFor(h, "lead-1", (s) => s.turns >= 1);
    assert.equal(lead.state, "working", h.diagnostics("lead-1"));
    const woke = h.stub.messages().filter((r) => r.handledAs === "step:1:0");
    assert.equal(woke.length, 1);
    assert.match(conversationText(woke[0]?.body), /b-one[\s\S]*done: t-one[\s\S]*hello\.txt added/);
    await eventually(
      () => inbox(h, "lead-1").every((m) => m.folder === "read"),
      "the lead's turn acknowledged the mail it was given",
    );
  });
});

/** The agent's session once `ok` holds (the dispatched turn runs in the background). */
async function waitFor(h: Conformance, agent: string, ok: (s: Session) => boolean): Promise<Session> {
  await eventually(
    async () => ok(await h.session(agent)),
    `${agent} gets there\n${h.diagnostics(agent)}`,
    120_000,
  );
  return h.session(agent);
}
