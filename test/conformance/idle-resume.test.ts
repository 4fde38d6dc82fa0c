// Scenario 2: a clean first turn without terminal mail leaves the agent idle (working, idleSince);
// mail to it starts a second turn that resumes the recorded Claude conversation (--resume).
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inbox, runTurn, slingClaude } from "../support/claude-agents.js";
import {
  type Conformance,
  TURN_TIMEOUT_MS,
  conformanceSkipReason,
  eventually,
  startConformance,
} from "../support/conformance.js";
import { conversationText } from "../support/model-scenario.js";

const skip = conformanceSkipReason() ?? false;

describe("conformance: idle after a turn without terminal mail, resumed by mail", {
  skip,
}, () => {
  let h: Conformance;
  before(async () => {
    h = await startConformance({
      conversations: [
        {
          match: "idle-first",
          steps: [
            {
              text: "Looked around; waiting for instructions.",
              usage: { input_tokens: 300, output_tokens: 40 },
            },
          ],
        },
        {
          match: "IDLE-SECOND",
          steps: [
            { end: true, text: "Second turn answered.", usage: { input_tokens: 500, output_tokens: 60 } },
          ],
        },
      ],
    });
  });
  after(() => h?.cleanup());

  it("goes idle after the first turn, then a mail resumes the same conversation", {
    timeout: TURN_TIMEOUT_MS,
  }, async () => {
    const { firstTurn } = await slingClaude(h, {
      name: "idler",
      task: "idle-first",
      parent: "lead-1",
      forceHierarchy: true,
    });
    h.keepCapture("cf-idle-first", "idler");
    assert.equal(firstTurn.state, "working", `${firstTurn.note}\n${h.diagnostics("idler")}`);
    const first = h.events("idler").find((e) => e.kind === "result");
    assert.equal(first?.isError, false);
    assert.deepEqual(first?.usage, {
      inputTokens: 300,
      outputTokens: 40,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    let s = await h.session("idler");
    assert.equal(s.state, "working");
    assert.ok(s.idleSince, "idleSince is recorded");
    assert.equal(s.turns, 1);
    const sid = s.runtimeSessionId;
    assert.ok(sid, "the Claude session id is recorded");
    assert.equal(h.stub.messages()[0]?.headers["x-claude-code-session-id"], sid);

    // The CLI send also dispatches a turn for idler in the background; whichever of that and the
    // explicit `git ov turn` gets the agent's turn lock first delivers the mail, the other finds none.
    await h.ovOk([
      "mail",
      "send",
      "--to",
      "idler",
      "--from",
      "lead-1",
      "--subject",
      "IDLE-SECOND",
      "--body",
      "go on",
    ]);
    await runTurn(h, "idler");
    s = await waitForTurns(h, "idler", 2);
    h.keepCapture("cf-idle-resumed", "idler");
    assert.equal(s.state, "working", h.diagnostics("idler"));
    assert.equal(s.runtimeSessionId, sid, "resuming keeps the conversation id");

    const second = h.stub.messages().filter((r) => r.handledAs === "step:1:0");
    assert.equal(second.length, 1, "one model call for the second turn");
    const req = second[0];
    assert.equal(req?.headers["x-claude-code-session-id"], sid);
    const context = conversationText(req?.body);
    assert.match(context, /idle-first/, "sling's first prompt is in the resumed context");
    assert.match(context, /Looked around; waiting for instructions\./, "so is the first answer");
    assert.match(
      context,
      /lead-1[\s\S]*IDLE-SECOND[\s\S]*go on/,
      "the mail (sender, subject, body) is the new prompt",
    );

    assert.deepEqual(
      inbox(h, "idler").map((m) => m.folder),
      ["read"],
      "delivered mail is acknowledged",
    );
    const results = h.events("idler").filter((e) => e.kind === "result");
    assert.equal(results.length, 2);
    const [r1, r2] = results as { costUsd: number; sessionCostUsd: number; usage: { inputTokens: number } }[];
    assert.ok(r1 && r2);
    assert.equal(r1.costUsd, r1.sessionCostUsd, "first turn: the turn's cost is the conversation's");
    assert.ok(r2.costUsd > 0);
    assert.ok(
      Math.abs(r2.sessionCostUsd - (r1.sessionCostUsd + r2.costUsd)) < 1e-9,
      "cost accumulates over --resume",
    );
    assert.equal(r2.usage.inputTokens, 500);
  });
});

/** The session once it has run `n` turns (a dispatched turn may be the one running). */
async function waitForTurns(h: Conformance, agent: string, n: number) {
  await eventually(
    async () => (await h.session(agent)).turns >= n,
    `${agent} ran turn ${n}\n${h.diagnostics(agent)}`,
  );
  return h.session(agent);
}
